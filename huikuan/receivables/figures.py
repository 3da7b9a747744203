"""Derived figures as of any date: installment open amount and status, contract collected and
outstanding, customer balance and unapplied cash, aging (DOMAIN.md rules 5 and 6).

Two paths give the same numbers. As of today (or later: nothing is dated in the future) the
maintained ``Installment.open_amount`` and ``Receipt.allocated_amount`` answer in one indexed
aggregate. As of a past date the dated allocation and adjustment rows are summed, but only for
installments that could be open then (booked by that date and not settled before it) and that some
row had touched by then; the untouched ones count for their whole amount (see ``_past_parts``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Case, DecimalField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from huikuan.contracts.choices import InstallmentStatus
from huikuan.contracts.models import Contract, Installment
from huikuan.core import money
from huikuan.core.dates import today
from huikuan.core.money import ZERO, Cents, from_cents
from huikuan.receivables.choices import AdjustmentKind
from huikuan.receivables.models import Adjustment, Allocation, Receipt

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

MONEY = DecimalField(max_digits=18, decimal_places=2)
DEFAULT_BUCKETS = (30, 60, 90, 180, 360)


def _amount(value: Decimal | None) -> Decimal:
    """A database sum as an amount with two places (SQLite drops trailing zeros)."""
    return money.quantize(value or ZERO)


def active_on(as_of: dt.date) -> Q:
    """Rows in effect on a date: taken effect by then and not reversed by then."""
    return Q(effective_on__lte=as_of) & (Q(reversed_on__isnull=True) | Q(reversed_on__gt=as_of))


def _sum_for_installment(model, as_of: dt.date, **filters) -> Coalesce:
    rows = (
        model.objects.filter(active_on(as_of), installment_id=OuterRef("pk"), **filters)
        .order_by()
        .values("installment_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _past_parts(installments: QuerySet[Installment], as_of: dt.date) -> list[tuple[QuerySet[Installment], str]]:
    """The installments that may have been open on a past date, in parts each cheap to sum, with
    the field holding their open amount on that date.

    Open then means booked by then and either open now or settled since. Of those, the ones no row
    had touched by then were open for their whole amount: only the rest need the dated rows summed.
    Each part is read through one covering partial index."""
    booked = installments.filter(booked_on__lte=as_of)
    untouched = Q(first_effective_on__isnull=True) | Q(first_effective_on__gt=as_of)
    parts: list[tuple[QuerySet[Installment], str]] = []
    for still_open in (Q(open_amount__gt=0), Q(settled_on__gt=as_of)):
        parts.append((booked.filter(still_open & untouched), "amount"))
        parts.append((with_figures(booked.filter(still_open, first_effective_on__lte=as_of), as_of), "open_as_of"))
    return parts


class InstallmentFigures(TypedDict):
    """The annotations ``with_figures`` adds."""

    collected_as_of: Decimal
    adjusted_as_of: Decimal
    written_off_as_of: Decimal
    open_as_of: Decimal


if TYPE_CHECKING:
    InstallmentWithFigures = WithAnnotations[Installment, InstallmentFigures]


def with_figures(installments: QuerySet[Installment], as_of: dt.date) -> QuerySet[InstallmentWithFigures]:
    """Annotate collected_as_of, adjusted_as_of, written_off_as_of and open_as_of."""
    return installments.annotate(
        collected_as_of=_sum_for_installment(Allocation, as_of),
        adjusted_as_of=_sum_for_installment(Adjustment, as_of),
        written_off_as_of=_sum_for_installment(Adjustment, as_of, kind=AdjustmentKind.WRITE_OFF),
    ).annotate(
        open_as_of=Case(
            When(booked_on__lte=as_of, then=F("amount") - F("collected_as_of") - F("adjusted_as_of")),
            default=Value(ZERO),
            output_field=MONEY,
        )
    )


def installment_status(
    *, amount: Decimal, open_amount: Decimal, written_off: Decimal, due_date: dt.date | None, as_of: dt.date
) -> str:
    """The status an installment had on a date.

    Settled states first; an open installment past its due date is overdue whether or not part
    of it was paid; one due that very day is due; otherwise partly paid or not due. Retention and
    installments waiting on a milestone are not due until their date."""
    if open_amount == 0:
        return InstallmentStatus.WRITTEN_OFF if written_off > 0 else InstallmentStatus.PAID
    if due_date is not None and due_date < as_of:
        return InstallmentStatus.OVERDUE
    if due_date == as_of:
        return InstallmentStatus.DUE
    if open_amount < amount:
        return InstallmentStatus.PARTLY_PAID
    return InstallmentStatus.NOT_DUE


def status_of(installment: InstallmentWithFigures, as_of: dt.date) -> str:
    """Status of an installment annotated by ``with_figures``."""
    return installment_status(
        amount=installment.amount,
        open_amount=installment.open_as_of,
        written_off=installment.written_off_as_of,
        due_date=installment.due_date,
        as_of=as_of,
    )


def status_filter(status: str, as_of: dt.date) -> Q:
    """A filter on installments annotated by ``with_figures`` matching one status on a date."""
    open_q = Q(open_as_of__gt=0)
    past_due = Q(due_date__lt=as_of)
    filters: dict[str, Q] = {
        InstallmentStatus.WRITTEN_OFF: Q(open_as_of=0, written_off_as_of__gt=0),
        InstallmentStatus.PAID: Q(open_as_of=0, written_off_as_of=0),
        InstallmentStatus.OVERDUE: open_q & past_due,
        InstallmentStatus.DUE: open_q & Q(due_date=as_of),
        InstallmentStatus.PARTLY_PAID: open_q
        & Q(open_as_of__lt=F("amount"))
        & (Q(due_date__isnull=True) | Q(due_date__gt=as_of)),
        InstallmentStatus.NOT_DUE: Q(open_as_of=F("amount"))
        & open_q
        & (Q(due_date__isnull=True) | Q(due_date__gt=as_of)),
    }
    return filters[status]


@dataclass(frozen=True)
class ContractFigures:
    amount: Decimal
    collected: Decimal
    adjusted: Decimal
    outstanding: Decimal
    overdue: Decimal


def contract_figures(contract: Contract, as_of: dt.date | None = None) -> ContractFigures:
    """What a contract had collected, adjusted, outstanding and overdue on a date."""
    as_of = as_of or today()
    return summarize_installments(contract.amount, with_figures(contract.installments.all(), as_of), as_of)


def summarize_installments(
    amount: Decimal, installments: Iterable[InstallmentWithFigures], as_of: dt.date
) -> ContractFigures:
    """Contract figures from its installments already annotated by ``with_figures`` (for example
    prefetched for a whole page of contracts), with no further query."""
    rows = list(installments)
    return ContractFigures(
        amount=amount,
        collected=_amount(sum((r.collected_as_of for r in rows), ZERO)),
        adjusted=_amount(sum((r.adjusted_as_of for r in rows), ZERO)),
        outstanding=_amount(sum((r.open_as_of for r in rows), ZERO)),
        overdue=_amount(sum((r.open_as_of for r in rows if r.due_date and r.due_date < as_of), ZERO)),
    )


def open_total(installments: QuerySet[Installment], as_of: dt.date | None = None) -> Decimal:
    """Sum of open amounts on a date over any set of installments."""
    as_of = as_of or today()
    if as_of >= today():
        # open_amount > 0 changes no sum but lets the partial index of open items answer
        open_items = installments.filter(open_amount__gt=0, booked_on__lte=as_of)
        return from_cents(open_items.aggregate(t=Sum(Cents("open_amount")))["t"])
    return _amount(
        sum(
            (from_cents(part.aggregate(t=Sum(Cents(field)))["t"]) for part, field in _past_parts(installments, as_of)),
            ZERO,
        )
    )


def unapplied_total(receipts: QuerySet[Receipt], as_of: dt.date | None = None) -> Decimal:
    """Cash received and not allocated on a date, over any set of receipts."""
    as_of = as_of or today()
    if as_of >= today():
        live = receipts.filter(reversed_on__isnull=True, received_on__lte=as_of)
        figures = live.aggregate(amount=Sum(Cents("amount")), allocated=Sum(Cents("allocated_amount")))
        return from_cents(figures["amount"]) - from_cents(figures["allocated"])
    live = receipts.filter(Q(received_on__lte=as_of) & (Q(reversed_on__isnull=True) | Q(reversed_on__gt=as_of)))
    received = live.aggregate(t=Sum(Cents("amount")))["t"]
    allocated = Allocation.objects.filter(active_on(as_of), receipt__in=live.values("pk")).aggregate(
        t=Sum(Cents("amount"))
    )
    return from_cents(received) - from_cents(allocated["t"])


def receipt_unallocated_as_of(receipt: Receipt, as_of: dt.date) -> Decimal:
    return unapplied_total(Receipt.objects.filter(pk=receipt.pk), as_of)


@dataclass(frozen=True)
class CustomerBalance:
    open_installments: Decimal
    unapplied_cash: Decimal

    @property
    def balance(self) -> Decimal:
        """What the customer owes net of money not yet matched (DOMAIN.md rule 6)."""
        return self.open_installments - self.unapplied_cash


def customer_balance(customer_id: int, as_of: dt.date | None = None, *, currency: str | None = None) -> CustomerBalance:
    """A customer's open installments and unapplied cash on a date (one currency if given)."""
    installments = Installment.objects.filter(customer_id=customer_id)
    receipts = Receipt.objects.filter(customer_id=customer_id)
    if currency:
        installments, receipts = installments.filter(currency=currency), receipts.filter(currency=currency)
    return CustomerBalance(open_total(installments, as_of), unapplied_total(receipts, as_of))


@dataclass
class AgingRow:
    customer_id: int
    currency: str
    not_due: Decimal = ZERO
    buckets: list[Decimal] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.not_due + sum(self.buckets, ZERO)


def _bucket_bounds(as_of: dt.date, buckets: Sequence[int]) -> list[Q]:
    """One filter per bucket: not due (or due that day), then buckets[i-1]+1 to buckets[i] days
    overdue, then more than the last bound."""
    bounds = [Q(due_date__isnull=True) | Q(due_date__gte=as_of)]
    lower = as_of
    for bound in buckets:
        upper = as_of - dt.timedelta(days=bound)
        bounds.append(Q(due_date__lt=lower, due_date__gte=upper))
        lower = upper
    bounds.append(Q(due_date__lt=lower))
    return bounds


def _bucket_index(as_of: dt.date, buckets: Sequence[int]) -> Case:
    return Case(
        *[When(bound, then=Value(index)) for index, bound in enumerate(_bucket_bounds(as_of, buckets))],
        output_field=IntegerField(),
    )


def _sums_by_bucket(rows: QuerySet[Installment], field: str, as_of: dt.date, buckets: Sequence[int]):
    """(customer, currency, bucket, sum) for a set of installments.

    A plain column is summed once per bucket with filtered sums, grouped by customer and currency
    only: the covering index delivers the rows in that order, so nothing is sorted. A computed
    past-date amount is grouped by bucket index instead, so its subqueries run once per row."""
    if field != "open_as_of":
        sums = {f"b{i}": Sum(Cents(field), filter=bound) for i, bound in enumerate(_bucket_bounds(as_of, buckets))}
        # Mapping, not the plugin's row type: that misses the b0, b1... keys annotate(**sums) adds.
        totals: QuerySet[Installment, Mapping[str, Any]] = (
            rows.order_by().values("customer_id", "currency").annotate(**sums)
        )
        for row in totals:
            for index in range(len(buckets) + 2):
                if row[f"b{index}"]:
                    yield row["customer_id"], row["currency"], index, row[f"b{index}"]
        return
    grouped = rows.annotate(bucket=_bucket_index(as_of, buckets)).order_by().values("customer_id", "currency", "bucket")
    for row in grouped.annotate(total=Sum(Cents(field))):
        yield row["customer_id"], row["currency"], row["bucket"], row["total"]


def aging_by_customer(
    installments: QuerySet[Installment], as_of: dt.date | None = None, buckets: Sequence[int] = DEFAULT_BUCKETS
) -> list[AgingRow]:
    """Open amounts on a date by customer and currency, bucketed by days overdue.

    Bucket i holds items between buckets[i-1]+1 and buckets[i] days overdue; the last holds the
    rest. The total equals ``open_total`` for the same installments and date (rule 6)."""
    as_of = as_of or today()
    if as_of >= today():
        parts = [(installments.filter(open_amount__gt=0, booked_on__lte=as_of), "open_amount")]
    else:
        parts = _past_parts(installments, as_of)
    by_customer: dict[tuple[int, str], AgingRow] = {}
    for rows, field_name in parts:
        for customer_id, currency, bucket, total in _sums_by_bucket(rows, field_name, as_of, buckets):
            aging = by_customer.get((customer_id, currency))
            if aging is None:
                aging = by_customer[(customer_id, currency)] = AgingRow(
                    customer_id, currency, buckets=[ZERO] * (len(buckets) + 1)
                )
            if bucket == 0:
                aging.not_due += from_cents(total)
            else:
                aging.buckets[bucket - 1] += from_cents(total)
    return [aging for aging in by_customer.values() if aging.total]
