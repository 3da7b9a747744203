"""Contract row locks. Contracts come after receipts and before installments in the one lock order
of huikuan/core/DESIGN.md."""

from collections.abc import Iterable

from django.db.models import QuerySet

from huikuan.contracts.models import Contract
from huikuan.core.locking import for_update


def contract_for_update(pk: int) -> Contract:
    return for_update(Contract.objects.select_related("customer", "company")).get(pk=pk)


def contracts_for_update(pks: Iterable[int] | QuerySet) -> dict[int, Contract]:
    """Lock contracts by pk; ``pks`` may be a values queryset, read inside the locking query."""
    wanted = pks if isinstance(pks, QuerySet) else sorted(set(pks))
    rows = for_update(Contract.objects).filter(pk__in=wanted).order_by("pk")
    return {row.pk: row for row in rows}
