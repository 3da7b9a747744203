"""The figures of the workbench's home page, for what one user may see, as of today.

Every figure comes from the maintained columns (``Installment.open_amount``, ``Receipt.amount``
and ``reversed_on``), which are right as of today (figures.py), in three grouped queries: one over
the open installments by customer for the receivable, overdue and coming-due amounts and the ten
customers who owe the most overdue, and one each for this month's planned and collected amounts.
The twelve months of the chart are ``month_series``, which the page loads after itself. Planned
and collected by month come from the totals per customer and month the services keep
(contracts.PlannedMonth, receivables.CollectedMonth), a few rows per customer where the
installments and receipts of a year were hundreds of thousands. Amounts
are summed in whole cents (``money.Cents``), per currency: amounts in different currencies are
never added together."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet, Sum

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict, sees_whole_companies
from huikuan.contracts.models import Contract, Installment, PlannedMonth
from huikuan.core.dates import month_start
from huikuan.core.money import ZERO, Cents, from_cents
from huikuan.customers.models import Customer
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables.figures import uses_maintained_columns
from huikuan.receivables.models import CollectedMonth, Receipt
from huikuan.receivables.selectors import by_customer_scope

MONTHS = 12
Months = Sequence[dt.date]
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


def _by_month(rows: QuerySet[Any], date: str, starts: Months, ends: Months) -> dict[str, list[int]]:
    """Cents of the rows' ``amount`` per currency and month (``starts[i]`` to before ``ends[i]``)."""
    sums = {
        f"m{i}": Sum(Cents("amount"), filter=Q(**{f"{date}__gte": start, f"{date}__lt": end}))
        for i, (start, end) in enumerate(zip(starts, ends, strict=True))
    }
    return {
        row["currency"]: [row[f"m{i}"] or 0 for i in range(len(starts))]
        for row in rows.order_by().values("currency").annotate(**sums)
    }


def _kept(model: type[PlannedMonth | CollectedMonth], user: User, currency: str | None) -> QuerySet[Any]:
    """The kept monthly totals within the user's scope. A user who sees only some customers gets
    their rows by customer id alone: the customers are the scope already (``customers_visible_to``
    is company-scoped), and a company filter beside them would lead SQLite to the company's index
    (in month order, for the grouping), reading every customer's months."""
    totals = _in(model.objects.all(), currency)
    if sees_whole_companies(user):
        return restrict(totals, user)
    return totals.filter(customer_id__in=customers_visible_to(user).values("pk"))


def _by_kept_month(totals: QuerySet[Any], starts: Months, ends: Months) -> dict[str, list[int]]:
    """The kept totals' cents per currency and month: grouped by their month column, which the
    company's index holds in order (one sum per row, where a filtered sum per month tests each row
    against every month)."""
    index = {start: i for i, start in enumerate(starts)}
    months: dict[str, list[int]] = {}
    rows = totals.filter(month__gte=starts[0], month__lt=ends[-1]).order_by()
    for row in rows.values("currency", "month").annotate(cents=Sum("amount_cents")):
        months.setdefault(row["currency"], [0] * len(starts))[index[row["month"]]] += row["cents"] or 0
    return months


def dashboards(*, user: User, as_of: dt.date) -> list[Dashboard]:
    """The home page figures per currency, the default currency first, then by receivable."""
    installments = by_customer_scope(Installment.objects.all(), user)
    by_currency: dict[str, Dashboard] = {}

    def of(currency: str) -> Dashboard:
        if currency not in by_currency:
            by_currency[currency] = Dashboard(as_of=as_of, currency=currency)
        return by_currency[currency]

    # one pass over the open installments, by customer: the totals are their sums, and the
    # customers owing the most overdue are the largest of the same rows (a few thousand rows at
    # most, where a second grouped pass over the overdue part cost as much again)
    open_items = installments.filter(open_amount__gt=0, booked_on__lte=as_of).order_by()
    week, month = as_of + dt.timedelta(days=7), as_of + dt.timedelta(days=30)
    cents = Cents("open_amount")
    overdue_by_customer: dict[str, list[tuple[int, int]]] = defaultdict(list)
    # grouped by customer, then currency: the order of the open installments' index, which the
    # database walks and groups as it goes (by an expression, or currency first, SQLite sorted
    # every open installment first: twice the time)
    for row in open_items.values("customer_id", "currency").annotate(
        receivable=Sum(cents),
        overdue=Sum(cents, filter=Q(due_date__lt=as_of)),
        next_7=Sum(cents, filter=Q(due_date__gte=as_of, due_date__lte=week)),
        next_30=Sum(cents, filter=Q(due_date__gte=as_of, due_date__lte=month)),
    ):
        figures = of(row["currency"])
        figures.receivable += from_cents(row["receivable"])
        figures.overdue += from_cents(row["overdue"])
        figures.due_next_7 += from_cents(row["next_7"])
        figures.due_next_30 += from_cents(row["next_30"])
        if row["overdue"]:
            overdue_by_customer[row["currency"]].append((row["customer_id"], row["overdue"]))

    # this month's planned and collected: one month of the index-only sums ``month_series`` makes
    starts, ends = [month_start(as_of)], [month_start(as_of, -1)]
    due = _planned(user, as_of, starts, ends, None)
    collected = _collected(user, as_of, starts, ends, None)
    for currency in [*due, *collected]:
        of(currency)
    if not by_currency:  # nothing yet: zeros in the default currency
        of(settings.HUIKUAN_DEFAULT_CURRENCY)
    for currency, figures in by_currency.items():
        figures.due_this_month = from_cents(due.get(currency, [0])[0])
        figures.collected_this_month = from_cents(collected.get(currency, [0])[0])

    top = {
        currency: sorted(rows, key=lambda row: (-row[1], row[0]))[:TOP_CUSTOMERS]
        for currency, rows in overdue_by_customer.items()
    }
    names = Customer.objects.in_bulk([pk for rows in top.values() for pk, _total in rows])
    for currency, rows in top.items():
        by_currency[currency].top_overdue = [
            OverdueCustomer(pk, names[pk].code, names[pk].name, from_cents(total)) for pk, total in rows if pk in names
        ]

    default = settings.HUIKUAN_DEFAULT_CURRENCY
    return sorted(by_currency.values(), key=lambda d: (d.currency != default, -d.receivable, d.currency))


def _planned(user: User, as_of: dt.date, starts: Months, ends: Months, currency: str | None) -> dict[str, list[int]]:
    """Cents that fell due per currency and month, of installments booked by ``as_of``. Today's
    (and a later day's) come from the kept monthly totals (contracts.PlannedMonth), less the
    installments of contracts signed after ``as_of``, which the totals count from their activation
    but which are not receivable yet (booked after a day from today on means signed after it: only
    ended months can be closed, so activation never books later than the signing date otherwise)."""
    if not uses_maintained_columns(as_of):
        installments = by_customer_scope(_in(Installment.objects.all(), currency), user)
        booked = installments.filter(due_date__gte=starts[0], due_date__lt=ends[-1], booked_on__lte=as_of)
        return _by_month(booked, "due_date", starts, ends)
    planned = _by_kept_month(_kept(PlannedMonth, user, currency), starts, ends)
    # almost always none: then no query of the installments at all
    signed_later = list(restrict(Contract.objects.filter(signed_on__gt=as_of), user, owner=None).values_list("pk"))
    if not signed_later:
        return planned
    later = by_customer_scope(_in(Installment.objects.all(), currency), user).filter(
        contract__in=[pk for (pk,) in signed_later],
        booked_on__gt=as_of,
        due_date__gte=starts[0],
        due_date__lt=ends[-1],
    )
    for code, cents in _by_month(later, "due_date", starts, ends).items():
        kept = planned.setdefault(code, [0] * len(starts))
        planned[code] = [total - part for total, part in zip(kept, cents, strict=True)]
    return planned


def _collected(user: User, as_of: dt.date, starts: Months, ends: Months, currency: str | None) -> dict[str, list[int]]:
    """Cents received per currency and month up to ``as_of``, of receipts not reversed today. As
    of today they are the kept monthly totals (receivables.CollectedMonth): a receipt is never dated
    after the day it is recorded."""
    if not uses_maintained_columns(as_of):
        receipts = by_customer_scope(_in(Receipt.objects.all(), currency), user)
        live = receipts.filter(received_on__gte=starts[0], received_on__lte=as_of, reversed_on__isnull=True)
        return _by_month(live, "received_on", starts, ends)
    return _by_kept_month(_kept(CollectedMonth, user, currency), starts, ends)


def _in(queryset: QuerySet[Any], currency: str | None) -> QuerySet[Any]:
    return queryset if currency is None else queryset.filter(currency=currency)


def month_series(*, user: User, as_of: dt.date, currency: str) -> list[Month]:
    """What fell due (planned) and what was received (collected) in each of the twelve months up to
    ``as_of``'s, in one currency, for what the user may see: the home page's chart."""
    starts = [month_start(as_of, back) for back in range(MONTHS - 1, -1, -1)]
    ends = [*starts[1:], month_start(as_of, -1)]
    zeros = [0] * MONTHS
    planned = _planned(user, as_of, starts, ends, currency).get(currency, zeros)
    collected = _collected(user, as_of, starts, ends, currency).get(currency, zeros)
    return [Month(start, from_cents(planned[i]), from_cents(collected[i])) for i, start in enumerate(starts)]
