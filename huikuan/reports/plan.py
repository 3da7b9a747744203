"""Collection plan vs actual (收款进度): per month or quarter, what fell due (planned), what was
received (collected) and the rate between them, grouped by owner, customer, contract or in total,
with the owners' collection targets (回款目标) beside them.

- **Planned** is the amount of the booked installments (of activated contracts) due in the period;
  **collected** the receipts received in the period and not reversed. Both are read from the
  monthly totals the services keep per customer, currency and month (``contracts.PlannedMonth``,
  ``receivables.CollectedMonth``): a few rows per customer and month where a year of installments
  and receipts is hundreds of thousands of rows. Grouping by owner or in total sums those rows in
  the database; an owner is the customer's owner (money is received from a customer).
- **By contract** the kept totals cannot serve: they know no contract, and money is received from
  a customer, not under a contract. A contract's planned is summed from its booked installments due
  in the period (the same amounts PlannedMonth holds), its collected from the allocations (核销) in
  effect, not reversed, with their effective date in the period, on its installments. Cash not yet
  matched, or matched in another period than received, is in no contract's line: the totals per
  currency are the receipts' whatever the grouping, so the contract lines need not add up to them.
- **Targets** are set per owner, currency and month (``reports.models.CollectionTarget``). Owner
  lines (and the one line per currency of the total grouping) carry the period's target and the
  attainment, collected / target; narrowed to one customer, a target (the owner's whole book) says
  nothing and is left out.

A rate is None where its base is 0. Amounts are summed in whole cents and never across currencies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum, TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.contracts.models import Installment, PlannedMonth
from huikuan.core.dates import month_start, month_starts, require_business_date
from huikuan.core.errors import DomainError
from huikuan.core.money import ZERO, Cents, from_cents, to_cents
from huikuan.customers.models import Customer
from huikuan.receivables.models import Allocation, CollectedMonth
from huikuan.receivables.selectors import by_customer_scope
from huikuan.reports.errors import ReportErrorCode
from huikuan.reports.models import CollectionTarget
from huikuan.reports.names import name_lines

# a plan over more months than three years is no longer read as one table (and a line per customer
# of 36 months is already 108 amounts)
MAX_MONTHS = 36
RATE_QUANTUM = Decimal("0.0001")


class PlanGrouping(TextChoices):
    OWNER = "owner", gettext_lazy("Owner")
    CUSTOMER = "customer", gettext_lazy("Customer")
    CONTRACT = "contract", gettext_lazy("Contract")
    TOTAL = "total", gettext_lazy("Total per currency")


class PlanPeriod(TextChoices):
    MONTH = "month", gettext_lazy("Month")
    QUARTER = "quarter", gettext_lazy("Quarter")


# the groupings whose lines are sums over owners: a target belongs to an owner
WITH_TARGETS = frozenset({PlanGrouping.OWNER, PlanGrouping.TOTAL})


def share(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """``part / whole`` to four places (a rate of 0.8125 is 81.25%), None when ``whole`` is 0."""
    if not whole:
        return None
    return (part / whole).quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Period:
    """A calendar month or quarter of the report: from ``starts_on`` to ``ends_on``, both included."""

    starts_on: dt.date
    ends_on: dt.date
    quarter: int | None = None  # 1-4 for a quarter

    @property
    def label(self) -> str:
        if self.quarter:
            return _("%(year)s Q%(quarter)s") % {"year": self.starts_on.year, "quarter": self.quarter}
        return f"{self.starts_on:%Y-%m}"

    @property
    def after(self) -> dt.date:
        """The day after the period (its end, exclusive)."""
        return self.ends_on + dt.timedelta(days=1)


@dataclass
class PlanCell:
    """One period's figures of a line: ``target`` is None where the line has no target (a
    customer or contract, or an owner report narrowed to a customer)."""

    planned: Decimal = ZERO
    collected: Decimal = ZERO
    target: Decimal | None = None

    @property
    def rate(self) -> Decimal | None:
        return share(self.collected, self.planned)

    @property
    def attainment(self) -> Decimal | None:
        return share(self.collected, self.target)


@dataclass
class PlanLine:
    """One group's figures in one currency: a cell per period."""

    currency: str
    cells: list[PlanCell]
    customer_id: int | None = None
    contract_id: int | None = None
    owner_id: int | None = None
    label: str = ""
    code: str = ""

    @property
    def whole(self) -> PlanCell:
        """The figures of the whole range: the periods' sums (a target when any period has one)."""
        targets = [cell.target for cell in self.cells if cell.target is not None]
        return PlanCell(
            planned=sum((cell.planned for cell in self.cells), ZERO),
            collected=sum((cell.collected for cell in self.cells), ZERO),
            target=sum(targets, ZERO) if targets else None,
        )


@dataclass
class PlanReport:
    first_month: dt.date  # the first day of the first month shown
    last_month: dt.date  # the first day of the last month shown
    period: str
    grouping: str
    periods: list[Period]
    lines: list[PlanLine]
    totals: list[PlanLine]  # one per currency, the default currency first
    has_targets: bool

    def total_of(self, currency: str) -> PlanLine | None:
        return next((line for line in self.totals if line.currency == currency), None)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _first_of(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def plan_periods(first_month: dt.date, last_month: dt.date, period: str) -> list[Period]:
    """The periods from ``first_month``'s month to ``last_month``'s (any day of each), by month or
    by quarter: quarters are whole calendar quarters, so a range that starts or ends inside one
    takes all of it. Refuses a reversed range, one over MAX_MONTHS months or dates outside the
    business range. Raises DomainError naming the field."""
    if period not in PlanPeriod.values:
        raise DomainError(ReportErrorCode.INVALID_PERIOD, _("Choose months or quarters."), field="period")
    require_business_date(first_month, field="first_month")
    require_business_date(last_month, field="last_month")
    first, last = _month_index(first_month), _month_index(last_month)
    if last < first:
        raise DomainError(
            ReportErrorCode.INVALID_PERIOD, _("The last month cannot be before the first."), field="last_month"
        )
    if last - first + 1 > MAX_MONTHS:
        raise DomainError(
            ReportErrorCode.INVALID_PERIOD,
            _("Choose at most %(months)s months.") % {"months": MAX_MONTHS},
            field="last_month",
        )
    if period == PlanPeriod.MONTH:
        return [Period(_first_of(i), _first_of(i + 1) - dt.timedelta(days=1)) for i in range(first, last + 1)]
    first, last = first - first % 3, last - last % 3
    return [
        Period(_first_of(i), _first_of(i + 3) - dt.timedelta(days=1), quarter=i % 12 // 3 + 1)
        for i in range(first, last + 1, 3)
    ]


# figures in whole cents while they are summed: (group key, currency) -> one sum per period
Sums = dict[tuple[Any, str], list[int]]


class _Narrowing:
    """The scope and the filters of one report, applied to each table it reads."""

    def __init__(self, user: User, currency: str | None, owner_id: int | None, customer_id: int | None) -> None:
        self.user, self.currency, self.owner_id, self.customer_id = user, currency, owner_id, customer_id

    def rows(self, queryset: QuerySet[Any], *, currency: str = "currency") -> QuerySet[Any]:
        """Rows with a company and a customer within the scope and the filters."""
        rows = by_customer_scope(queryset, self.user)
        if self.currency:
            rows = rows.filter(**{currency: self.currency})
        if self.owner_id:
            rows = rows.filter(customer_id__in=Customer.objects.filter(owner_id=self.owner_id).values("pk"))
        if self.customer_id:
            rows = rows.filter(customer_id=self.customer_id)
        return rows

    def targets(self, starts: dt.date, before: dt.date) -> QuerySet[CollectionTarget]:
        """The targets of the owners the user may see (their own, their team's, their companies')."""
        rows = restrict(CollectionTarget.objects.filter(month__gte=starts, month__lt=before), self.user, owner="owner")
        if self.currency:
            rows = rows.filter(currency=self.currency)
        if self.owner_id:
            rows = rows.filter(owner_id=self.owner_id)
        return rows


def _by_month(rows: Iterable[tuple[Any, str, dt.date, int]], slot: dict[dt.date, int], width: int) -> Sums:
    """(key, currency, month, cents) rows summed into their periods."""
    sums: Sums = {}
    for key, currency, month, cents in rows:
        sums.setdefault((key, currency), [0] * width)[slot[month]] += int(cents or 0)
    return sums


def _kept(
    model: type[PlannedMonth | CollectedMonth], narrowing: _Narrowing, key: str | None, periods: list[Period]
) -> Sums:
    """The kept monthly totals of the range summed per group key (None: per currency alone),
    currency and month, in the database; the months are then added into their periods."""
    rows = narrowing.rows(model.objects.filter(month__gte=periods[0].starts_on, month__lt=periods[-1].after))
    columns = [key] if key else []
    grouped = rows.order_by().values_list(*columns, "currency", "month").annotate(cents=Sum("amount_cents"))
    if key is None:
        grouped_rows: Iterable[tuple[Any, ...]] = ((None, *row) for row in grouped)
    else:
        grouped_rows = grouped
    return _by_month(grouped_rows, _month_slots(periods), len(periods))


def _month_slots(periods: Sequence[Period]) -> dict[dt.date, int]:
    return {
        month: index for index, period in enumerate(periods) for month in month_starts(period.starts_on, period.ends_on)
    }


def _per_period(rows: QuerySet[Any], keys: Sequence[str], date: str, amount: str, periods: list[Period]) -> Sums:
    """Cents of ``amount`` per ``keys`` (group key, currency) and period of ``date``: one filtered
    sum per period, so the database returns a row per group, not per day."""
    sums = {
        f"p{i}": Sum(Cents(amount), filter=Q(**{f"{date}__gte": p.starts_on, f"{date}__lte": p.ends_on}))
        for i, p in enumerate(periods)
    }
    return {
        (row[keys[0]], row[keys[1]]): [int(row[f"p{i}"] or 0) for i in range(len(periods))]
        for row in rows.order_by().values(*keys).annotate(**sums)
    }


def _by_contract(narrowing: _Narrowing, periods: list[Period]) -> tuple[Sums, Sums]:
    """Planned and collected per contract: booked installments due in each period, and the
    allocations in effect with their effective date in it."""
    starts, before = periods[0].starts_on, periods[-1].after
    installments = narrowing.rows(
        Installment.objects.filter(booked_on__isnull=False, due_date__gte=starts, due_date__lt=before)
    )
    planned = _per_period(installments, ("contract_id", "currency"), "due_date", "amount", periods)
    allocations = narrowing.rows(
        Allocation.objects.filter(reversed_on__isnull=True, effective_on__gte=starts, effective_on__lt=before),
        currency="installment__currency",
    )
    keys = ("installment__contract_id", "installment__currency")
    collected = _per_period(allocations, keys, "effective_on", "amount", periods)
    return planned, collected


def _targets(narrowing: _Narrowing, periods: list[Period], *, by_owner: bool) -> Sums:
    rows = narrowing.targets(periods[0].starts_on, periods[-1].after).order_by()
    slots, width = _month_slots(periods), len(periods)
    sums: Sums = {}
    for owner, currency, month, amount in rows.values_list("owner_id", "currency", "month", "amount"):
        key = (owner if by_owner else None, currency)
        sums.setdefault(key, [0] * width)[slots[month]] += to_cents(amount)
    return sums


def _lines(planned: Sums, collected: Sums, targets: Sums | None, width: int) -> dict[tuple[Any, str], PlanLine]:
    zeros = [0] * width
    lines = {}
    for key in {*planned, *collected, *(targets or {})}:
        p, c = planned.get(key, zeros), collected.get(key, zeros)
        t = None if targets is None else targets.get(key, zeros)
        cells = [
            PlanCell(from_cents(p[i]), from_cents(c[i]), None if t is None else from_cents(t[i])) for i in range(width)
        ]
        lines[key] = PlanLine(currency=key[1], cells=cells)
    return lines


def plan_vs_actual(
    *,
    user: User,
    first_month: dt.date,
    last_month: dt.date,
    period: str = PlanPeriod.MONTH,
    grouping: str = PlanGrouping.OWNER,
    currency: str | None = None,
    owner_id: int | None = None,
    customer_id: int | None = None,
    default_currency: str = "CNY",
) -> PlanReport:
    """Plan vs actual from ``first_month`` to ``last_month`` (any day of each) within the user's
    scope, narrowed to a currency, an owner's customers or one customer if given. A customer or
    owner outside the scope gives an empty report. Lines carry ids; ``label_lines`` names the ones
    to be shown. Raises DomainError for a bad range, period or grouping."""
    if grouping not in PlanGrouping.values:
        raise DomainError(ReportErrorCode.INVALID_GROUPING, _("Choose a grouping."), field="grouping")
    periods = plan_periods(first_month, last_month, period)
    width = len(periods)
    narrowing = _Narrowing(user, currency, owner_id, customer_id)
    with_targets = grouping in WITH_TARGETS and not customer_id

    # the totals per currency: the kept totals whatever the grouping, so that they are the money
    # received in each period (by contract too, where the lines hold only what was matched)
    totals_planned = _kept(PlannedMonth, narrowing, None, periods)
    totals_collected = _kept(CollectedMonth, narrowing, None, periods)
    total_targets = _targets(narrowing, periods, by_owner=False) if with_targets else None
    totals = _lines(totals_planned, totals_collected, total_targets, width)

    if grouping == PlanGrouping.TOTAL:
        lines = [
            PlanLine(t.currency, [PlanCell(c.planned, c.collected, c.target) for c in t.cells]) for t in totals.values()
        ]
    elif grouping == PlanGrouping.CONTRACT:
        planned, collected = _by_contract(narrowing, periods)
        lines = []
        for (contract, _currency), line in _lines(planned, collected, None, width).items():
            line.contract_id = contract
            lines.append(line)
    else:
        key = "customer__owner_id" if grouping == PlanGrouping.OWNER else "customer_id"
        planned = _kept(PlannedMonth, narrowing, key, periods)
        collected = _kept(CollectedMonth, narrowing, key, periods)
        targets = _targets(narrowing, periods, by_owner=True) if with_targets else None
        lines = []
        for (group, _currency), line in _lines(planned, collected, targets, width).items():
            if grouping == PlanGrouping.OWNER:
                line.owner_id = group
            else:
                line.customer_id = group
            lines.append(line)

    def order(line: PlanLine) -> tuple[Any, ...]:
        whole = line.whole
        group = line.owner_id or line.customer_id or line.contract_id or 0
        return (-whole.planned, -whole.collected, -(whole.target or ZERO), line.currency, group)

    lines.sort(key=order)
    ordered_totals = sorted(totals.values(), key=lambda t: (t.currency != default_currency, order(t)))
    return PlanReport(
        first_month=periods[0].starts_on,
        last_month=month_start(periods[-1].ends_on),
        period=period,
        grouping=grouping,
        periods=periods,
        lines=lines,
        totals=ordered_totals,
        has_targets=with_targets,
    )


def label_lines(lines: Sequence[PlanLine], grouping: str) -> Sequence[PlanLine]:
    """Fill ``label`` and ``code`` of the lines to be shown (a page of them, or all for a file)."""
    return name_lines(lines, grouping)
