"""What falls due per customer, currency and month (``PlannedMonth``), kept by the services that
book installments (activation) or give booked ones a due date (a milestone reached). A booked
installment's amount, due date, currency and customer never change after, so nothing is ever
taken out. Installments waiting on a milestone count from the day they get their due date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from huikuan.contracts.models import Installment, PlannedMonth
from huikuan.core.dates import month_start
from huikuan.core.money import to_cents
from huikuan.customers import month_totals


def add_booked(installments: Iterable[Installment]) -> None:
    """Count booked installments with a due date in their months: call once per installment, when
    it has both (in the transaction that gives it the second)."""
    deltas: month_totals.Totals = defaultdict(int)
    for installment in installments:
        if installment.booked_on is None or installment.due_date is None:
            continue
        key = (installment.company_id, installment.customer_id, installment.currency, month_start(installment.due_date))
        deltas[key] += to_cents(installment.amount)
    month_totals.add(PlannedMonth, deltas)


def recomputed(company_id: int) -> month_totals.Totals:
    """The company's totals from its installments."""
    booked = Installment.objects.filter(company_id=company_id, booked_on__isnull=False, due_date__isnull=False)
    return month_totals.month_sums(booked, date="due_date", amount="amount")


def rebuild(company_id: int) -> None:
    """Recompute the company's totals from its installments (after a bulk load)."""
    month_totals.replace_totals(PlannedMonth, company_id=company_id, sums=recomputed(company_id))
