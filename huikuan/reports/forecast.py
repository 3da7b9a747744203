"""The cash forecast (现金流预测): what is expected to come in by week for the next 13 weeks and by
month for the next 12, from the installments open on a date, each moved by its customer's habit;
and, for the 13 weeks before, what such a forecast said beside what actually came in.

The rules, for a date D (default today) and a lookback of L days (default 365):

- **Window.** A customer's history is read from the L days ending on D: D − L < date ≤ D.
- **Days late** of a customer in a currency: the amount-weighted mean of (allocation's effective
  date − installment's due date) over its allocations in effect on D (not reversed by then) whose
  effective date is in the window, on installments with a due date. Early payment counts
  negative. The **shift** is that mean rounded half-up to whole days, and at least 0: paying
  early is not assumed.
- **Share never paid** of a customer in a currency: its write-offs (坏账核销) in effect on D with
  their effective date in the window, divided by the amount of its installments booked by D and
  due in the window; at most 1.
- **No history.** A customer with no allocation in the window (in that currency) takes the days
  late of all customers in the user's scope together, computed the same way (one weighted mean
  over all their allocations); one with nothing due in the window takes their share. With none
  either, 0 days and 0 share. The whole scope is the base even when the report is narrowed to an
  owner or a customer, so that narrowing never changes a customer's numbers.
- **Expected.** Each installment open on D (its open amount on D, as the aging has it:
  ``receivables.figures``) is expected on its due date + the shift; one expected before the
  first period is expected in the first period. The amount expected is the open amount ×
  (1 − share never paid), rounded half-up to the cent per customer, currency and due date; the
  rest is shown as *never paid*. Installments waiting on a milestone (no due date) are not
  forecast: their open amount is shown as *not dated*.
- **Periods.** 13 weeks from Monday of D's week and 12 calendar months from D's month; what is
  expected after the last of them is *later*. Per currency, never summed across currencies.
  So for every line: weeks + later = months + later = expected; expected + never paid + not dated
  = the open amount on D (the aging's total, DOMAIN.md rule 6).
- **Past weeks** (``past_weeks``). For the 13 weeks before D's week: the forecast as it stood
  when those weeks began (made on the figures of the day before the first of them, so that
  nothing received in the weeks is already counted as paid), week by week, beside the receipts
  received in each week and not reversed by its end (in scope, narrowed alike). One forecast for
  all 13 weeks, not one per week: each is a past-date computation of its own (history and open
  amounts), 2–3 s at a million installments on a 2-core machine: thirteen would take half a minute.
  Even the one costs as much as the forecast itself, so the page asks for it after itself and
  the API leaves it out on request (``past_weeks=false``).

Everything is summed in whole cents in the database (``money.Cents``), grouped by customer,
currency and due date; Python then places those groups (not installments) in periods, with integer
arithmetic, since a customer's shift and share come from another query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connections
from django.db.models import BigIntegerField, DateField, Q, QuerySet, Sum, TextChoices, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.accounts.scope import sees_whole_companies
from huikuan.contracts.models import Installment
from huikuan.core.dates import MAX_OFFSET_DAYS, month_start
from huikuan.core.errors import DomainError
from huikuan.core.money import Cents, from_cents
from huikuan.core.sql_dates import DaysBetween, Unindexed
from huikuan.customers.models import Customer
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables import figures
from huikuan.receivables.choices import AdjustmentKind
from huikuan.receivables.models import Adjustment, Allocation, Receipt
from huikuan.receivables.selectors import by_customer_scope
from huikuan.reports.errors import ReportErrorCode
from huikuan.reports.names import name_lines

WEEKS = 13
MONTHS = 12
ACCURACY_WEEKS = 13
DEFAULT_LOOKBACK_DAYS = 365
MAX_LOOKBACK_DAYS = MAX_OFFSET_DAYS  # ten years: older habits say little, and dates stay in range
DAYS_QUANTUM = Decimal("0.1")
SHARE_QUANTUM = Decimal("0.0001")

# A line's amounts are one list of cents: the weeks, later than the weeks, the months, later than
# the months, never paid, not dated (plain integers: a line per customer is 50,000 lines).
LATER_WEEKS = WEEKS
FIRST_MONTH = WEEKS + 1
LATER_MONTHS = FIRST_MONTH + MONTHS
NEVER_PAID = LATER_MONTHS + 1
NOT_DATED = NEVER_PAID + 1
SLOTS = NOT_DATED + 1


class ForecastGrouping(TextChoices):
    TOTAL = "total", _("Total per currency")
    CUSTOMER = "customer", _("Customer")
    OWNER = "owner", _("Owner")


@dataclass(frozen=True)
class Period:
    starts_on: dt.date
    ends_on: dt.date  # the last day, included


@dataclass
class _Sums:
    """A customer's (or the scope's) history in one currency, in cents."""

    paid: int = 0  # allocations in the window
    late: int = 0  # Σ cents × days late of those allocations
    due: int = 0  # installments due in the window
    written_off: int = 0  # write-offs in the window

    def add(self, other: _Sums) -> None:
        self.paid += other.paid
        self.late += other.late
        self.due += other.due
        self.written_off += other.written_off


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero (ROUND_HALF_UP), for a positive
    denominator, in integers."""
    quotient = (2 * abs(numerator) + denominator) // (2 * denominator)
    return quotient if numerator >= 0 else -quotient


@dataclass(frozen=True)
class Habit:
    """How a customer pays in one currency, as the forecast uses it: days late (``late / paid``,
    cent-days over cents) and the share never paid (``written_off / due``), each kept as its two
    integers so that the shift and the amounts are exact, and whether each came from the customer's
    own history or from the whole scope's."""

    paid: int
    late: int
    written_off: int
    due: int
    own_days: bool
    own_share: bool

    @property
    def shift_days(self) -> int:
        """The mean days late rounded half-up, at least 0 (paying early is not assumed)."""
        return max(0, _half_up(self.late, self.paid)) if self.paid else 0

    @property
    def days_late(self) -> Decimal | None:
        """The amount-weighted mean days late to a tenth; None without any payment to go by."""
        if not self.paid:
            return None
        return (Decimal(self.late) / Decimal(self.paid)).quantize(DAYS_QUANTUM, rounding=ROUND_HALF_UP)

    @property
    def share_never_paid(self) -> Decimal:
        if not self.due:
            return Decimal(0).quantize(SHARE_QUANTUM)
        return (Decimal(self.written_off) / Decimal(self.due)).quantize(SHARE_QUANTUM, rounding=ROUND_HALF_UP)

    def expected(self, cents: int) -> int:
        """What of ``cents`` open is expected to be paid: × (1 − share), half-up to the cent."""
        if not self.written_off:
            return cents
        return _half_up(cents * (self.due - self.written_off), self.due)


# no history in the scope either: 0 days late, nothing written off
NO_HISTORY = Habit(0, 0, 0, 0, own_days=False, own_share=False)


def _habit(own: _Sums | None, scope: _Sums | None) -> Habit:
    """A customer's habit from its own sums where it has them, else from the scope's."""
    own_days = own is not None and own.paid > 0
    days_from = own if own_days else scope
    paid, late = (days_from.paid, days_from.late) if days_from is not None else (0, 0)
    own_share = own is not None and own.due > 0
    share_from = own if own_share else scope
    if share_from is not None and share_from.due:
        # write-offs in the window may exceed what fell due in it (older debts): at most all of it
        written_off, due = min(share_from.written_off, share_from.due), share_from.due
    else:
        written_off, due = 0, 0
    return Habit(paid, late, written_off, due, own_days, own_share)


@dataclass
class ForecastLine:
    """One group's forecast in one currency. ``cents`` holds every amount (see ``SLOTS``);
    the properties give them as amounts. A customer's line carries the habit it was moved by."""

    currency: str
    cents: list[int] = field(default_factory=lambda: [0] * SLOTS)
    customer_id: int | None = None
    owner_id: int | None = None
    label: str = ""
    code: str = ""
    habit: Habit | None = None

    @property
    def weeks(self) -> list[Decimal]:
        return [from_cents(value) for value in self.cents[:WEEKS]]

    @property
    def later_weeks(self) -> Decimal:
        return from_cents(self.cents[LATER_WEEKS])

    @property
    def months(self) -> list[Decimal]:
        return [from_cents(value) for value in self.cents[FIRST_MONTH:LATER_MONTHS]]

    @property
    def later_months(self) -> Decimal:
        return from_cents(self.cents[LATER_MONTHS])

    @property
    def in_weeks(self) -> Decimal:
        """Expected within the 13 weeks."""
        return from_cents(sum(self.cents[:WEEKS]))

    @property
    def in_months(self) -> Decimal:
        """Expected within the 12 months."""
        return from_cents(sum(self.cents[FIRST_MONTH:LATER_MONTHS]))

    @property
    def expected(self) -> Decimal:
        """Everything expected to be paid, whenever: the weeks and later."""
        return from_cents(sum(self.cents[: LATER_WEEKS + 1]))

    @property
    def never_paid(self) -> Decimal:
        return from_cents(self.cents[NEVER_PAID])

    @property
    def not_dated(self) -> Decimal:
        return from_cents(self.cents[NOT_DATED])

    @property
    def open(self) -> Decimal:
        """The open amount on the date: expected + never paid + not dated."""
        return from_cents(sum(self.cents[: LATER_WEEKS + 1]) + self.cents[NEVER_PAID] + self.cents[NOT_DATED])

    def add(self, other: ForecastLine) -> None:
        self.cents = [a + b for a, b in zip(self.cents, other.cents, strict=True)]

    def sort_key(self) -> tuple[int, int, int, str, int]:
        expected = sum(self.cents[: LATER_WEEKS + 1])
        months = sum(self.cents[FIRST_MONTH:LATER_MONTHS])
        return (-sum(self.cents[:WEEKS]), -months, -expected, self.currency, self.customer_id or self.owner_id or 0)


@dataclass(frozen=True)
class AccuracyWeek:
    period: Period
    forecast: Decimal
    actual: Decimal

    @property
    def difference(self) -> Decimal:
        """What came in beyond the forecast (negative: less came in)."""
        return self.actual - self.forecast


@dataclass
class Accuracy:
    """One currency's past weeks: the forecast made on ``made_on`` beside what came in."""

    currency: str
    made_on: dt.date
    weeks: list[AccuracyWeek]

    @property
    def forecast(self) -> Decimal:
        return sum((week.forecast for week in self.weeks), Decimal("0.00"))

    @property
    def actual(self) -> Decimal:
        return sum((week.actual for week in self.weeks), Decimal("0.00"))


@dataclass
class PastWeeks:
    """The 13 weeks before the forecast's week: per currency, the forecast made on ``made_on`` (the
    day before the first of them) beside what came in each week."""

    as_of: dt.date
    weeks: list[Period]
    made_on: dt.date
    currencies: list[Accuracy]

    def of(self, currency: str) -> Accuracy | None:
        return next((accuracy for accuracy in self.currencies if accuracy.currency == currency), None)


@dataclass
class CashForecast:
    as_of: dt.date
    lookback_days: int
    grouping: str
    weeks: list[Period]
    months: list[Period]
    lines: list[ForecastLine]  # by grouping, largest in the 13 weeks first; the totals for "total"
    totals: list[ForecastLine]  # one per currency, the default currency first
    scope_habits: dict[str, Habit]  # per currency: what a customer without history is given
    past: PastWeeks | None  # None when not asked for (``with_past_weeks``)

    def total_of(self, currency: str) -> ForecastLine | None:
        return next((line for line in self.totals if line.currency == currency), None)


def week_periods(first: dt.date, count: int = WEEKS) -> list[Period]:
    return [Period(first + dt.timedelta(days=7 * k), first + dt.timedelta(days=7 * k + 6)) for k in range(count)]


def month_periods(day: dt.date, count: int = MONTHS) -> list[Period]:
    starts = [month_start(day, -k) for k in range(count + 1)]
    return [Period(starts[k], starts[k + 1] - dt.timedelta(days=1)) for k in range(count)]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class _Slots:
    """Where an expected day falls, given in days from the first week's Monday: its week slot and
    its month slot. Days are few and rows many, so each day is placed once."""

    def __init__(self, first_week: dt.date, first_month: dt.date) -> None:
        self.first_week = first_week
        self.month_index = first_month.year * 12 + first_month.month
        self.cache: dict[int, tuple[int, int]] = {}

    def __call__(self, day: int) -> tuple[int, int]:
        found = self.cache.get(day)
        if found is None:
            expected_on = self.first_week + dt.timedelta(days=day)
            week = min(LATER_WEEKS, max(0, day // 7))
            month = min(MONTHS, max(0, expected_on.year * 12 + expected_on.month - self.month_index))
            found = self.cache[day] = (week, FIRST_MONTH + month)
        return found


@dataclass
class _Scope:
    """The rows a report reads: the user's scope narrowed by the filters, and whether a filter
    narrowed it to some customers (then the scope's habits need a query of their own)."""

    user: User
    currency: str | None
    owner_id: int | None
    customer_id: int | None

    @property
    def narrowed(self) -> bool:
        return bool(self.owner_id or self.customer_id)

    def whole(self, *, narrow: bool) -> bool:
        """Whether the rows read are a whole company's, not some customers' (which their ids find)."""
        return sees_whole_companies(self.user) and not (narrow and self.narrowed)

    def rows(self, queryset: QuerySet[Any], *, narrow: bool = True) -> QuerySet[Any]:
        rows = by_customer_scope(queryset, self.user)
        if self.currency:
            rows = rows.filter(**{self._currency_field(queryset): self.currency})
        if narrow and self.owner_id:
            rows = rows.filter(customer_id__in=Customer.objects.filter(owner_id=self.owner_id).values("pk"))
        if narrow and self.customer_id:
            rows = rows.filter(customer_id=self.customer_id)
        return rows

    @staticmethod
    def _currency_field(queryset: QuerySet[Any]) -> str:
        # allocations and adjustments are in their installment's currency
        return "installment__currency" if queryset.model in (Allocation, Adjustment) else "currency"


def _fetch(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the driver gives them: Django's converters cost a
    call per value, 0.3 s for the 115,000 rows a forecast reads at a million installments. Sums of
    cents are cast to BIGINT (``_cents_sum``), so that PostgreSQL gives integers, not numerics."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _cents_sum(expression: Any) -> Cast:
    return Cast(Sum(expression), BigIntegerField())


def _history(scope: _Scope, as_of: dt.date, lookback_days: int, *, narrow: bool) -> Iterator[tuple[Any, str, _Sums]]:
    """(customer id, currency, sums) of the customers' history on ``as_of``; with ``narrow`` False
    over the whole scope by currency only (customer id None)."""
    start = as_of - dt.timedelta(days=lookback_days)
    # grouped by the customer as an expression (``figures.unordered``): given the column, SQLite
    # walks the per-customer index for its order and looks up every row it lists (2.2 s for the
    # allocations of a year at a million installments, against 0.5 s for the table and a sort)
    keys: tuple[Any, ...] = (figures.unordered("customer_id"),) if narrow else ()
    allocations = scope.rows(Allocation.objects.all(), narrow=narrow).filter(
        Q(reversed_on__isnull=True) | Q(reversed_on__gt=as_of), installment__due_date__isnull=False
    )
    if scope.whole(narrow=narrow):
        # the window's allocations of a whole company (half of all at 800,000, 2 years of them)
        # are read faster from the table in its order than through the per-customer index, each
        # row looked up where the index found it (SQLite: 0.5 s against 2.2 s)
        allocations = allocations.alias(effective=Unindexed("effective_on")).filter(
            effective__gt=start, effective__lte=as_of
        )
    else:
        allocations = allocations.filter(effective_on__gt=start, effective_on__lte=as_of)
    late = DaysBetween("effective_on", "installment__due_date")
    paid = (
        allocations.order_by()
        .values_list(*keys, "installment__currency")
        .annotate(paid=_cents_sum(Cents("amount")), late=_cents_sum(Cents("amount") * late))
    )
    for *customer, currency, cents, cent_days in _fetch(paid):
        yield (customer or [None])[0], currency, _Sums(paid=cents or 0, late=cent_days or 0)
    installments = scope.rows(Installment.objects.all(), narrow=narrow)
    if scope.whole(narrow=narrow) and connections[installments.db].vendor == "sqlite":
        # named by customer, SQLite reads the per-customer list index alone (it holds every column
        # read here); by the company, the list index, which has no customer, and every row for it
        # (0.3 s against 1.3 s for half a million installments due in a year). PostgreSQL scans
        # the table either way, and the customers' join costs it 0.25 s.
        installments = installments.filter(customer_id__in=customers_visible_to(scope.user).values("pk"))
    due = (
        installments.filter(booked_on__lte=as_of, due_date__gt=start, due_date__lte=as_of)
        .order_by()
        .values_list(*keys, "currency")
        .annotate(due=_cents_sum(Cents("amount")))
    )
    for *customer, currency, cents in _fetch(due):
        yield (customer or [None])[0], currency, _Sums(due=cents or 0)
    written_off = (
        scope.rows(Adjustment.objects.all(), narrow=narrow)
        .filter(figures.active_on(as_of), kind=AdjustmentKind.WRITE_OFF, effective_on__gt=start)
        .order_by()
        .values_list(*keys, "installment__currency")
        .annotate(written_off=_cents_sum(Cents("amount")))
    )
    for *customer, currency, cents in _fetch(written_off):
        yield (customer or [None])[0], currency, _Sums(written_off=cents or 0)


def _habits(scope: _Scope, as_of: dt.date, lookback_days: int) -> tuple[dict[tuple[int, str], Habit], dict[str, Habit]]:
    """The habit of every customer with history, by (customer, currency), and the scope's per
    currency, which a customer without history of its own takes."""
    own: dict[tuple[int, str], _Sums] = {}
    for customer, currency, sums in _history(scope, as_of, lookback_days, narrow=True):
        own.setdefault((customer, currency), _Sums()).add(sums)
    whole: dict[str, _Sums] = {}
    if scope.narrowed:
        for _customer, currency, sums in _history(scope, as_of, lookback_days, narrow=False):
            whole.setdefault(currency, _Sums()).add(sums)
    else:
        for (_customer, currency), sums in own.items():
            whole.setdefault(currency, _Sums()).add(sums)
    scope_habits = {currency: _habit(None, sums) for currency, sums in whole.items()}
    habits = {key: _habit(sums, whole.get(key[1])) for key, sums in own.items()}
    return habits, scope_habits


OpenRow = tuple[int, str, int | None, int]  # customer, currency, due day (None: not dated), cents


def _open_rows(
    installments: QuerySet[Installment], as_of: dt.date, first_week: dt.date, *, due_by: dt.date | None = None
) -> Iterable[OpenRow]:
    """The open amounts on ``as_of`` grouped in the database by customer, currency and due date,
    the date given as days after ``first_week`` (a whole number needs no conversion, where each
    date read from SQLite would be parsed); ``due_by`` leaves out what falls due later and what
    waits on a milestone."""
    if due_by is not None:
        installments = installments.filter(due_date__lte=due_by)
    day = DaysBetween("due_date", Value(first_week, output_field=DateField()))
    if figures.uses_maintained_columns(as_of):
        rows = installments.filter(open_amount__gt=0, booked_on__lte=as_of)
        return _fetch(
            rows.order_by().values_list("customer_id", "currency", day).annotate(total=_cents_sum(Cents("open_amount")))
        )
    # a due date's installments may be in several parts (open now, settled since): added up
    # before the amount expected is rounded, once per customer, currency and due date
    merged: dict[tuple[int, str, int | None], int] = {}
    for part, expression in figures.past_parts(installments, as_of):
        for customer, currency, due, cents in _fetch(
            part.order_by().values_list("customer_id", "currency", day).annotate(total=_cents_sum(expression))
        ):
            key = (customer, currency, due)
            merged[key] = merged.get(key, 0) + (cents or 0)
    return ((customer, currency, due, cents) for (customer, currency, due), cents in merged.items())


def _spread(
    rows: Iterable[OpenRow],
    habits: Mapping[tuple[int, str], Habit],
    scope_habits: Mapping[str, Habit],
    slots: _Slots,
    group_of: Callable[[int], Any],
) -> dict[tuple[Any, str], list[int]]:
    """The open amounts placed in periods: cents per slot, by ``group_of(customer)`` and currency.

    The loop runs once per customer, currency and due date (63,000 groups of the 265,000
    installments open at a million), so each customer's shift and share are made plain integers
    once, before it."""
    terms: dict[tuple[int, str], tuple[int, int, int]] = {
        key: (habit.shift_days, habit.due - habit.written_off, habit.due) for key, habit in habits.items()
    }
    fallback = {currency: (h.shift_days, h.due - h.written_off, h.due) for currency, h in scope_habits.items()}
    lines: dict[tuple[Any, str], list[int]] = {}
    placed = slots.cache  # read inline: a method call per row cost more than the placing
    # the rows of one customer and currency come together on SQLite (and often on PostgreSQL):
    # its line and terms are looked up once per run of them, not per row
    last: tuple[int, str] | None = None
    line: list[int] = []
    shift = kept = base = 0
    for customer, currency, due, cents in rows:
        if not cents:
            continue
        if (customer, currency) != last:
            last = (customer, currency)
            key = (group_of(customer), currency)
            found_line = lines.get(key)
            line = lines[key] = [0] * SLOTS if found_line is None else found_line
            shift, kept, base = terms.get(last) or fallback.get(currency) or (0, 0, 0)
        if due is None:
            line[NOT_DATED] += cents
            continue
        expected = cents if kept == base else _half_up(cents * kept, base)
        week, month = placed.get(due + shift) or slots(due + shift)
        line[week] += expected
        line[month] += expected
        line[NEVER_PAID] += cents - expected
    return lines


def _forecast_cents(
    scope: _Scope,
    as_of: dt.date,
    lookback_days: int,
    first_week: dt.date,
    group_of: Callable[[int], Any],
    *,
    due_by: dt.date | None = None,
) -> tuple[dict[tuple[Any, str], list[int]], dict[tuple[int, str], Habit], dict[str, Habit]]:
    """The forecast on ``as_of`` in cents per slot, with periods from ``first_week`` and the month
    of ``as_of``; and the habits it used."""
    habits, scope_habits = _habits(scope, as_of, lookback_days)
    slots = _Slots(first_week, month_start(as_of))
    rows = _open_rows(scope.rows(Installment.objects.all()), as_of, first_week, due_by=due_by)
    return _spread(rows, habits, scope_habits, slots, group_of), habits, scope_habits


def _received(scope: _Scope, weeks: Sequence[Period]) -> dict[str, list[int]]:
    """Receipts received in each week and not reversed by its end, in cents per currency."""
    first, last = weeks[0].starts_on, weeks[-1].ends_on
    live = Q(reversed_on__isnull=True) | Q(reversed_on__gt=first)
    receipts = scope.rows(Receipt.objects.all()).filter(live, received_on__gte=first, received_on__lte=last)
    grouped = (
        receipts.order_by().values_list("currency", "received_on", "reversed_on").annotate(total=Sum(Cents("amount")))
    )
    received: dict[str, list[int]] = {}
    for currency, on, reversed_on, cents in grouped:
        week = (on - first).days // 7
        if reversed_on is None or reversed_on > weeks[week].ends_on:
            received.setdefault(currency, [0] * len(weeks))[week] += cents
    return received


def _nobody(customer: int) -> None:
    """The group of every customer in a total: none."""


def _itself(customer: int) -> int:
    return customer


def _ordered(currencies: Iterable[str], size: Mapping[str, int], default_currency: str) -> list[str]:
    return sorted(set(currencies), key=lambda code: (code != default_currency, -size.get(code, 0), code))


def _check(grouping: str, lookback_days: int) -> None:
    """Refuse a grouping or a lookback the forecast does not know. Raises DomainError."""
    if grouping not in ForecastGrouping.values:
        raise DomainError(ReportErrorCode.INVALID_GROUPING, _("Choose a grouping from the list."), field="grouping")
    if not 1 <= lookback_days <= MAX_LOOKBACK_DAYS:
        raise DomainError(
            ReportErrorCode.INVALID_PERIOD,
            _("The lookback is from 1 to %(max)s days.") % {"max": MAX_LOOKBACK_DAYS},
            field="lookback_days",
        )


def cash_forecast(
    *,
    user: User,
    as_of: dt.date,
    currency: str | None = None,
    owner_id: int | None = None,
    customer_id: int | None = None,
    grouping: str = ForecastGrouping.TOTAL,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    default_currency: str = "CNY",
    with_past_weeks: bool = True,
) -> CashForecast:
    """The cash forecast on ``as_of`` within the user's scope, narrowed to a currency, an owner's
    customers or one customer if given (an owner or customer outside the scope gives an empty
    forecast), with the past weeks (``past_weeks``) unless ``with_past_weeks`` is False: they are a
    second forecast, as of a past date, and cost as much again. Lines carry ids; ``label_lines``
    names the ones to be shown. Raises DomainError for a grouping or lookback out of range."""
    _check(grouping, lookback_days)
    scope = _Scope(user, currency, owner_id, customer_id)
    first_week = monday_of(as_of)
    group_of: Callable[[int], Any] = _nobody
    if grouping == ForecastGrouping.CUSTOMER:
        group_of = _itself
    elif grouping == ForecastGrouping.OWNER:
        group_of = dict(customers_visible_to(user).values_list("pk", "owner_id")).get
    cents, habits, scope_habits = _forecast_cents(scope, as_of, lookback_days, first_week, group_of)
    totals: dict[str, ForecastLine] = {}
    lines: list[ForecastLine] = []
    for (key, line_currency), amounts in cents.items():
        line = ForecastLine(line_currency, amounts)
        if grouping == ForecastGrouping.CUSTOMER:
            line.customer_id = key
            line.habit = habits.get((key, line_currency)) or scope_habits.get(line_currency) or NO_HISTORY
        elif grouping == ForecastGrouping.OWNER:
            line.owner_id = key
        lines.append(line)
        total = totals.get(line_currency)
        if total is None:
            totals[line_currency] = ForecastLine(line_currency, list(amounts))
            continue
        for slot, value in enumerate(amounts):
            if value:
                total.cents[slot] += value
    sizes = {code: sum(line.cents[: LATER_WEEKS + 1]) for code, line in totals.items()}
    ordered_totals = [totals[code] for code in _ordered(totals, sizes, default_currency)]
    if grouping == ForecastGrouping.TOTAL:
        lines = ordered_totals
    else:
        lines.sort(key=ForecastLine.sort_key)
    past = _past_weeks(scope, as_of, lookback_days, default_currency) if with_past_weeks else None
    return CashForecast(
        as_of=as_of,
        lookback_days=lookback_days,
        grouping=grouping,
        weeks=week_periods(first_week),
        months=month_periods(as_of),
        lines=lines,
        totals=ordered_totals,
        scope_habits=scope_habits,
        past=past,
    )


def past_weeks(
    *,
    user: User,
    as_of: dt.date,
    currency: str | None = None,
    owner_id: int | None = None,
    customer_id: int | None = None,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    default_currency: str = "CNY",
) -> PastWeeks:
    """The 13 weeks before ``as_of``'s week, narrowed as ``cash_forecast`` is: the forecast made
    when they began beside what came in. Raises DomainError for a lookback out of range."""
    _check(ForecastGrouping.TOTAL, lookback_days)
    return _past_weeks(_Scope(user, currency, owner_id, customer_id), as_of, lookback_days, default_currency)


def _past_weeks(scope: _Scope, as_of: dt.date, lookback_days: int, default_currency: str) -> PastWeeks:
    weeks = week_periods(monday_of(as_of) - dt.timedelta(days=7 * ACCURACY_WEEKS), ACCURACY_WEEKS)
    made_on = weeks[0].starts_on - dt.timedelta(days=1)
    # only what falls due by the last of those weeks can be expected in them (a shift is never
    # negative): the rest of the book is left unread
    past, _habits, _scope_habits = _forecast_cents(
        scope, made_on, lookback_days, weeks[0].starts_on, _nobody, due_by=weeks[-1].ends_on
    )
    forecast = {code: amounts[:ACCURACY_WEEKS] for (_key, code), amounts in past.items()}
    received = _received(scope, weeks)
    sizes = {code: sum(forecast.get(code, ())) + sum(received.get(code, ())) for code in [*forecast, *received]}
    currencies = []
    for code in _ordered(sizes, sizes, default_currency):
        forecast_cents = forecast.get(code, [0] * ACCURACY_WEEKS)
        actual_cents = received.get(code, [0] * ACCURACY_WEEKS)
        currencies.append(
            Accuracy(
                code,
                made_on,
                [
                    AccuracyWeek(period, from_cents(forecast_cents[k]), from_cents(actual_cents[k]))
                    for k, period in enumerate(weeks)
                ],
            )
        )
    return PastWeeks(as_of, weeks, made_on, currencies)


def label_lines(lines: Sequence[ForecastLine], grouping: str) -> Sequence[ForecastLine]:
    """Fill ``label`` and ``code`` of the lines to be shown (a page of them, or all for a file)."""
    return name_lines(lines, grouping)
