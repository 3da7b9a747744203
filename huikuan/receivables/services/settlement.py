"""Keeping the maintained figures (installment open amount, collected amount, what settled it and
when; receipt allocated amount) equal to what the dated rows say. Called inside the writing
service's transaction, after it locked the rows. The only writer of these columns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Max, Min, Q, Sum

from huikuan.contracts.models import Installment
from huikuan.contracts.services import contract_refresh_completion
from huikuan.core.money import Cents, from_cents
from huikuan.receivables.choices import AdjustmentKind
from huikuan.receivables.figures import settled_status
from huikuan.receivables.models import Adjustment, Allocation, Receipt

ACTIVE = Q(reversed_on__isnull=True)
WRITE_OFF = Q(kind=AdjustmentKind.WRITE_OFF)


def refresh_installment(installment: Installment) -> Installment:
    """Recompute open amount, collected amount, settled status and dates from allocations and
    adjustments, summed in whole cents (exact on every database).

    ``settled_on`` is the last date on which any of its rows took effect or was reversed; from then
    on the open amount stays zero, so a past-date report can skip installments settled by then.
    ``settled_status`` says what cleared it (``figures.settled_status``), blank while open.
    ``first_effective_on`` is the earliest date any of its rows took effect: before it the open
    amount is the whole amount, so a past-date report sums rows only for installments touched by then."""
    pk = installment.pk
    allocations = Allocation.objects.filter(installment_id=pk).aggregate(
        active=Sum(Cents("amount"), filter=ACTIVE),
        last_effective=Max("effective_on"),
        last_reversed=Max("reversed_on"),
        first_effective=Min("effective_on"),
    )
    adjustments = Adjustment.objects.filter(installment_id=pk).aggregate(
        active=Sum(Cents("amount"), filter=ACTIVE),
        written_off=Sum(Cents("amount"), filter=ACTIVE & WRITE_OFF),
        last_effective=Max("effective_on"),
        last_reversed=Max("reversed_on"),
        first_effective=Min("effective_on"),
    )
    collected, adjusted = from_cents(allocations["active"]), from_cents(adjustments["active"])
    written_off = from_cents(adjustments["written_off"])
    last_dates = [
        figures[name]
        for figures in (allocations, adjustments)
        for name in ("last_effective", "last_reversed")
        if figures[name]
    ]
    first_dates = [figures["first_effective"] for figures in (allocations, adjustments) if figures["first_effective"]]
    installment.open_amount = installment.amount - collected - adjusted
    installment.collected_amount = collected
    settled = installment.open_amount == 0 and bool(last_dates)
    installment.settled_on = max(last_dates) if settled else None
    installment.settled_status = (
        settled_status(collected=collected, credited=adjusted - written_off, written_off=written_off) if settled else ""
    )
    installment.first_effective_on = min(first_dates, default=None)
    installment.save(
        update_fields=["open_amount", "collected_amount", "settled_status", "settled_on", "first_effective_on"]
    )
    contract_refresh_completion(installment.contract_id)
    return installment


def apply_allocation(installment: Installment, *, amount: Decimal, effective_on: dt.date) -> Installment:
    """The figures after one new allocation of a locked installment: while the installment stays
    open only its open and collected amounts and first date change, so they are updated in place
    (the write path of every receipt); when the allocation settles it, ``refresh_installment``
    recomputes everything, settled date and status included, from the dated rows."""
    open_amount = installment.open_amount - amount
    if open_amount <= 0:
        return refresh_installment(installment)
    installment.open_amount = open_amount
    installment.collected_amount += amount
    installment.first_effective_on = min(filter(None, (installment.first_effective_on, effective_on)))
    installment.save(update_fields=["open_amount", "collected_amount", "first_effective_on"])
    return installment


def refresh_receipt(receipt: Receipt) -> Receipt:
    allocated = Allocation.objects.filter(ACTIVE, receipt_id=receipt.pk).aggregate(total=Sum(Cents("amount")))["total"]
    receipt.allocated_amount = from_cents(allocated)
    receipt.save(update_fields=["allocated_amount"])
    return receipt
