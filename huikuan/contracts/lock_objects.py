"""Contract row locks. Contracts come after receipts and before installments in the one lock order
of huikuan/core/DESIGN.md. The queries are compiled once (``core.compiled``): every settling
service runs them."""

from collections.abc import Iterable

from django.db.models import QuerySet

from huikuan.contracts.models import Contract, Installment
from huikuan.core import compiled
from huikuan.core.locking import for_update


def _contracts(*pks: int) -> QuerySet[Contract]:
    return for_update(Contract.objects).filter(pk__in=pks).order_by("pk")


def _contracts_of_installments(*pks: int) -> QuerySet[Contract]:
    # the installments' contracts read inside the locking query: one statement, no second read
    wanted = Installment.objects.filter(pk__in=pks).values("contract_id")
    return for_update(Contract.objects).filter(pk__in=wanted).order_by("pk")


def contracts_for_update(pks: Iterable[int]) -> dict[int, Contract]:
    """Lock contracts by pk."""
    wanted = sorted(set(pks))
    return {row.pk: row for row in compiled.run("contracts_for_update", _contracts, *wanted)}


def contracts_of_installments_for_update(installment_pks: Iterable[int]) -> dict[int, Contract]:
    """Lock the contracts of the installments, before the installments themselves."""
    wanted = sorted(set(installment_pks))
    if not wanted:
        return {}
    rows = compiled.run("contracts_of_installments_for_update", _contracts_of_installments, *compiled.padded(wanted))
    return {row.pk: row for row in rows}
