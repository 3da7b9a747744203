"""Customers with their figures, for the customer pages: the list with each customer's balance and
overdue amount (sortable by either, in the database), the figures of one customer per currency,
and one customer's dated timeline of contracts, due dates, receipts, allocations and adjustments;
the last two as of today or any past date (the customer page's ``as_of``).

The list's figures read the maintained columns (``Installment.open_amount``, ``Receipt.amount`` and
``allocated_amount``), which are right as of today (figures.py), one correlated subquery per figure
that the partial index of open installments (``installment_open_cover_idx``) and the receipts'
per-customer index answer. So a page of 50 customers is one query, sorted by balance or not, plus
the count, which reads no figure. The amounts are summed in whole cents (``money.Cents``) and only
in the company's currency: amounts in different currencies are never added together, and a
customer's other currencies are on its own page (``customer_figures``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import Company, Team, User
from huikuan.accounts.roles import Scope
from huikuan.accounts.scope import company_ids, sees_whole_companies
from huikuan.contracts.models import Contract, Installment
from huikuan.contracts.selectors import contracts_visible_to, installments_visible_to
from huikuan.core.dates import today
from huikuan.core.filters import IdFilter
from huikuan.core.money import ZERO, Cents, from_cents
from huikuan.customers.filters import CustomerFilter
from huikuan.customers.models import Customer
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables.figures import (
    attach_figures,
    customer_balance,
    figures_of,
    past_parts,
    unapplied_total,
    uses_maintained_columns,
)
from huikuan.receivables.models import Allocation, Receipt
from huikuan.receivables.selectors import adjustments_visible_to, allocations_visible_to, receipts_visible_to

CENTS = IntegerField()
# The sorts of the list: the figures largest first (who owes most on top), the rest A to Z; the
# id last, so that pages never overlap where two customers tie.
SORTS: dict[str, tuple[str, ...]] = {
    "code": ("code", "pk"),
    "name": ("name", "pk"),
    "balance": ("-balance_cents", "code", "pk"),
    "overdue": ("-overdue_cents", "code", "pk"),
}
DEFAULT_SORT = "code"


# --- the list -----------------------------------------------------------------------------------


def _open_items(as_of: dt.date) -> QuerySet[Installment]:
    """The open installments of the outer customer in its company's currency, receivable by then:
    the columns of the partial index of open installments, company and customer first."""
    return Installment.objects.filter(
        company_id=OuterRef("company_id"),
        customer_id=OuterRef("pk"),
        currency=OuterRef("company__currency"),
        open_amount__gt=0,
        booked_on__lte=as_of,
    )


def _summed(rows: QuerySet[Any], expression: Any) -> Coalesce:
    total = rows.order_by().values("customer_id").annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(total, output_field=CENTS), Value(0), output_field=CENTS)


def _open_cents(as_of: dt.date) -> Coalesce:
    return _summed(_open_items(as_of), Cents("open_amount"))


def _overdue_cents(as_of: dt.date) -> Coalesce:
    return _summed(_open_items(as_of).filter(due_date__lt=as_of), Cents("open_amount"))


def _unapplied_cents(as_of: dt.date) -> Coalesce:
    """Money received and not yet allocated: each live receipt's amount less what is allocated."""
    receipts = Receipt.objects.filter(
        company_id=OuterRef("company_id"),
        customer_id=OuterRef("pk"),
        currency=OuterRef("company__currency"),
        reversed_on__isnull=True,
        received_on__lte=as_of,
        # changes no sum (a receipt matched in full adds nothing), but names the few receipts with
        # money left, which a partial index of them can answer without reading every receipt
        allocated_amount__lt=F("amount"),
    )
    return _summed(receipts, Cents("amount") - Cents("allocated_amount"))


def with_figures(customers: QuerySet[Customer], as_of: dt.date) -> QuerySet[Customer]:
    """Annotate ``balance_cents`` (open installments less unapplied cash, DOMAIN.md rule 6) and
    ``overdue_cents`` in the company's currency (``figures_currency``), as of today or later (the
    maintained columns). The balance is one annotation, not two that a third subtracts: an
    annotation naming others repeats their subqueries in the SQL."""
    if as_of < today():
        raise ValueError("the list's figures are those of today: the maintained columns")
    return customers.annotate(
        figures_currency=F("company__currency"),
        balance_cents=_open_cents(as_of) - _unapplied_cents(as_of),
        overdue_cents=_overdue_cents(as_of),
    )


@dataclass(frozen=True)
class RowFigures:
    currency: str
    balance: Decimal
    overdue: Decimal


def row_figures(customer: Customer) -> RowFigures:
    """The figures ``with_figures`` annotated on a customer of the list."""
    values = vars(customer)
    return RowFigures(
        currency=values["figures_currency"],
        balance=from_cents(values["balance_cents"]),
        overdue=from_cents(values["overdue_cents"]),
    )


class CustomerFiguresFilter(CustomerFilter):
    """The customer list's filters (``customers.filters.CustomerFilter``) and what the pages add:
    text, team, company, whether anything is overdue, and the sort. The figures are those of
    ``as_of``, which the selector passes in."""

    q = django_filters.CharFilter(method="filter_text", label=_("search"))
    team = IdFilter(field_name="owner__team_id", label=_("team"))
    company = IdFilter(field_name="company_id", label=_("company"))
    has_overdue = django_filters.BooleanFilter(method="filter_has_overdue", label=_("has overdue"))
    sort = django_filters.ChoiceFilter(
        choices=[(key, key) for key in SORTS], method="filter_sort", label=_("sort"), empty_label=None
    )

    class Meta(CustomerFilter.Meta):
        fields = [*CustomerFilter.Meta.fields, "q", "team", "company", "has_overdue", "sort"]

    def __init__(self, *args: Any, as_of: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def filter_text(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(name__icontains=text) | Q(code__icontains=text) | Q(tax_id__icontains=text))

    def filter_has_overdue(self, queryset: QuerySet[Customer], name: str, value: bool | None) -> QuerySet[Customer]:
        if value is None:
            return queryset
        # an EXISTS, not the overdue annotation: the count reads it without summing anything
        overdue = Exists(_open_items(self.as_of).filter(due_date__lt=self.as_of))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_sort(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        return queryset.order_by(*SORTS.get(value, SORTS[DEFAULT_SORT]))


def customer_list_with_figures(
    *, user: User, filters: Mapping[str, Any] | None = None, as_of: dt.date | None = None
) -> QuerySet[Customer]:
    """Customers the user may see, filtered (``CustomerFiguresFilter``) and sorted (``sort``:
    code, name, balance or overdue), each with its figures as of today (``row_figures``).
    Raises ValidationError on bad filters."""
    as_of = as_of or today()
    customers = with_figures(customers_visible_to(user).select_related("owner"), as_of).order_by(*SORTS[DEFAULT_SORT])
    filterset = CustomerFiguresFilter(filters or {}, queryset=customers, as_of=as_of)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


# --- choices of the list's filters ----------------------------------------------------------------


def teams_visible_to(user: User) -> QuerySet[Team]:
    """The teams a user may filter the customer list by: every team of their companies for a
    company-wide scope, their own team for a team scope, none for someone who sees only their own
    customers."""
    if sees_whole_companies(user):
        ids = company_ids(user)
        teams = Team.objects.all() if ids is None else Team.objects.filter(company_id__in=ids)
        return teams.order_by("name", "pk")
    if user.scope == Scope.TEAM and user.team_id:
        return Team.objects.filter(pk=user.team_id)
    return Team.objects.none()


def companies_visible_to(user: User) -> QuerySet[Company]:
    """The companies whose records the user sees (all of them for a superuser)."""
    ids = company_ids(user)
    return Company.objects.all() if ids is None else Company.objects.filter(pk__in=ids)


# --- one customer ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyFigures:
    """One customer's figures in one currency on a date."""

    currency: str
    open_installments: Decimal
    open_count: int
    unapplied_cash: Decimal
    overdue: Decimal
    overdue_count: int

    @property
    def balance(self) -> Decimal:
        return self.open_installments - self.unapplied_cash


def customer_figures(customer: Customer, as_of: dt.date | None = None) -> list[CurrencyFigures]:
    """A customer's balance (open installments less unapplied cash, DOMAIN.md rule 6), open
    installments and overdue amount per currency on ``as_of`` (today when not given): the company's
    currency first (always there, zeros if nothing), then any other currency the customer had open
    installments or unapplied cash in on that date. As of today from the maintained columns; as of a
    past date from the dated rows (``_figures_past``)."""
    as_of = as_of or today()
    if uses_maintained_columns(as_of):
        return _figures_today(customer, as_of)
    return _figures_past(customer, as_of)


def _figures_today(customer: Customer, as_of: dt.date) -> list[CurrencyFigures]:
    home = customer.company.currency
    open_items = Installment.objects.filter(
        company_id=customer.company_id, customer_id=customer.pk, open_amount__gt=0, booked_on__lte=as_of
    )
    counts: dict[str, Mapping[str, Any]] = {}
    for grouped in (
        open_items.order_by()
        .values("currency")
        .annotate(
            items=Count("pk"),
            late=Count("pk", filter=Q(due_date__lt=as_of)),
            overdue=Sum(Cents("open_amount"), filter=Q(due_date__lt=as_of)),
        )
    ):
        counts[grouped["currency"]] = grouped
    unapplied = (
        # as the partial index of receipts with money left says it, so that it answers
        Receipt.objects.filter(
            customer_id=customer.pk, reversed_on__isnull=True, received_on__lte=as_of, allocated_amount__lt=F("amount")
        )
        .order_by()
        .values_list("currency", flat=True)
        .distinct()
    )
    currencies = [home, *sorted((set(counts) | set(unapplied)) - {home})]
    result = []
    for currency in currencies:
        balance = customer_balance(customer.pk, as_of, currency=currency)
        row = counts.get(currency, {})
        result.append(
            CurrencyFigures(
                currency=currency,
                open_installments=balance.open_installments,
                open_count=row.get("items") or 0,
                unapplied_cash=balance.unapplied_cash,
                overdue=from_cents(row.get("overdue")),
                overdue_count=row.get("late") or 0,
            )
        )
    return result


def _figures_past(customer: Customer, as_of: dt.date) -> list[CurrencyFigures]:
    """``customer_figures`` on a past date, from the dated rows: the open installments, their count
    and what of them was overdue from ``_open_on``, the unapplied cash from the receipts and
    allocations in effect then (``figures.unapplied_total``). A fixed number of queries however
    many installments: four for the installments, one for the receipts' currencies, then two per
    currency with receipts."""
    home = customer.company.currency
    # the company too: the per-customer indexes of installments and receipts lead with both
    installments = Installment.objects.filter(company_id=customer.company_id, customer_id=customer.pk)
    open_then = _open_on(installments, as_of)
    receipts = Receipt.objects.filter(company_id=customer.company_id, customer_id=customer.pk)
    live = receipts.filter(Q(received_on__lte=as_of) & (Q(reversed_on__isnull=True) | Q(reversed_on__gt=as_of)))
    received = set(live.order_by().values_list("currency", flat=True).distinct())
    result = []
    for currency in [home, *sorted((set(open_then) | received) - {home})]:
        unapplied = ZERO
        if currency in received:
            allocations = Allocation.objects.filter(customer_id=customer.pk)
            unapplied = unapplied_total(receipts.filter(currency=currency), as_of, allocations=allocations)
        sums = open_then.get(currency, _OpenSums())
        figures = CurrencyFigures(
            currency=currency,
            open_installments=from_cents(sums.open_cents),
            open_count=sums.open_count,
            unapplied_cash=unapplied,
            overdue=from_cents(sums.overdue_cents),
            overdue_count=sums.overdue_count,
        )
        # a currency whose receipts were all matched by then, with nothing open: nothing to show
        if currency == home or figures.open_count or figures.unapplied_cash:
            result.append(figures)
    return result


@dataclass
class _OpenSums:
    open_cents: int = 0
    open_count: int = 0
    overdue_cents: int = 0
    overdue_count: int = 0


def _open_on(installments: QuerySet[Installment], as_of: dt.date) -> dict[str, _OpenSums]:
    """Per currency, what of ``installments`` was open on a past date (booked by then, with an open
    amount then): its amount and count, and of those what was overdue (due before the date).

    Read from the parts of the aging and ``figures.open_total`` (``figures.past_parts``): the
    installments that could have been open then, each part through one partial index, those no row
    had touched by then for their whole amount, the touched rest by their dated rows, counted where
    something was left open. So the total is the aging's and ``open_total``'s to the cent (rule 6),
    in four grouped queries where the status filters would test every installment of the customer;
    as in the aging, a part's open amount is grouped by an overdue flag, so that the dated rows are
    summed once per installment."""
    late = Case(When(due_date__lt=as_of, then=Value(1)), default=Value(0), output_field=IntegerField())
    found: dict[str, _OpenSums] = {}
    for part, expression in past_parts(installments, as_of):
        rows = part if isinstance(expression, Cents) else part.filter(open_cents__gt=0)
        grouped = rows.order_by().values("currency", late=late).annotate(total=Sum(expression), items=Count("pk"))
        for row in grouped:
            sums = found.setdefault(row["currency"], _OpenSums())
            sums.open_cents += row["total"] or 0
            sums.open_count += row["items"]
            if row["late"]:
                sums.overdue_cents += row["total"] or 0
                sums.overdue_count += row["items"]
    return found


# --- the timeline ---------------------------------------------------------------------------------


class EventKind:
    CONTRACT_SIGNED = "contract_signed"
    INSTALLMENT_DUE = "installment_due"
    RECEIPT = "receipt"
    RECEIPT_REVERSED = "receipt_reversed"
    ALLOCATION = "allocation"
    ALLOCATION_REVERSED = "allocation_reversed"
    ADJUSTMENT = "adjustment"
    ADJUSTMENT_REVERSED = "adjustment_reversed"


# on one day: what was agreed, then what fell due, then the money and what was done with it
_DAY_ORDER = [
    EventKind.CONTRACT_SIGNED,
    EventKind.INSTALLMENT_DUE,
    EventKind.RECEIPT,
    EventKind.ALLOCATION,
    EventKind.ADJUSTMENT,
    EventKind.RECEIPT_REVERSED,
    EventKind.ALLOCATION_REVERSED,
    EventKind.ADJUSTMENT_REVERSED,
]


@dataclass(frozen=True)
class Event:
    """One dated thing that happened (or falls due) for a customer. ``record`` is the contract,
    installment, receipt, allocation or adjustment it is about."""

    on: dt.date
    kind: str
    record: Any
    amount: Decimal
    currency: str
    # the date of the timeline: what the record looked like then (``open_amount``, ``reversed``)
    as_of: dt.date | None = None

    @property
    def contract(self) -> Contract | None:
        if isinstance(self.record, Contract):
            return self.record
        installment = getattr(self.record, "installment", self.record)
        return installment.contract if isinstance(installment, Installment) else None

    @property
    def receipt(self) -> Receipt | None:
        if isinstance(self.record, Receipt):
            return self.record
        return self.record.receipt if isinstance(self.record, Allocation) else None

    @property
    def is_reversal(self) -> bool:
        return self.kind.endswith("_reversed")

    @property
    def reversed(self) -> bool:
        """The record had been reversed by the timeline's date (later reversals are not shown)."""
        reversed_on = getattr(self.record, "reversed_on", None)
        return reversed_on is not None and (self.as_of is None or reversed_on <= self.as_of)

    @property
    def open_amount(self) -> Decimal | None:
        """An installment's open amount on the timeline's date (``figures.attach_figures``)."""
        if not isinstance(self.record, Installment):
            return None
        return figures_of(self.record).open

    def sort_key(self) -> tuple[dt.date, int, int]:
        # newest first; within a day the reverse of _DAY_ORDER, so that reading down a day goes
        # backwards in time like the rest of the list
        return (self.on, _DAY_ORDER.index(self.kind), self.record.pk)


@dataclass(frozen=True)
class Timeline:
    events: list[Event]
    has_more: bool


TIMELINE_MAX = 1000


def customer_timeline(*, user: User, customer: Customer, limit: int = 20, as_of: dt.date | None = None) -> Timeline:
    """The newest ``limit`` events of a customer up to ``as_of`` (today) that the user may see,
    newest first: contracts signed, receivable installments falling due (with their open amount on
    ``as_of``), receipts, allocations and adjustments, and the reversal of each on its own date.
    Installments due later are left out (what comes next is the worklist's): a long plan would
    otherwise fill the page with the future. As of a past date, what happened after it is left out
    too, and a record reversed after it shows as it was then. Each kind is read newest first and
    cut at ``limit + 1`` rows, so the page reads a few short index ranges however long the
    customer's history; ``has_more`` says whether older events are left."""
    as_of = as_of or today()
    past = not uses_maintained_columns(as_of)
    limit = max(1, min(limit, TIMELINE_MAX))
    take = limit + 1
    # the company too: the per-customer list indexes of receipts and installments lead with both,
    # and give the rows newest first without sorting a long history
    of_customer = {"customer_id": customer.pk, "company_id": customer.company_id}

    def by_then(field: str) -> dict[str, dt.date]:
        # as of today nothing is dated later (and the queries stay as they were)
        return {f"{field}__lte": as_of} if past else {}

    events: list[Event] = []

    def add(on: dt.date, kind: str, record: Any, amount: Decimal, currency: str) -> None:
        events.append(Event(on, kind, record, amount, currency, as_of=as_of))

    contracts = contracts_visible_to(user).filter(**of_customer, **by_then("signed_on"))
    for contract in contracts.order_by("-signed_on", "-pk")[:take]:
        add(contract.signed_on, EventKind.CONTRACT_SIGNED, contract, contract.amount, contract.currency)
    installments = installments_visible_to(user).filter(
        due_date__lte=as_of, booked_on__isnull=False, **of_customer, **by_then("booked_on")
    )
    due = list(installments.order_by("-due_date", "-pk")[:take])
    attach_figures(due, as_of)  # their open amount on the date: at most two grouped queries
    for installment in due:
        due_date = cast(dt.date, installment.due_date)  # filtered on above
        add(due_date, EventKind.INSTALLMENT_DUE, installment, installment.amount, installment.currency)
    receipts = receipts_visible_to(user).filter(**of_customer, **by_then("received_on"))
    for receipt in receipts.order_by("-received_on", "-pk")[:take]:
        add(receipt.received_on, EventKind.RECEIPT, receipt, receipt.amount, receipt.currency)
    reversed_receipts = receipts.filter(reversed_on__isnull=False, **by_then("reversed_on"))
    for receipt in reversed_receipts.order_by("-reversed_on", "-pk")[:take]:
        reversed_on = cast(dt.date, receipt.reversed_on)  # filtered on above
        add(reversed_on, EventKind.RECEIPT_REVERSED, receipt, receipt.amount, receipt.currency)
    dated: list[tuple[QuerySet[Any], str, str]] = [
        (allocations_visible_to(user), EventKind.ALLOCATION, EventKind.ALLOCATION_REVERSED),
        (adjustments_visible_to(user), EventKind.ADJUSTMENT, EventKind.ADJUSTMENT_REVERSED),
    ]
    for rows, kind, reversed_kind in dated:
        rows = rows.filter(**of_customer)
        for row in rows.filter(**by_then("effective_on")).order_by("-effective_on", "-pk")[:take]:
            add(row.effective_on, kind, row, row.amount, row.installment.currency)
        reversed_rows = rows.filter(reversed_on__isnull=False, **by_then("reversed_on"))
        for row in reversed_rows.order_by("-reversed_on", "-pk")[:take]:
            add(row.reversed_on, reversed_kind, row, row.amount, row.installment.currency)
    events.sort(key=Event.sort_key, reverse=True)
    return Timeline(events=events[:limit], has_more=len(events) > limit)
