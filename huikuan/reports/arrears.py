"""Customer arrears (客户欠款): customers ranked by what they owe overdue on a date, with their
balance, the oldest overdue item, credit limit and last payment, for the collectors and the
finance manager.

The amounts are the aging's customer lines (``aging.aging_report``), so the ranking agrees with the
aging to the cent; the oldest overdue due date, the credit limit and the last payment are read for
the lines shown only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min, Q, TextChoices
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.contracts.models import Installment
from huikuan.core.money import ZERO
from huikuan.customers.models import Customer
from huikuan.receivables import figures
from huikuan.receivables.models import Receipt
from huikuan.reports.aging import AgingLine, AgingSort, aging_report


class ArrearsSort(TextChoices):
    OVERDUE = "overdue", _("Largest overdue first")
    BALANCE = "balance", _("Largest balance first")


@dataclass
class ArrearsLine:
    rank: int
    aging: AgingLine
    owner: str = ""
    credit_limit: Decimal = ZERO
    oldest_due: dt.date | None = None
    last_payment: dt.date | None = None
    as_of: dt.date | None = None

    @property
    def customer_id(self) -> int:
        return self.aging.customer_id or 0

    @property
    def days_overdue(self) -> int | None:
        """Days the oldest overdue item is overdue on the date."""
        if self.oldest_due is None or self.as_of is None:
            return None
        return (self.as_of - self.oldest_due).days

    @property
    def overdue_share(self) -> Decimal | None:
        total = self.aging.total
        return None if not total else (self.aging.overdue / total * 100).quantize(Decimal("0.1"))

    @property
    def over_limit(self) -> Decimal:
        """How far the balance is above the credit limit (0 if within it, or no limit is set)."""
        net = self.aging.net or ZERO
        if self.credit_limit <= 0 or net <= self.credit_limit:
            return ZERO
        return net - self.credit_limit


def arrears_ranking(
    *,
    user: User,
    as_of: dt.date,
    currency: str | None = None,
    owner_id: int | None = None,
    sort: str = ArrearsSort.OVERDUE,
    default_currency: str = "CNY",
) -> tuple[list[AgingLine], list[AgingLine]]:
    """The customers with something open or unapplied on the date, in rank order, and the totals
    per currency. ``describe`` adds the details of the lines shown."""
    report = aging_report(
        user=user,
        as_of=as_of,
        currency=currency,
        owner_id=owner_id,
        sort=AgingSort.OVERDUE,
        default_currency=default_currency,
    )
    lines = report.lines
    if sort == ArrearsSort.BALANCE:
        lines.sort(key=lambda line: (-(line.net or ZERO), -line.overdue))
    return lines, report.totals


def describe(lines: Sequence[AgingLine], *, as_of: dt.date, first_rank: int = 1) -> list[ArrearsLine]:
    """The shown lines with their names, owners, credit limits, oldest overdue due dates and last
    payments: a few queries for the page, whatever the number of customers."""
    ids = sorted({line.customer_id for line in lines if line.customer_id})
    customers = {
        customer.pk: customer for customer in Customer.objects.filter(pk__in=ids).select_related("owner", "company")
    }
    oldest: dict[tuple[int, str], dt.date] = {}
    installments = Installment.objects.filter(customer_id__in=ids, due_date__lt=as_of)
    for rows in figures.open_parts(installments, as_of):
        for row in rows.order_by().values("customer_id", "currency").annotate(first=Min("due_date")):
            key = (row["customer_id"], row["currency"])
            oldest[key] = min(oldest.get(key, row["first"]), row["first"])
    live = Q(reversed_on__isnull=True) | Q(reversed_on__gt=as_of)
    payments = Receipt.objects.filter(Q(customer_id__in=ids, received_on__lte=as_of) & live).order_by()
    last = {
        (row["customer_id"], row["currency"]): row["last"]
        for row in payments.values("customer_id", "currency").annotate(last=Max("received_on"))
    }
    described = []
    for rank, line in enumerate(lines, start=first_rank):
        customer = customers.get(line.customer_id or 0)
        if customer is not None:
            line.code, line.label = customer.code, customer.name
        key = (line.customer_id or 0, line.currency)
        described.append(
            ArrearsLine(
                rank=rank,
                aging=line,
                owner=(customer.owner.get_full_name() or customer.owner.username) if customer else "",
                credit_limit=_limit_in(customer, line.currency),
                oldest_due=oldest.get(key),
                last_payment=last.get(key),
                as_of=as_of,
            )
        )
    return described


def _limit_in(customer: Customer | None, currency: str) -> Decimal:
    """The customer's credit limit, which is in the company's currency: none for other currencies."""
    if customer is None or currency != customer.company.currency:
        return ZERO
    return customer.credit_limit
