"""Receivables KPIs (风险与效率指标) over a period, in one currency, within the user's scope.

The figures they are made of, each computed once elsewhere:
- AR on a date: the open receivable (the aging's total, ``figures.aging_by``: booked installments
  less what was allocated or adjusted by then); *current* AR is its not-overdue column, *overdue*
  AR the rest.
- Sales of a period: the amount of installments booked in it (contracts signed and activated:
  what became receivable).
- Collected: receipts received in the period and not reversed by its end.
- Written off: write-offs in effect dated in the period.

The KPIs:
- **DSO, countback**: from the AR at the period's end, take away each month's sales going back
  (the end's month up to its date, then whole months) while the AR covers them, counting their
  days; the remainder counts the share of the last month it reaches. Days sales outstanding.
- **Best possible DSO** the same from the current AR only; **average days delinquent** = DSO −
  best possible DSO (the days the overdue part adds).
- **CEI** = (AR at start + sales − AR at end) ÷ (AR at start + sales − current AR at end) × 100:
  what was collected of what could have been.
- **AR turnover** = sales ÷ average of AR at start and end; in days, the period's days ÷ turnover.
- **Overdue share** = overdue AR ÷ AR at the end × 100. **Bad-debt rate** = written off ÷ sales
  × 100.
- **Average days to pay**: allocations that took effect in the period (not reversed by its end),
  the amount-weighted mean of their effective date less the installment's due date (negative:
  paid early), overall and per customer.
A KPI whose divisor is zero is None (shown as "–")."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import FloatField, Func, Q, QuerySet, Sum

from huikuan.accounts.models import User
from huikuan.contracts.models import Installment
from huikuan.core.dates import month_start
from huikuan.core.money import ZERO, Cents, from_cents
from huikuan.core.sql_dates import DaysBetween, Unindexed
from huikuan.customers.models import Customer
from huikuan.receivables import figures
from huikuan.receivables.choices import AdjustmentKind
from huikuan.receivables.models import Adjustment, Allocation, Receipt
from huikuan.receivables.selectors import by_customer_scope
from huikuan.reports.month_ends import at_month_ends, is_month_end

# how far the countback looks: beyond two years of sales the DSO is reported as "more than"
COUNTBACK_MONTHS = 24
TOP_PAYERS = 20
ONE_DECIMAL = Decimal("0.1")


class DayNumber(Func):
    """A date as a whole number of days, so that two can be subtracted in SQL on both databases."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return self.as_sql(compiler, connection, template="julianday(%(expressions)s)", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return self.as_sql(compiler, connection, template="(%(expressions)s - DATE '2000-01-01')", **extra_context)


@dataclass(frozen=True)
class ArOn:
    total: Decimal
    current: Decimal

    @property
    def overdue(self) -> Decimal:
        return self.total - self.current


@dataclass
class Payer:
    customer_id: int
    amount: Decimal
    days: Decimal
    name: str = ""


@dataclass
class Kpis:
    currency: str
    start: dt.date
    end: dt.date
    ar_start: ArOn
    ar_end: ArOn
    sales: Decimal
    collected: Decimal
    written_off: Decimal
    dso: Decimal | None
    dso_capped: bool
    best_dso: Decimal | None
    days_to_pay: Decimal | None
    payers: list[Payer] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def average_days_delinquent(self) -> Decimal | None:
        return None if self.dso is None or self.best_dso is None else self.dso - self.best_dso

    @property
    def cei(self) -> Decimal | None:
        base = self.ar_start.total + self.sales
        return _ratio(base - self.ar_end.total, base - self.ar_end.current)

    @property
    def turnover(self) -> Decimal | None:
        average = (self.ar_start.total + self.ar_end.total) / 2
        return None if not average else (self.sales / average).quantize(Decimal("0.01"))

    @property
    def turnover_days(self) -> Decimal | None:
        turnover = self.turnover
        return None if not turnover else (Decimal(self.days) / turnover).quantize(ONE_DECIMAL)

    @property
    def overdue_share(self) -> Decimal | None:
        return _ratio(self.ar_end.overdue, self.ar_end.total)

    @property
    def bad_debt_rate(self) -> Decimal | None:
        return _ratio(self.written_off, self.sales)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """part ÷ whole in percent, one decimal; None when there is nothing to divide by."""
    return None if not whole else (part / whole * 100).quantize(ONE_DECIMAL)


def _scoped(user: User, currency: str) -> tuple[QuerySet[Installment], QuerySet[Receipt]]:
    installments = by_customer_scope(Installment.objects.filter(currency=currency), user)
    receipts = by_customer_scope(Receipt.objects.filter(currency=currency), user)
    return installments, receipts


def ar_on(installments: QuerySet[Installment], on: dt.date) -> ArOn:
    """The open receivable on a date and its not-overdue part: the aging's total and first column."""
    found = figures.aging_cents(installments, on, buckets=(), key="currency")
    total = sum((sum(cents) for cents in found.values()), 0)
    return ArOn(from_cents(total), from_cents(sum((cents[0] for cents in found.values()), 0)))


def monthly_sales(installments: QuerySet[Installment], first: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
    """Sales (installments booked) per month from ``first``'s month to ``end`` (included)."""
    booked = installments.filter(booked_on__gte=month_start(first), booked_on__lte=end).order_by()
    sums: dict[dt.date, Decimal] = {}
    for row in booked.values("booked_on").annotate(cents=Sum(Cents("amount"))):
        if row["booked_on"] is None:  # excluded by the filter; the type allows it
            continue
        month = month_start(row["booked_on"])
        sums[month] = sums.get(month, ZERO) + from_cents(row["cents"])
    return sums


def countback(ar: Decimal, end: dt.date, sales: dict[dt.date, Decimal]) -> tuple[Decimal | None, bool]:
    """Days of sales that ``ar`` holds, counted back from ``end`` month by month; and whether it
    ran out of months (more than COUNTBACK_MONTHS of sales outstanding)."""
    if ar <= 0:
        return Decimal(0), False
    days = Decimal(0)
    left = ar
    for back in range(COUNTBACK_MONTHS):
        month = month_start(end, back)
        in_month = end.day if back == 0 else calendar.monthrange(month.year, month.month)[1]
        sold = sales.get(month, ZERO)
        if sold <= 0:
            days += in_month
            continue
        if left <= sold:
            return (days + left / sold * in_month).quantize(ONE_DECIMAL), False
        days += in_month
        left -= sold
    return days.quantize(ONE_DECIMAL), True


def kpis(
    *,
    user: User,
    start: dt.date,
    end: dt.date,
    currency: str,
    known: dict[dt.date, ArOn] | None = None,
    sales_by_month: dict[dt.date, Decimal] | None = None,
    with_payers: bool = True,
) -> Kpis:
    """The KPIs of the period from ``start`` to ``end`` (both included) in ``currency``. ``known``
    holds AR already computed per date and takes the new ones (the trend's months share their
    ends); ``sales_by_month`` the monthly sales when already read."""
    installments, receipts = _scoped(user, currency)
    known = {} if known is None else known
    for day in (start - dt.timedelta(days=1), end):
        if day not in known:
            known[day] = ar_on(installments, day)
    if sales_by_month is None:
        sales_by_month = monthly_sales(installments, month_start(end, COUNTBACK_MONTHS - 1), end)
    period_sales = from_cents(
        installments.filter(booked_on__gte=start, booked_on__lte=end).aggregate(t=Sum(Cents("amount")))["t"]
    )
    live_by_end = Q(reversed_on__isnull=True) | Q(reversed_on__gt=end)
    collected = from_cents(
        receipts.filter(Q(received_on__gte=start, received_on__lte=end) & live_by_end).aggregate(
            t=Sum(Cents("amount"))
        )["t"]
    )
    adjustments = by_customer_scope(Adjustment.objects.filter(installment__currency=currency), user)
    written_off = from_cents(
        adjustments.filter(
            Q(kind=AdjustmentKind.WRITE_OFF, effective_on__gte=start, effective_on__lte=end) & live_by_end
        ).aggregate(t=Sum(Cents("amount")))["t"]
    )
    overall, payers = _days_to_pay(user, currency, start, end, with_payers=with_payers)
    return _assemble(
        currency=currency,
        start=start,
        end=end,
        ar_start=known[start - dt.timedelta(days=1)],
        ar_end=known[end],
        sales_by_month=sales_by_month,
        sales=period_sales,
        collected=collected,
        written_off=written_off,
        days_to_pay=overall,
        payers=payers,
    )


def _assemble(
    *,
    currency: str,
    start: dt.date,
    end: dt.date,
    ar_start: ArOn,
    ar_end: ArOn,
    sales_by_month: dict[dt.date, Decimal],
    sales: Decimal,
    collected: Decimal,
    written_off: Decimal,
    days_to_pay: Decimal | None,
    payers: list[Payer] | None = None,
) -> Kpis:
    """The KPIs from their figures."""
    dso, capped = countback(ar_end.total, end, sales_by_month)
    best, _capped = countback(ar_end.current, end, sales_by_month)
    return Kpis(
        currency=currency,
        start=start,
        end=end,
        ar_start=ar_start,
        ar_end=ar_end,
        sales=sales,
        collected=collected,
        written_off=written_off,
        dso=dso,
        dso_capped=capped,
        best_dso=best,
        days_to_pay=days_to_pay,
        payers=payers or [],
    )


def _days_to_pay(
    user: User, currency: str, start: dt.date, end: dt.date, *, with_payers: bool
) -> tuple[Decimal | None, list[Payer]]:
    """Amount-weighted average of (effective date − due date) of the allocations that took effect
    in the period, overall and for the customers who paid most: cent-days over cents, exact
    integers, rounded to a tenth of a day."""
    # the installment's columns unindexed on SQLite: given them, it started from the installments'
    # index and read allocations through another (1.5 s for a few days' allocations at a million)
    allocations = (
        by_customer_scope(Allocation.objects.all(), user)
        .alias(currency=Unindexed("installment__currency"), due=Unindexed("installment__due_date"))
        .filter(
            Q(effective_on__gte=start, effective_on__lte=end, currency=currency)
            & (Q(reversed_on__isnull=True) | Q(reversed_on__gt=end)),
            due__isnull=False,
        )
        .order_by()
    )
    late = Cents("amount") * DaysBetween("effective_on", "installment__due_date")
    sums = {"paid": Sum(Cents("amount")), "late": Sum(late)}
    total = allocations.aggregate(**sums)
    overall = mean_days(total["late"], total["paid"])
    if not with_payers:
        return overall, []
    by_customer: Any = allocations.values("customer_id").annotate(**sums)
    by_customer = by_customer.order_by("-paid")[:TOP_PAYERS]
    payers = [
        Payer(row["customer_id"], from_cents(row["paid"]), mean_days(row["late"], row["paid"]) or ZERO)
        for row in by_customer
    ]
    names = dict(Customer.objects.filter(pk__in=[p.customer_id for p in payers]).values_list("pk", "name"))
    for payer in payers:
        payer.name = names.get(payer.customer_id, "")
    return overall, payers


def mean_days(cent_days: int | Decimal | None, cents: int | Decimal | None) -> Decimal | None:
    """Cent-days over cents to a tenth of a day, half away from zero; None without any cents."""
    if not cents or cent_days is None:
        return None
    return (Decimal(cent_days) / Decimal(cents)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TrendMonth:
    month: dt.date
    kpis: Kpis


def trend(*, user: User, end: dt.date, currency: str, months: int = 12) -> list[TrendMonth]:
    """The KPIs of each of the ``months`` calendar months up to ``end``'s month (that one up to
    ``end``), each as ``kpis`` gives it. The whole months' figures are read together
    (``month_ends``): the AR at every month end and each month's collections, write-offs and days
    to pay from one grouped pass per table, not a past-date aging per month. The last month is
    ``kpis`` itself (its end may be any day)."""
    installments, _receipts = _scoped(user, currency)
    firsts = [month_start(end, back) for back in reversed(range(months))]
    ends = [first - dt.timedelta(days=1) for first in firsts]  # each month's start AR
    if is_month_end(end):
        ends.append(end)
    read = at_month_ends(user=user, currency=currency, month_ends=ends)
    # the month ends' pass read every month's sales up to the last of them
    sales = {month: from_cents(cents) for month, cents in read.booked.items()}
    if not is_month_end(end):
        sales.update(monthly_sales(installments, month_start(end), end))
    known = {day: ArOn(from_cents(ar.total), from_cents(ar.current)) for day, ar in read.ar.items()}
    found = []
    for first, following in zip(firsts, firsts[1:], strict=False):
        last = following - dt.timedelta(days=1)
        month = read.activity[first]
        found.append(
            TrendMonth(
                first,
                _assemble(
                    currency=currency,
                    start=first,
                    end=last,
                    ar_start=known[first - dt.timedelta(days=1)],
                    ar_end=known[last],
                    sales_by_month=sales,
                    sales=sales.get(first, ZERO),
                    collected=from_cents(month.collected),
                    written_off=from_cents(month.written_off),
                    days_to_pay=mean_days(month.late, month.paid),
                ),
            )
        )
    last_month = kpis(
        user=user, start=firsts[-1], end=end, currency=currency, known=known, sales_by_month=sales, with_payers=False
    )
    found.append(TrendMonth(firsts[-1], last_month))
    return found
