"""Filters of the payment terms list, shared by the API and the pages."""

import django_filters

from huikuan.terms.models import PaymentTerms


class TermsFilter(django_filters.FilterSet):
    class Meta:
        model = PaymentTerms
        fields = ["is_active", "whole_units"]
