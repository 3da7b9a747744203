"""Contract row locks. Contracts come after receipts and before installments in the one lock order
of huikuan/core/DESIGN.md."""

from collections.abc import Iterable

from huikuan.contracts.models import Contract
from huikuan.core.locking import for_update


def contract_for_update(pk: int) -> Contract:
    return for_update(Contract.objects.select_related("customer", "company")).get(pk=pk)


def contracts_for_update(pks: Iterable[int]) -> dict[int, Contract]:
    rows = for_update(Contract.objects).filter(pk__in=sorted(set(pks))).order_by("pk")
    return {row.pk: row for row in rows}
