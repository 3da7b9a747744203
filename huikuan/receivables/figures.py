"""Derived figures as of any date: installment open amount and status, contract collected and
outstanding, customer balance and unapplied cash, aging (DOMAIN.md rules 5 and 6).

Two paths give the same numbers. As of today (or later: nothing is dated in the future) the
maintained columns (``Installment.open_amount``, ``collected_amount``, ``settled_status``,
``Receipt.allocated_amount``) answer from indexes. As of a past date the dated allocation and
adjustment rows are summed, but only for installments that could be open then (booked by that date
and not settled before it) and that some row had touched by then; the untouched ones count for
their whole amount (see ``past_parts``).

Every amount that is compared or summed inside the database is taken in whole cents
(``money.Cents``, integers): SQLite keeps decimals as binary floating point, where 3000.00 − 1000.10
− 1999.90 is 1e-13, not zero."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from typing import Any, cast

from django.db.models import (
    BigIntegerField,
    Case,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from huikuan.contracts.choices import InstallmentStatus
from huikuan.contracts.models import Contract, Installment
from huikuan.core import money
from huikuan.core.dates import today
from huikuan.core.money import ZERO, Cents, from_cents
from huikuan.core.rows import plain_rows
from huikuan.receivables.choices import AdjustmentKind
from huikuan.receivables.models import Adjustment, Allocation, Receipt

DEFAULT_BUCKETS = (30, 60, 90, 180, 365)
CREDIT_KINDS = (AdjustmentKind.CREDIT_NOTE, AdjustmentKind.DISCOUNT)
CENTS = IntegerField()
CENTS_TOTAL = BigIntegerField()


def _amount(value: Decimal | None) -> Decimal:
    """A sum as an amount with two places."""
    return money.at_storage_scale(value or ZERO)


def cents(amount: Decimal) -> int:
    """An amount as whole cents, exactly (amounts are stored to the cent)."""
    return int(Decimal(amount).scaleb(2).to_integral_value())


def active_on(as_of: dt.date) -> Q:
    """Rows in effect on a date: taken effect by then and not reversed by then."""
    return Q(effective_on__lte=as_of) & (Q(reversed_on__isnull=True) | Q(reversed_on__gt=as_of))


def uses_maintained_columns(as_of: dt.date) -> bool:
    """True when the maintained columns hold the figures of ``as_of``: today or later, since
    nothing is dated in the future."""
    return as_of >= today()


# --- status -------------------------------------------------------------------------------------


def settled_status(*, collected: Decimal | int, credited: Decimal | int, written_off: Decimal | int) -> str:
    """What cleared a settled installment: the largest of the money collected, the credit notes and
    discounts, and the write-offs; a tie goes to money, then to credits. So 9,999.00 collected
    and 1.00 written off is paid, a credit note alone is credited, and written off means the
    write-off cleared more than either of the others (receivables/DESIGN.md, "Status")."""
    if collected >= credited and collected >= written_off:
        return InstallmentStatus.PAID
    if credited >= written_off:
        return InstallmentStatus.CREDITED
    return InstallmentStatus.WRITTEN_OFF


def _settled_rules(collected: str, credited: str, written_off: str) -> dict[str, Q]:
    """``settled_status`` as filters on three fields: one Q per status, excluding each other."""

    def at_least(a: str, b: str) -> Q:
        return Q(**{f"{a}__gte": F(b)})

    def more(a: str, b: str) -> Q:
        return Q(**{f"{a}__gt": F(b)})

    return {
        InstallmentStatus.PAID: at_least(collected, credited) & at_least(collected, written_off),
        InstallmentStatus.CREDITED: more(credited, collected) & at_least(credited, written_off),
        InstallmentStatus.WRITTEN_OFF: more(written_off, collected) & more(written_off, credited),
    }


def _due_rules(as_of: dt.date) -> dict[str, tuple[Q, ...]]:
    """The due-date condition of each open status, as disjoint parts that are each one range of
    the list index: "due later or waiting on a milestone" as one OR makes the database walk the
    index from its start past every installment due by then (the NULLs sort at one end)."""
    return {
        InstallmentStatus.NOT_DUE: (Q(due_date__gt=as_of), Q(due_date__isnull=True)),
        InstallmentStatus.DUE: (Q(due_date=as_of),),
        InstallmentStatus.OVERDUE: (Q(due_date__lt=as_of),),
    }


def _untouched(as_of: dt.date) -> Q:
    """No allocation or adjustment had taken effect by the date: open for the whole amount then."""
    return Q(first_effective_on__isnull=True) | Q(first_effective_on__gt=as_of)


def _reversed_since(as_of: dt.date) -> Q:
    """One of its rows was reversed after the date. Otherwise the rows in effect on the date are
    the live rows dated by then, which only lowered the open amount from then to today: so one
    open now, or settled after the date, was open on it (``status_parts``)."""
    return Q(last_reversed_on__gt=as_of)


def _not_reversed_since(as_of: dt.date) -> Q:
    return Q(last_reversed_on__isnull=True) | Q(last_reversed_on__lte=as_of)


def _summed(as_of: dt.date) -> Q:
    """Touched by the date and with a row reversed after it: its figures on the date come from its
    rows (the annotations of ``with_past_cents``), not from its columns."""
    return Q(first_effective_on__lte=as_of) & _reversed_since(as_of)


def _collected_by_then(as_of: dt.date) -> Q:
    """Of an installment whose figures on the date follow from its columns: money collected by
    then (no reversal since, so its live allocations are the ones in effect)."""
    return _not_reversed_since(as_of) & Q(first_collected_on__lte=as_of)


def _not_settled_then(as_of: dt.date) -> tuple[Q, Q]:
    """Not settled by the date, in two parts: open now, or settled after it."""
    return Q(open_amount__gt=0), Q(settled_on__gt=as_of)


def _recent(as_of: dt.date) -> Q:
    """Installments whose figures on a past date need their rows summed: touched by then, open
    now or settled after it, and with a row reversed after it. The others were untouched (open
    for the whole amount), settled by then and unchanged since (today's columns hold), or open
    on the date with no reversal since (``_reversed_since``)."""
    return _summed(as_of) & _either(_not_settled_then(as_of))


def _either(parts: Sequence[Q]) -> Q:
    return reduce(operator.or_, parts)


def status_rules(as_of: dt.date) -> dict[str, Q]:
    """One filter per status on a date, excluding each other: THE definition of the statuses.

    The list filter uses these filters, and ``status_of`` evaluates the same ones on a row, so a
    row's status and the filter that finds it cannot disagree. Not yet receivable on the date
    (a draft, or booked later): no status. Open on the date: not due, due (that very day) or
    overdue by its due date; an installment waiting on a milestone is not due. Settled (open
    amount zero): paid, credited or written off by ``settled_status``.

    Each rule is the union of the disjoint parts of ``status_parts``."""
    return {status: _either(parts) for status, parts in status_parts(as_of).items()}


def status_parts(as_of: dt.date, *, partly_paid: bool | None = None) -> dict[str, tuple[Q, ...]]:
    """Each status's filter on a date as disjoint parts, each read through one index, so that a
    list counts a status part by part instead of scanning every installment due by then.

    As of today the rules read the maintained columns (indexed): one part each. As of a past date
    they read columns too, except for the ``_recent`` installments, whose figures on the date come
    from their rows (the cent annotations of ``with_past_cents``): an untouched installment was
    open for its whole amount; one settled by then reads today's ``settled_status``, unchanged
    since; one not settled by then with no row reversed since was open on the date
    (``_reversed_since``), and partly paid if a live allocation is dated by then. So only the few
    installments with a reversal after the date have their rows summed. An installment is either
    open now or settled on ``settled_on`` (the settlement keeps the two together), so "not settled
    by the date" is open now, or settled after it: the parts split on that, which the partial
    indexes of open and of settled installments answer.

    With ``partly_paid`` the parts are those of the status and ``partly_paid_rule`` (or its
    complement) together, each part narrowed by the condition that holds for its kind of row: the
    list filters both at once without an OR inside every part (a settled status has no part that is
    partly paid)."""
    booked = Q(booked_on__lte=as_of)
    parts: dict[str, tuple[Q, ...]] = {}
    settled = (InstallmentStatus.PAID, InstallmentStatus.CREDITED, InstallmentStatus.WRITTEN_OFF)
    if uses_maintained_columns(as_of):
        collected = {None: Q(), True: Q(collected_amount__gt=0), False: Q(collected_amount=0)}[partly_paid]
        for status, dues in _due_rules(as_of).items():
            parts[status] = tuple(booked & Q(open_amount__gt=0) & due & collected for due in dues)
        for status in settled:
            # settled_on is set exactly when open_amount is 0; naming it lets the partial index answer
            only = booked & Q(open_amount=0, settled_on__isnull=False, settled_status=status)
            parts[status] = () if partly_paid else (only,)
        return parts
    summed = _summed(as_of)
    not_settled_then = _not_settled_then(as_of)
    # open on the date by its columns (untouched by then, or no row reversed since: partly paid when
    # a live allocation is dated by then), or touched with a row reversed since and open by its rows
    by_columns = _untouched(as_of) | _not_reversed_since(as_of)
    by_rows = summed & Q(open_cents__gt=0)
    if partly_paid is not None:
        nothing_by_then = Q(first_collected_on__isnull=True) | Q(first_collected_on__gt=as_of)
        by_columns &= _collected_by_then(as_of) if partly_paid else nothing_by_then
        by_rows &= Q(collected_cents__gt=0) if partly_paid else Q(collected_cents=0)
    for status, dues in _due_rules(as_of).items():
        parts[status] = tuple(
            booked & due & now & condition
            for due in dues
            for condition in (by_columns, by_rows)
            for now in not_settled_then
        )
    for status, split in _settled_rules("collected_cents", "credited_cents", "written_off_cents").items():
        unchanged = booked & Q(settled_on__lte=as_of, settled_status=status)
        parts[status] = (
            ()
            if partly_paid
            else (
                unchanged,
                *(booked & now & summed & Q(open_cents=0) & split for now in not_settled_then),
            )
        )
    return parts


def partly_paid_rule(as_of: dt.date) -> Q:
    """Open on the date with some money collected on it (an overdue installment can be partly
    paid: the status says overdue, this flag says money came in)."""
    return _either(partly_paid_parts(as_of))


def partly_paid_parts(as_of: dt.date) -> tuple[Q, ...]:
    """``partly_paid_rule`` as disjoint parts, like ``status_parts``."""
    booked = Q(booked_on__lte=as_of)
    if uses_maintained_columns(as_of):
        return (booked & Q(open_amount__gt=0, collected_amount__gt=0),)
    # open on the date by its columns, with a live allocation dated by then (no reversal since:
    # the live rows are the rows in effect), or summed by its rows
    summed = _summed(as_of) & Q(open_cents__gt=0, collected_cents__gt=0)
    return tuple(
        booked & now & condition
        for condition in (_collected_by_then(as_of), summed)
        for now in _not_settled_then(as_of)
    )


def needs_past_cents(as_of: dt.date) -> bool:
    """True when the rules of ``as_of`` read the annotations of ``with_past_cents``."""
    return not uses_maintained_columns(as_of)


_LOOKUPS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def matches(rule: Q, row: object) -> bool:
    """Evaluate a filter of ``status_rules`` on a row's attributes, with SQL's meaning: a
    comparison with a null is not true. Only what the rules use is supported (AND/OR, no NOT)."""
    if rule.negated:
        raise ValueError("status rules do not negate")  # NOT over a null differs in SQL and Python
    results = []
    for child in rule.children:
        if isinstance(child, Q):
            results.append(matches(child, row))
            continue
        key, expected = cast("tuple[str, Any]", child)  # a Q's leaves are (lookup, value) pairs
        name, _, lookup = key.partition("__")
        actual = getattr(row, name)
        if lookup == "isnull":
            results.append((actual is None) == expected)
            continue
        if isinstance(expected, F):
            expected = getattr(row, str(expected.name))  # type: ignore[attr-defined]  # F has .name; the stubs miss it
        results.append(actual is not None and expected is not None and _LOOKUPS[lookup or "exact"](actual, expected))
    return all(results) if rule.connector == Q.AND else any(results)


def status_of(row: Installment, rules: Mapping[str, Q]) -> str | None:
    """The status of an installment by ``rules``, the ``status_rules`` of a date (built once for a
    page: a rule is a tree of Q objects). As of a past date the row needs the cent attributes that
    ``attach_figures`` sets."""
    for status, rule in rules.items():
        if matches(rule, row):
            return status
    return None


# --- per-row figures ------------------------------------------------------------------------------


def _cents_of_rows(model: type[Allocation] | type[Adjustment], as_of: dt.date, **filters: Any) -> Coalesce:
    rows = (
        model.objects.filter(active_on(as_of), installment_id=OuterRef("pk"), **filters)
        .order_by()
        .values("installment_id")
        .annotate(total=Sum(Cents("amount")))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=CENTS), Value(0), output_field=CENTS)


def _open_cents(as_of: dt.date) -> Expression:
    """Amount − allocations − adjustments in effect on the date, in cents (whether booked or not)."""
    return Cents("amount") - _cents_of_rows(Allocation, as_of) - _cents_of_rows(Adjustment, as_of)


def with_past_cents(installments: QuerySet[Installment], as_of: dt.date) -> QuerySet[Installment]:
    """Annotate what the past-date ``status_rules`` read of the ``_recent`` installments:
    ``open_cents``, ``collected_cents``, ``credited_cents`` and ``written_off_cents`` on the date.
    Rows are summed only for those (CASE evaluates only the branch it takes); for the others the
    rules read columns, and the annotations are 0."""
    recent = _recent(as_of)
    zero = Value(0, output_field=CENTS)

    def summed(expression: Expression) -> Case:
        return Case(When(recent, then=expression), default=zero, output_field=CENTS)

    return installments.annotate(
        open_cents=summed(_open_cents(as_of)),
        collected_cents=summed(_cents_of_rows(Allocation, as_of)),
        credited_cents=summed(_cents_of_rows(Adjustment, as_of, kind__in=CREDIT_KINDS)),
        written_off_cents=summed(_cents_of_rows(Adjustment, as_of, kind=AdjustmentKind.WRITE_OFF)),
    )


@dataclass(frozen=True)
class InstallmentFigures:
    """An installment's figures on a date, as the lists show them."""

    as_of: dt.date
    collected: Decimal
    credited: Decimal
    written_off: Decimal
    open: Decimal
    status: str | None
    partly_paid: bool

    @property
    def adjusted(self) -> Decimal:
        return self.credited + self.written_off


def attach_figures(rows: Sequence[Installment], as_of: dt.date) -> Sequence[Installment]:
    """Set ``figures`` (an ``InstallmentFigures``) and the cent attributes the rules read on each
    installment of a page, from the dated rows of those installments only: at most two small
    grouped queries, none for a page nobody had paid or adjusted by then.

    As of today the maintained columns give the money collected and the open amount, so only the
    installments with an adjustment in effect (amount − collected − open > 0) have their
    adjustments read, to split them into credits and write-offs."""
    sums: dict[tuple[int, str], int] = {}
    today_columns = uses_maintained_columns(as_of)
    if today_columns:
        adjusted = [row.pk for row in rows if row.amount - row.collected_amount - row.open_amount > 0]
        for row in rows:
            sums[(row.pk, "collected")] = cents(row.collected_amount)
        _sum_adjustments(sums, adjusted, as_of)
    else:
        touched = [row.pk for row in rows if row.first_effective_on is not None and row.first_effective_on <= as_of]
        if touched:
            allocations = (
                Allocation.objects.filter(active_on(as_of), installment_id__in=touched)
                .order_by()
                .values_list("installment_id")
                .annotate(total=Sum(Cents("amount")))
            )
            sums.update(((pk, "collected"), total) for pk, total in allocations)
        _sum_adjustments(sums, touched, as_of)
    # the rules are built once for the page, not once per row (a rule is a tree of Q objects)
    rules = status_rules(as_of)
    partly_paid = partly_paid_rule(as_of)
    for row in rows:
        booked = row.booked_on is not None and row.booked_on <= as_of
        figures = {name: sums.get((row.pk, name), 0) for name in ("collected", "credited", "written_off")}
        row.collected_cents = figures["collected"]  # type: ignore[attr-defined]  # read by matches()
        row.credited_cents = figures["credited"]  # type: ignore[attr-defined]
        row.written_off_cents = figures["written_off"]  # type: ignore[attr-defined]
        row.open_cents = cents(row.amount) - sum(figures.values()) if booked else 0  # type: ignore[attr-defined]
        row.figures = InstallmentFigures(  # type: ignore[attr-defined]
            as_of=as_of,
            collected=from_cents(figures["collected"]),
            credited=from_cents(figures["credited"]),
            written_off=from_cents(figures["written_off"]),
            open=from_cents(row.open_cents),  # type: ignore[attr-defined]
            status=status_of(row, rules),
            partly_paid=matches(partly_paid, row),
        )
    return rows


def _sum_adjustments(sums: dict[tuple[int, str], int], installment_ids: list[int], as_of: dt.date) -> None:
    """Add the credits and write-offs in effect on the date of these installments, in cents."""
    if not installment_ids:
        return
    adjustments = (
        Adjustment.objects.filter(active_on(as_of), installment_id__in=installment_ids)
        .order_by()
        .values_list("installment_id", "kind")
        .annotate(total=Sum(Cents("amount")))
    )
    for pk, kind, total in adjustments:
        key = (pk, "written_off" if kind == AdjustmentKind.WRITE_OFF else "credited")
        sums[key] = sums.get(key, 0) + total


def figures_of(row: Installment) -> InstallmentFigures:
    """The figures ``attach_figures`` set on an installment."""
    return row.figures  # type: ignore[attr-defined,no-any-return]  # set by attach_figures


SummedPart = tuple[QuerySet[Any], Any]  # installments and the expression (cents) of their open amount


def past_parts(installments: QuerySet[Installment], as_of: dt.date) -> list[SummedPart]:
    """The installments that may have been open on a past date, in parts each cheap to sum, with
    the expression of their open amount on that date in cents.

    Open then means booked by then and either open now or settled since. Of those, the ones no row
    had touched by then were open for their whole amount: only the rest need the dated rows summed.
    Each part is read through one covering partial index."""
    booked = installments.filter(booked_on__lte=as_of)
    untouched = Q(first_effective_on__isnull=True) | Q(first_effective_on__gt=as_of)
    parts: list[SummedPart] = []
    for still_open in (Q(open_amount__gt=0), Q(settled_on__gt=as_of)):
        parts.append((booked.filter(still_open & untouched), Cents("amount")))
        touched = booked.filter(still_open, first_effective_on__lte=as_of)
        parts.append((touched.annotate(open_cents=_open_cents(as_of)), F("open_cents")))
    return parts


def open_parts(installments: QuerySet[Installment], as_of: dt.date) -> list[QuerySet[Installment]]:
    """The installments open on a date, in parts each read through one index (``past_parts`` on a
    past date, each narrowed to what was open then: a part counted for its whole amount is open,
    the others by their open cents on the date)."""
    if uses_maintained_columns(as_of):
        return [installments.filter(open_amount__gt=0, booked_on__lte=as_of)]
    return [
        rows if isinstance(expression, Cents) else rows.filter(open_cents__gt=0)
        for rows, expression in past_parts(installments, as_of)
    ]


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
    installments = attach_figures(list(contract.installments.all()), as_of)
    return summarize_installments(contract.amount, installments, as_of)


def summarize_installments(amount: Decimal, installments: Iterable[Installment], as_of: dt.date) -> ContractFigures:
    """Contract figures from its installments with ``attach_figures`` already set (for example on
    a whole page of contracts at once), with no further query."""
    rows = [figures_of(row) for row in installments]
    return ContractFigures(
        amount=amount,
        collected=_amount(sum((r.collected for r in rows), ZERO)),
        adjusted=_amount(sum((r.adjusted for r in rows), ZERO)),
        outstanding=_amount(sum((r.open for r in rows), ZERO)),
        overdue=_amount(sum((r.open for r in rows if r.status == InstallmentStatus.OVERDUE), ZERO)),
    )


def open_total(installments: QuerySet[Installment], as_of: dt.date | None = None) -> Decimal:
    """Sum of open amounts on a date over any set of installments."""
    as_of = as_of or today()
    if uses_maintained_columns(as_of):
        # open_amount > 0 changes no sum but lets the partial index of open items answer
        open_items = installments.filter(open_amount__gt=0, booked_on__lte=as_of)
        return from_cents(open_items.aggregate(t=Sum(Cents("open_amount")))["t"])
    return _amount(
        sum(
            (
                from_cents(part.aggregate(t=Sum(expression))["t"])
                for part, expression in past_parts(installments, as_of)
            ),
            ZERO,
        )
    )


def unapplied_total(
    receipts: QuerySet[Receipt], as_of: dt.date | None = None, *, allocations: QuerySet[Allocation] | None = None
) -> Decimal:
    """Cash received and not allocated on a date, over any set of receipts. ``allocations``, on a
    past date, narrows where their allocations are looked for (one customer's: its index finds
    them, where the whole company's would be read and joined)."""
    as_of = as_of or today()
    if uses_maintained_columns(as_of):
        # a receipt matched in full adds nothing; naming the rest lets their partial index answer
        live = receipts.filter(reversed_on__isnull=True, received_on__lte=as_of, allocated_amount__lt=F("amount"))
        figures = live.aggregate(amount=Sum(Cents("amount")), allocated=Sum(Cents("allocated_amount")))
        return from_cents(figures["amount"]) - from_cents(figures["allocated"])
    live = receipts.filter(Q(received_on__lte=as_of) & (Q(reversed_on__isnull=True) | Q(reversed_on__gt=as_of)))
    received = live.aggregate(t=Sum(Cents("amount")))["t"]
    allocated = (
        (Allocation.objects.all() if allocations is None else allocations)
        .filter(active_on(as_of), receipt__in=live.values("pk"))
        .aggregate(t=Sum(Cents("amount")))
    )
    return from_cents(received) - from_cents(allocated["t"])


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
    allocations = Allocation.objects.filter(customer_id=customer_id)
    return CustomerBalance(open_total(installments, as_of), unapplied_total(receipts, as_of, allocations=allocations))


@dataclass
class AgingRow:
    """Open amounts of one group (a customer, or a contract: ``aging_by``'s key) in one currency."""

    key: int
    currency: str
    not_due: Decimal = ZERO
    buckets: list[Decimal] = field(default_factory=list)

    @property
    def customer_id(self) -> int:
        """The key of a row grouped by customer."""
        return self.key

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


def unordered(column: str) -> Coalesce:
    """``column`` as an expression (``COALESCE(column, column)``, the same value on both databases)
    for a GROUP BY: SQLite would otherwise choose an index that yields the column's order, even one
    that makes it read every row from the table, over the index of the rows' own filter and a sort."""
    return Coalesce(column, column)


def _add_sums_by_bucket(
    into: dict[tuple[int, str], list[int]],
    rows: QuerySet[Installment],
    expression: Expression,
    as_of: dt.date,
    buckets: Sequence[int],
    key: str,
) -> None:
    """Add the cents of a set of installments to ``into``: (key, currency) to [not due, bucket 1,
    …, over the last], ``key`` the column grouped by.

    A plain column is summed once per bucket with filtered sums, grouped by customer and currency
    only. A computed past-date amount is grouped by bucket index instead, so its subqueries run
    once per row. The customer is grouped by ``unordered``: given the column, SQLite walks the
    per-customer list index for its order and reads every installment's row from the table (0.35 s
    for the open part at a million installments), where the part's covering partial index and a
    sort take 0.09 s. The groups are read as plain rows (``core.rows.plain_rows``): at 50,000
    customers Django's dict and converters per row took longer than the query."""
    customer = unordered(key)
    width = len(buckets) + 2
    if isinstance(expression, Cents):
        names = [f"b{i}" for i in range(width)]
        bounds = _bucket_bounds(as_of, buckets)
        # whole numbers from the database on both (a BIGINT, never NULL: PostgreSQL sums a BIGINT
        # as a numeric), so that the rows need no conversion in Python
        sums = {
            name: Coalesce(Cast(Sum(expression, filter=bound), CENTS_TOTAL), Value(0), output_field=CENTS_TOTAL)
            for name, bound in zip(names, bounds, strict=True)
        }
        totals = rows.order_by().values("currency", customer_key=customer).annotate(**sums)
        found_rows = plain_rows(totals.values_list("customer_key", "currency", *names))
        if not into:
            into.update(((group, currency), cents) for group, currency, *cents in found_rows)
            return
        for group, currency, *cents in found_rows:
            found = into.get((group, currency))
            if found is None:
                into[(group, currency)] = cents
            else:
                for index, value in enumerate(cents):
                    found[index] += value
        return
    bucketed = rows.annotate(bucket=_bucket_index(as_of, buckets)).order_by()
    grouped = bucketed.values("currency", "bucket", customer_key=customer).annotate(total=Sum(expression))
    for group, currency, bucket, total in plain_rows(
        grouped.values_list("customer_key", "currency", "bucket", "total")
    ):
        found = into.get((group, currency))
        if found is None:
            found = into[(group, currency)] = [0] * width
        found[bucket] += int(total or 0)


def aging_by_customer(
    installments: QuerySet[Installment], as_of: dt.date | None = None, buckets: Sequence[int] = DEFAULT_BUCKETS
) -> list[AgingRow]:
    """Open amounts on a date by customer and currency, bucketed by days overdue (``aging_by``)."""
    return aging_by(installments, as_of, buckets, key="customer_id")


# customer or contract lines; or the currency alone, for totals without the grouping's sort
AGING_KEYS = ("customer_id", "contract_id", "currency")


def aging_by(
    installments: QuerySet[Installment],
    as_of: dt.date | None = None,
    buckets: Sequence[int] = DEFAULT_BUCKETS,
    *,
    key: str = "customer_id",
) -> list[AgingRow]:
    """Open amounts on a date by ``key`` (customer or contract) and currency, bucketed by days
    overdue.

    Bucket i holds items between buckets[i-1]+1 and buckets[i] days overdue; the last holds the
    rest. The total equals ``open_total`` for the same installments and date (rule 6)."""
    return [
        AgingRow(group, currency, from_cents(cents[0]), [from_cents(c) for c in cents[1:]])
        for (group, currency), cents in aging_cents(installments, as_of, buckets, key=key).items()
    ]


def aging_cents(
    installments: QuerySet[Installment],
    as_of: dt.date | None = None,
    buckets: Sequence[int] = DEFAULT_BUCKETS,
    *,
    key: str = "customer_id",
) -> dict[tuple[int, str], list[int]]:
    """``aging_by`` in whole cents: (key, currency) to [not due, bucket 1, …, over the last], the
    groups with something open only. Reports that add up tens of thousands of groups keep the
    integers and make amounts only of what they show."""
    if key not in AGING_KEYS:
        raise ValueError(f"aging groups by one of {AGING_KEYS}, not {key!r}")
    as_of = as_of or today()
    parts: list[SummedPart]
    if uses_maintained_columns(as_of):
        parts = [(installments.filter(open_amount__gt=0, booked_on__lte=as_of), Cents("open_amount"))]
    else:
        parts = past_parts(installments, as_of)
    by_key: dict[tuple[int, str], list[int]] = {}
    for rows, expression in parts:
        _add_sums_by_bucket(by_key, rows, expression, as_of, buckets, key)
    return {group: cents for group, cents in by_key.items() if any(cents)}


def unapplied_cents(receipts: QuerySet[Receipt], as_of: dt.date | None = None) -> dict[tuple[int, str], int]:
    """Cash received and not allocated on a date, in whole cents, by customer and currency, over any
    set of receipts (``unapplied_total`` per customer; customers with none are left out)."""
    as_of = as_of or today()
    sums: dict[tuple[int, str], int] = {}
    if uses_maintained_columns(as_of):
        live = receipts.filter(reversed_on__isnull=True, received_on__lte=as_of, allocated_amount__lt=F("amount"))
        grouped = live.order_by().values("customer_id", "currency")
        left = grouped.annotate(cents=Sum(Cents("amount") - Cents("allocated_amount")))
        for customer, currency, cents in plain_rows(left.values_list("customer_id", "currency", "cents")):
            sums[(customer, currency)] = int(cents or 0)
    else:
        live = receipts.filter(Q(received_on__lte=as_of) & (Q(reversed_on__isnull=True) | Q(reversed_on__gt=as_of)))
        received = live.order_by().values("customer_id", "currency").annotate(cents=Sum(Cents("amount")))
        for customer, currency, cents in plain_rows(received.values_list("customer_id", "currency", "cents")):
            sums[(customer, currency)] = int(cents or 0)
        allocated = Allocation.objects.filter(active_on(as_of), receipt__in=live.values("pk")).order_by()
        by_currency = allocated.values("customer_id", currency=F("receipt__currency")).annotate(
            cents=Sum(Cents("amount"))
        )
        for customer, currency, cents in plain_rows(by_currency.values_list("customer_id", "currency", "cents")):
            sums[(customer, currency)] = sums.get((customer, currency), 0) - int(cents or 0)
    return {key: cents for key, cents in sums.items() if cents}
