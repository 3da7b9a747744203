"""Filters of the installment, receipt, allocation and adjustment lists, shared by the API and the
pages. The installment filters are as of a date that the selector passes in (``as_of``): they
match the status each installment had on that date."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Sequence
from functools import reduce
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from huikuan.contracts.choices import InstallmentStatus
from huikuan.contracts.models import Installment
from huikuan.core.dates import today
from huikuan.core.filters import DateFilter, IdFilter
from huikuan.receivables import figures
from huikuan.receivables.choices import AdjustmentKind, PaymentMethod
from huikuan.receivables.models import Adjustment, Allocation, Receipt
from huikuan.terms.choices import MilestoneKind

OPEN_STATUSES = frozenset({InstallmentStatus.NOT_DUE, InstallmentStatus.DUE, InstallmentStatus.OVERDUE})


def _filter_reversed(queryset: QuerySet, name: str, value: bool) -> QuerySet:
    return queryset.filter(reversed_on__isnull=not value)


class InstallmentFilter(django_filters.FilterSet):
    """Installments as of ``as_of`` (given by the caller, default today). ``status`` and
    ``partly_paid`` use ``figures.status_rules`` and ``figures.partly_paid_rule``, the very rules
    that give each row its status and flag."""

    customer = IdFilter(field_name="customer_id", label=_("customer"))
    contract = IdFilter(field_name="contract_id", label=_("contract"))
    status = django_filters.ChoiceFilter(choices=InstallmentStatus.choices, method="filter_status", label=_("status"))
    partly_paid = django_filters.BooleanFilter(method="filter_partly_paid", label=_("partly paid"))
    # open: not due, due or overdue (what is still owed: the worklist); false: settled
    open = django_filters.BooleanFilter(method="filter_open", label=_("open"))
    # overdue: what the aging puts in its buckets of days overdue; false: open and not overdue
    # (not due, due that day, or waiting on a milestone: the aging's first column)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    # receivable: has a status on the date, open or settled (not a draft, not booked after it)
    receivable = django_filters.BooleanFilter(method="filter_receivable", label=_("receivable on the date"))
    due_from = DateFilter(field_name="due_date", lookup_expr="gte", label=_("due from"))
    due_to = DateFilter(field_name="due_date", lookup_expr="lte", label=_("due to"))
    currency = django_filters.CharFilter(label=_("currency"))
    milestone = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label=_("waits for milestone"))
    is_retention = django_filters.BooleanFilter(label=_("retention"))

    class Meta:
        model = Installment
        fields = [
            "customer",
            "contract",
            "status",
            "partly_paid",
            "open",
            "overdue",
            "receivable",
            "due_from",
            "due_to",
            "currency",
            "milestone",
            "is_retention",
        ]

    # Filters that narrow the list to a few rows through their own index (one customer's or
    # contract's installments, a range of due dates): with one of them a status is tested on those
    # rows in one query, which beats counting each part of the status over the whole company
    # (bench/RESULTS.md: one customer's overdue installments as of a past date took 3x as long).
    NARROWING = ("customer", "contract", "due_from", "due_to", "milestone")

    def __init__(self, *args: Any, as_of: dt.date | None = None, in_parts: bool = True, **kwargs: Any) -> None:
        """``in_parts=False`` when the list is already narrow for another reason (a sales rep's or
        a team's scope), for the same reason as ``NARROWING``."""
        super().__init__(*args, **kwargs)
        self.as_of = as_of or today()
        self.in_parts = in_parts and not any(self.data.get(name) for name in self.NARROWING)

    def _by_rule(self, queryset: QuerySet[Installment], parts: Sequence[Q]) -> QuerySet[Installment]:
        """The installments matching any of the disjoint ``parts`` of a rule. The first rule
        applied is also counted part by part (``selectors.InstallmentQuerySet``); a second one
        (a status and ``partly_paid``) filters each of the first rule's parts."""
        if figures.needs_past_cents(self.as_of) and "open_cents" not in queryset.query.annotations:
            queryset = figures.with_past_cents(queryset, self.as_of)
        matching = queryset.filter(reduce(operator.or_, parts))
        counted = getattr(queryset, "_count_parts", None) is not None
        if self.in_parts and hasattr(matching, "counted_in_parts") and not counted:
            return matching.counted_in_parts(queryset, parts)  # type: ignore[no-any-return]
        return matching

    def filter_status(self, queryset: QuerySet[Installment], name: str, value: str) -> QuerySet[Installment]:
        # with partly_paid too, both in one set of parts (figures.status_parts)
        partly_paid = self.form.cleaned_data.get("partly_paid")
        parts = figures.status_parts(self.as_of, partly_paid=partly_paid)[value]
        if not parts:  # a settled status is never partly paid
            return queryset.none()
        return self._by_rule(queryset, parts)

    def _by_statuses(self, queryset: QuerySet[Installment], statuses: Iterable[str]) -> QuerySet[Installment]:
        """The installments whose status is one of ``statuses``: the statuses' parts are disjoint,
        so their union is counted and sliced part by part too."""
        by_status = figures.status_parts(self.as_of, partly_paid=self.form.cleaned_data.get("partly_paid"))
        parts = tuple(part for status in statuses for part in by_status[status])
        if not parts:  # settled and partly paid: never
            return queryset.none()
        return self._by_rule(queryset, parts)

    def filter_open(self, queryset: QuerySet[Installment], name: str, value: bool) -> QuerySet[Installment]:
        status = self.form.cleaned_data.get("status")
        if status:  # the status alone decides; both together only ask whether it is an open one
            return queryset if (status in OPEN_STATUSES) == value else queryset.none()
        return self._by_statuses(queryset, [s for s in InstallmentStatus.values if (s in OPEN_STATUSES) == value])

    def filter_overdue(self, queryset: QuerySet[Installment], name: str, value: bool) -> QuerySet[Installment]:
        wanted = [InstallmentStatus.OVERDUE] if value else [InstallmentStatus.NOT_DUE, InstallmentStatus.DUE]
        return self._by_statuses(queryset, wanted)

    def filter_receivable(self, queryset: QuerySet[Installment], name: str, value: bool) -> QuerySet[Installment]:
        data = self.form.cleaned_data
        if data.get("status") or data.get("open") is not None:
            return queryset if value else queryset.none()  # any status is receivable
        if not value:
            # no status on the date: a draft's plan, or booked after it (figures.status_parts)
            return queryset.filter(Q(booked_on__isnull=True) | Q(booked_on__gt=self.as_of))
        return self._by_statuses(queryset, InstallmentStatus.values)

    def filter_partly_paid(self, queryset: QuerySet[Installment], name: str, value: bool) -> QuerySet[Installment]:
        data = self.form.cleaned_data
        if data.get("status") or data.get("open") is not None or data.get("receivable") is not None:
            return queryset  # applied with the status, open or receivable filter
        parts = figures.partly_paid_parts(self.as_of)
        if value:
            return self._by_rule(queryset, parts)
        # Django's exclude() is the complement of filter() on nullable columns too (it adds the
        # IS NOT NULL tests), so "not partly paid" is exactly every other installment
        if figures.needs_past_cents(self.as_of) and "open_cents" not in queryset.query.annotations:
            queryset = figures.with_past_cents(queryset, self.as_of)
        return queryset.exclude(reduce(operator.or_, parts))


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
