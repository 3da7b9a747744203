"""Keeping the maintained figures (installment open amount and settled date, receipt allocated
amount) equal to what the dated rows say. Called inside the writing service's transaction, after
it locked the rows."""

from __future__ import annotations

from django.db.models import Max, Min, Q, Sum

from huikuan.contracts.models import Installment
from huikuan.contracts.services import contract_refresh_completion
from huikuan.core.money import ZERO
from huikuan.receivables.models import Adjustment, Allocation, Receipt

ACTIVE = Q(reversed_on__isnull=True)


def refresh_installment(installment: Installment) -> Installment:
    """Recompute open amount and settled date from allocations and adjustments.

    ``settled_on`` is the last date on which any of its rows took effect or was reversed; from then
    on the open amount stays zero, so a past-date report can skip installments settled by then.
    ``first_effective_on`` is the earliest date any of its rows took effect: before it the open
    amount is the whole amount, so a past-date report sums rows only for installments touched by then."""
    pk = installment.pk
    applied = ZERO
    last_dates = []
    first_dates = []
    for model in (Allocation, Adjustment):
        figures = model.objects.filter(installment_id=pk).aggregate(
            active=Sum("amount", filter=ACTIVE),
            last_effective=Max("effective_on"),
            last_reversed=Max("reversed_on"),
            first_effective=Min("effective_on"),
        )
        applied += figures["active"] or ZERO
        last_dates += [d for d in (figures["last_effective"], figures["last_reversed"]) if d]
        first_dates += [figures["first_effective"]] if figures["first_effective"] else []
    installment.open_amount = installment.amount - applied
    installment.settled_on = max(last_dates) if installment.open_amount == 0 and last_dates else None
    installment.first_effective_on = min(first_dates, default=None)
    installment.save(update_fields=["open_amount", "settled_on", "first_effective_on"])
    contract_refresh_completion(installment.contract_id)
    return installment


def refresh_receipt(receipt: Receipt) -> Receipt:
    allocated = Allocation.objects.filter(ACTIVE, receipt_id=receipt.pk).aggregate(total=Sum("amount"))["total"]
    receipt.allocated_amount = allocated or ZERO
    receipt.save(update_fields=["allocated_amount"])
    return receipt
