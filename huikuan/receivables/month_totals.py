"""What was paid per customer, currency and month (``CollectedMonth``): receipts by the month they
were received, kept by the receipt services. Recording a receipt adds it; reversing it takes it
out of the month it was received in (the chart shows money that stayed paid)."""

from __future__ import annotations

from huikuan.core.dates import month_start
from huikuan.core.money import to_cents
from huikuan.customers import month_totals
from huikuan.receivables.models import CollectedMonth, Receipt


def add_receipt(receipt: Receipt, *, sign: int = 1) -> None:
    """Count a receipt just recorded (``sign`` 1) or take out one just reversed (``sign`` −1)."""
    key = (receipt.company_id, receipt.customer_id, receipt.currency, month_start(receipt.received_on))
    month_totals.add(CollectedMonth, {key: sign * to_cents(receipt.amount)})


def recomputed(company_id: int) -> month_totals.Totals:
    """The company's totals from its receipts not reversed."""
    live = Receipt.objects.filter(company_id=company_id, reversed_on__isnull=True)
    return month_totals.month_sums(live, date="received_on", amount="amount")


def rebuild(company_id: int) -> None:
    """Recompute the company's totals from its receipts (after a bulk load)."""
    month_totals.replace_totals(CollectedMonth, company_id=company_id, sums=recomputed(company_id))
