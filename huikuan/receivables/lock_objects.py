"""Row locks of the receivables services, in the one order of huikuan/core/DESIGN.md: receipt, then the
contracts of the installments, then the installments, each set by pk. A service that settles an
installment also refreshes its contract's completion, and milestone recording locks the contract
before its installments: taking the contract first here keeps the two from waiting on each other
in opposite orders (a deadlock on PostgreSQL)."""

from collections.abc import Iterable

from huikuan.accounts.models import User
from huikuan.accounts.scope import lock_visible
from huikuan.contracts.lock_objects import contracts_for_update
from huikuan.contracts.models import Installment
from huikuan.core.locking import for_update
from huikuan.receivables.models import Receipt


def receipt_for_update(pk: int, *, visible_to: User | None = None) -> Receipt:
    """Lock a receipt; with ``visible_to``, only one that user may see (else NotPermitted)."""
    receipts = Receipt.objects.select_related("customer")
    if visible_to is not None:
        return lock_visible(receipts, visible_to, pk)
    return for_update(receipts).get(pk=pk)


def installments_for_update(pks: Iterable[int]) -> dict[int, Installment]:
    """Lock the installments, after their contracts."""
    pks = sorted(set(pks))
    contracts = contracts_for_update(Installment.objects.filter(pk__in=pks).values("contract_id"))
    rows = for_update(Installment.objects).filter(pk__in=pks).order_by("pk")
    locked = {}
    for row in rows:
        row.contract = contracts[row.contract_id]  # the locked row: no query when it is read later
        locked[row.pk] = row
    return locked
