"""Filters of the customer list, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from huikuan.core.filters import IdFilter
from huikuan.customers.models import Customer, CustomerStatus


class CustomerFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices, label=_("status"))
    owner = IdFilter(field_name="owner_id", label=_("owner"))
    tag = django_filters.CharFilter(field_name="tags__name", label=_("tag"), distinct=True)
    code = django_filters.CharFilter(lookup_expr="iexact", label=_("code"))

    class Meta:
        model = Customer
        fields = ["status", "owner", "tag", "code"]
