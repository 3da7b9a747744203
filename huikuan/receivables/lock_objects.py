"""Row locks of the receivables services, in the one order of huikuan/core/DESIGN.md: receipt, then the
contracts of the installments, then the installments, each set by pk. A service that settles an
installment also refreshes its contract's completion, and milestone recording locks the contract
before its installments: taking the contract first here keeps the two from waiting on each other
in opposite orders (a deadlock on PostgreSQL). The queries are compiled once (``core.compiled``):
every allocation runs them."""

from collections.abc import Iterable

from django.db.models import QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.scope import lock_visible
from huikuan.contracts.lock_objects import contracts_of_installments_for_update
from huikuan.contracts.models import Installment
from huikuan.core import compiled
from huikuan.core.locking import for_update
from huikuan.receivables.models import Receipt


def _receipt(pk: int) -> QuerySet[Receipt]:
    return for_update(Receipt.objects.select_related("customer")).filter(pk=pk)


def receipt_for_update(pk: int, *, visible_to: User | None = None) -> Receipt:
    """Lock a receipt; with ``visible_to``, only one that user may see (else NotPermitted)."""
    if visible_to is not None:
        return lock_visible(Receipt, visible_to, pk, related=("customer",))
    rows = compiled.run("receipt_for_update", _receipt, pk)
    if not rows:
        raise Receipt.DoesNotExist(f"no receipt {pk}")
    return rows[0]


def _installments(*pks: int) -> QuerySet[Installment]:
    return for_update(Installment.objects).filter(pk__in=pks).order_by("pk")


def installments_for_update(pks: Iterable[int]) -> dict[int, Installment]:
    """Lock the installments, after their contracts."""
    wanted = sorted(set(pks))
    contracts = contracts_of_installments_for_update(wanted)
    locked = {}
    for row in compiled.run("installments_for_update", _installments, *compiled.padded(wanted)) if wanted else []:
        row.contract = contracts[row.contract_id]  # the locked row: no query when it is read later
        locked[row.pk] = row
    return locked
