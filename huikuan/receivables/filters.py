"""Filters of the receipt, allocation and adjustment lists, shared by the API and the pages."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from huikuan.core.filters import DateFilter, IdFilter
from huikuan.receivables.choices import AdjustmentKind, PaymentMethod
from huikuan.receivables.models import Adjustment, Allocation, Receipt


def _filter_reversed(queryset: QuerySet, name: str, value: bool) -> QuerySet:
    return queryset.filter(reversed_on__isnull=not value)


class ReceiptFilter(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    method = django_filters.ChoiceFilter(choices=PaymentMethod.choices, label=_("method"))
    currency = django_filters.CharFilter(label=_("currency"))
    received_from = DateFilter(field_name="received_on", lookup_expr="gte", label=_("received from"))
    received_to = DateFilter(field_name="received_on", lookup_expr="lte", label=_("received to"))
    is_reversed = django_filters.BooleanFilter(method=_filter_reversed, label=_("reversed"))

    class Meta:
        model = Receipt
        fields = ["customer", "method", "currency", "received_from", "received_to", "is_reversed"]


class AllocationFilter(django_filters.FilterSet):
    receipt = IdFilter(field_name="receipt_id", label=_("receipt"))
    installment = IdFilter(field_name="installment_id", label=_("installment"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    contract = IdFilter(field_name="installment__contract_id", label=_("contract"))
    effective_from = DateFilter(field_name="effective_on", lookup_expr="gte", label=_("effective from"))
    effective_to = DateFilter(field_name="effective_on", lookup_expr="lte", label=_("effective to"))
    is_reversed = django_filters.BooleanFilter(method=_filter_reversed, label=_("reversed"))

    class Meta:
        model = Allocation
        fields = ["receipt", "installment", "customer", "contract", "effective_from", "effective_to", "is_reversed"]


class AdjustmentFilter(django_filters.FilterSet):
    installment = IdFilter(field_name="installment_id", label=_("installment"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    contract = IdFilter(field_name="installment__contract_id", label=_("contract"))
    kind = django_filters.ChoiceFilter(choices=AdjustmentKind.choices, label=_("kind"))
    effective_from = DateFilter(field_name="effective_on", lookup_expr="gte", label=_("effective from"))
    effective_to = DateFilter(field_name="effective_on", lookup_expr="lte", label=_("effective to"))
    is_reversed = django_filters.BooleanFilter(method=_filter_reversed, label=_("reversed"))

    class Meta:
        model = Adjustment
        fields = ["installment", "customer", "contract", "kind", "effective_from", "effective_to", "is_reversed"]
