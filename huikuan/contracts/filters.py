"""Filters of the contract, installment and milestone lists, shared by the API and the pages."""

import datetime as dt

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from huikuan.contracts.choices import ContractStatus, InstallmentStatus
from huikuan.contracts.models import Contract, Installment, Milestone
from huikuan.core.dates import today
from huikuan.core.filters import DateFilter, IdFilter
from huikuan.receivables.figures import status_filter, with_figures
from huikuan.terms.choices import MilestoneKind


class ContractFilter(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    owner = IdFilter(field_name="owner_id", label=_("owner"))
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("status"))
    currency = django_filters.CharFilter(label=_("currency"))
    signed_from = DateFilter(field_name="signed_on", lookup_expr="gte", label=_("signed from"))
    signed_to = DateFilter(field_name="signed_on", lookup_expr="lte", label=_("signed to"))

    class Meta:
        model = Contract
        fields = ["customer", "owner", "status", "currency", "signed_from", "signed_to"]


class InstallmentFilter(django_filters.FilterSet):
    """Installments as of a date (``as_of``, default today): the status filter matches the status
    each installment had on that date. The queryset is annotated with ``figures.with_figures``
    here unless the caller did it already."""

    as_of = DateFilter(method="filter_as_of", label=_("as of"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    contract = IdFilter(field_name="contract_id", label=_("contract"))
    status = django_filters.ChoiceFilter(choices=InstallmentStatus.choices, method="filter_status", label=_("status"))
    due_from = DateFilter(field_name="due_date", lookup_expr="gte", label=_("due from"))
    due_to = DateFilter(field_name="due_date", lookup_expr="lte", label=_("due to"))
    currency = django_filters.CharFilter(label=_("currency"))
    milestone = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label=_("waits for milestone"))
    is_retention = django_filters.BooleanFilter(label=_("retention"))

    class Meta:
        model = Installment
        fields = ["customer", "contract", "status", "due_from", "due_to", "currency", "milestone", "is_retention"]

    def as_of_date(self) -> dt.date:
        return self.form.cleaned_data.get("as_of") or today()

    def filter_queryset(self, queryset: QuerySet[Installment]) -> QuerySet[Installment]:
        if "open_as_of" not in queryset.query.annotations:
            queryset = with_figures(queryset, self.as_of_date())
        return super().filter_queryset(queryset)

    def filter_as_of(self, queryset: QuerySet[Installment], name: str, value: dt.date) -> QuerySet[Installment]:
        return queryset  # read by filter_status and the annotation; not a filter of its own

    def filter_status(self, queryset: QuerySet[Installment], name: str, value: str) -> QuerySet[Installment]:
        # Installments not yet receivable on the date (drafts, later bookings) have no status then.
        as_of = self.as_of_date()
        return queryset.filter(booked_on__lte=as_of).filter(status_filter(value, as_of))


class MilestoneFilter(django_filters.FilterSet):
    contract = IdFilter(field_name="contract_id", label=_("contract"))
    kind = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label=_("milestone"))
    reached_from = DateFilter(field_name="reached_on", lookup_expr="gte", label=_("reached from"))
    reached_to = DateFilter(field_name="reached_on", lookup_expr="lte", label=_("reached to"))

    class Meta:
        model = Milestone
        fields = ["contract", "kind", "reached_from", "reached_to"]
