"""Row locks of the receivables services, in the one order of huikuan/core/DESIGN.md: receipt, then the
contracts of the installments, then the installments, each set by pk. A service that settles an
installment also refreshes its contract's completion, and milestone recording locks the contract
before its installments: taking the contract first here keeps the two from waiting on each other
in opposite orders (a deadlock on PostgreSQL)."""

from collections.abc import Iterable

from huikuan.contracts.lock_objects import contracts_for_update
from huikuan.contracts.models import Installment
from huikuan.core.locking import for_update
from huikuan.receivables.models import Receipt


def receipt_for_update(pk: int) -> Receipt:
    return for_update(Receipt.objects.select_related("customer")).get(pk=pk)


def installments_for_update(pks: Iterable[int]) -> dict[int, Installment]:
    """Lock the installments, after their contracts."""
    pks = sorted(set(pks))
    contracts_for_update(Installment.objects.filter(pk__in=pks).values_list("contract_id", flat=True))
    rows = for_update(Installment.objects).filter(pk__in=pks).order_by("pk")
    return {row.pk: row for row in rows}
