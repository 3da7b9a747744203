"""Row locks in one fixed order (receipts before installments, each by pk) so that two services
never wait on each other in opposite orders."""

from collections.abc import Iterable

from huikuan.contracts.models import Installment
from huikuan.core.locking import for_update
from huikuan.receivables.models import Receipt


def receipt_for_update(pk: int) -> Receipt:
    return for_update(Receipt.objects.select_related("customer")).get(pk=pk)


def installments_for_update(pks: Iterable[int]) -> dict[int, Installment]:
    rows = for_update(Installment.objects).filter(pk__in=sorted(set(pks))).order_by("pk")
    return {row.pk: row for row in rows}
