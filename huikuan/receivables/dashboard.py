"""The figures of the workbench's home page, for what one user may see, as of today.

Every figure comes from the maintained columns (``Installment.open_amount``, ``Receipt.amount``
and ``reversed_on``), which are right as of today (figures.py), in a handful of grouped queries:
one over the open installments for the receivable, overdue and coming-due amounts, one for the
ten customers who owe the most overdue, and one each for the twelve months of planned and of
collected amounts. Amounts are summed in whole cents (``money.Cents``), per currency: amounts in
different currencies are never added together."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.contracts.models import Installment
from huikuan.core.money import ZERO, Cents, from_cents
from huikuan.customers.models import Customer
from huikuan.receivables.figures import unordered
from huikuan.receivables.models import Receipt

MONTHS = 12
TOP_CUSTOMERS = 10


@dataclass(frozen=True)
class OverdueCustomer:
    customer_id: int
    code: str
    name: str
    overdue: Decimal


@dataclass(frozen=True)
class Month:
    starts_on: dt.date
    due: Decimal
    collected: Decimal


@dataclass
class Dashboard:
    """One currency's figures as of ``as_of``."""

    as_of: dt.date
    currency: str
    receivable: Decimal = ZERO
    overdue: Decimal = ZERO
    due_next_7: Decimal = ZERO
    due_next_30: Decimal = ZERO
    due_this_month: Decimal = ZERO
    collected_this_month: Decimal = ZERO
    top_overdue: list[OverdueCustomer] = field(default_factory=list)
    months: list[Month] = field(default_factory=list)

    @property
    def overdue_share(self) -> Decimal | None:
        """Overdue as a share of the receivable (None when nothing is receivable)."""
        if not self.receivable:
            return None
        return (self.overdue / self.receivable).quantize(Decimal("0.0001"))

    @property
    def collected_share(self) -> Decimal | None:
        if not self.due_this_month:
            return None
        return (self.collected_this_month / self.due_this_month).quantize(Decimal("0.0001"))


def month_start(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_key(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def dashboards(*, user: User, as_of: dt.date) -> list[Dashboard]:
    """The home page figures per currency, the default currency first, then by receivable."""
    installments = restrict(Installment.objects.all(), user)
    receipts = restrict(Receipt.objects.all(), user)
    by_currency: dict[str, Dashboard] = {}

    def of(currency: str) -> Dashboard:
        if currency not in by_currency:
            by_currency[currency] = Dashboard(as_of=as_of, currency=currency)
        return by_currency[currency]

    open_items = installments.filter(open_amount__gt=0, booked_on__lte=as_of).order_by()
    week, month = as_of + dt.timedelta(days=7), as_of + dt.timedelta(days=30)
    cents = Cents("open_amount")
    for row in open_items.values("currency").annotate(
        receivable=Sum(cents),
        overdue=Sum(cents, filter=Q(due_date__lt=as_of)),
        next_7=Sum(cents, filter=Q(due_date__gte=as_of, due_date__lte=week)),
        next_30=Sum(cents, filter=Q(due_date__gte=as_of, due_date__lte=month)),
    ):
        figures = of(row["currency"])
        figures.receivable = from_cents(row["receivable"])
        figures.overdue = from_cents(row["overdue"])
        figures.due_next_7 = from_cents(row["next_7"])
        figures.due_next_30 = from_cents(row["next_30"])

    first = month_start(as_of, MONTHS - 1)
    this_month = month_start(as_of)
    next_month = month_start(as_of, -1)
    due: dict[tuple[str, dt.date], int] = defaultdict(int)
    planned = installments.filter(due_date__gte=first, due_date__lt=next_month, booked_on__lte=as_of).order_by()
    for planned_row in planned.values("currency", month=TruncMonth("due_date")).annotate(total=Sum(Cents("amount"))):
        due[(planned_row["currency"], _month_key(planned_row["month"]))] += planned_row["total"] or 0
    collected: dict[tuple[str, dt.date], int] = defaultdict(int)
    received = receipts.filter(received_on__gte=first, received_on__lte=as_of, reversed_on__isnull=True).order_by()
    by_month = received.values("currency", month=TruncMonth("received_on")).annotate(total=Sum(Cents("amount")))
    for received_row in by_month:
        collected[(received_row["currency"], _month_key(received_row["month"]))] += received_row["total"] or 0
    for currency, _month in [*due, *collected]:
        of(currency)
    if not by_currency:  # nothing yet: zeros in the default currency
        of(settings.HUIKUAN_DEFAULT_CURRENCY)
    starts = [month_start(as_of, back) for back in range(MONTHS - 1, -1, -1)]
    for currency, figures in by_currency.items():
        figures.months = [
            Month(start, from_cents(due.get((currency, start), 0)), from_cents(collected.get((currency, start), 0)))
            for start in starts
        ]
        figures.due_this_month = from_cents(due.get((currency, this_month), 0))
        figures.collected_this_month = from_cents(collected.get((currency, this_month), 0))

    overdue_items = open_items.filter(due_date__lt=as_of)
    ranked = (
        overdue_items.values("currency", customer_key=unordered("customer_id"))
        .annotate(total=Sum(cents))
        .order_by("-total")
    )
    top: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for currency in by_currency:
        top[currency] = [
            (row["customer_key"], row["total"]) for row in ranked.filter(currency=currency)[:TOP_CUSTOMERS]
        ]
    names = Customer.objects.in_bulk([pk for rows in top.values() for pk, _total in rows])
    for currency, rows in top.items():
        by_currency[currency].top_overdue = [
            OverdueCustomer(pk, names[pk].code, names[pk].name, from_cents(total)) for pk, total in rows if pk in names
        ]

    default = settings.HUIKUAN_DEFAULT_CURRENCY
    return sorted(by_currency.values(), key=lambda d: (d.currency != default, -d.receivable, d.currency))
