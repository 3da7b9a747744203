"""Contract figures computed inside the database, for lists that filter on them: the money a
contract's installments have collected today, and the share of its amount that makes.

``figures.summarize_installments`` gives the same collected figure for the contracts of a page
(from their installments, any date); this module lets the database pick the contracts before
paging, so a filter on the collected share is one query however many contracts match. Today's
figure only: it reads the maintained ``Installment.collected_amount`` (money allocated to the
installment and in effect today), written by ``services.settlement``.

Amounts are compared in whole cents (``money.Cents``): SQLite keeps decimals as binary floating
point (figures.py)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import ExpressionWrapper, F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from huikuan.contracts.models import Contract, Installment
from huikuan.core.money import Cents

HUNDRED = Decimal(100)
# shares are compared in basis points (1/100 of a percent), so the comparison stays in integers
BASIS_POINTS = 10_000


def collected_cents() -> Coalesce:
    """The money a contract's installments have collected today, in cents (0 without any)."""
    sums = (
        Installment.objects.filter(contract_id=OuterRef("pk"))
        .order_by()
        .values("contract_id")
        .annotate(total=Sum(Cents("collected_amount")))
        .values("total")
    )
    return Coalesce(Subquery(sums, output_field=IntegerField()), Value(0))


def with_collected_cents(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """The contracts annotated with ``collected_cents`` (today)."""
    return contracts.annotate(collected_cents=collected_cents())


def _basis_points(percent: Decimal) -> int:
    """A percentage (0-100, at most two places) in whole basis points, rounded down: the bound
    stays as the user typed it for the two places a page accepts."""
    return int(percent * HUNDRED)


def collected_share_between(
    contracts: QuerySet[Contract], *, at_least: Decimal | None = None, at_most: Decimal | None = None
) -> QuerySet[Contract]:
    """The contracts whose collected money today is at least ``at_least`` and at most ``at_most``
    percent of their amount (either bound may be None; both inclusive). Exact in integers:
    collected × 10,000 compared with the bound in basis points × amount, both in cents."""
    if at_least is None and at_most is None:
        return contracts
    annotated = with_collected_cents(contracts).annotate(
        collected_scaled=ExpressionWrapper(F("collected_cents") * BASIS_POINTS, output_field=IntegerField()),
        amount_cents=Cents("amount"),
    )
    if at_least is not None:
        annotated = annotated.filter(
            collected_scaled__gte=ExpressionWrapper(
                F("amount_cents") * _basis_points(at_least), output_field=IntegerField()
            )
        )
    if at_most is not None:
        annotated = annotated.filter(
            collected_scaled__lte=ExpressionWrapper(
                F("amount_cents") * _basis_points(at_most), output_field=IntegerField()
            )
        )
    return annotated
