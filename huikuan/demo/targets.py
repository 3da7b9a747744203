"""Collection targets (回款目标) for the demo's sales reps: each month of this year, 90 % of what
their customers have falling due then, in round ten-thousands, set by the finance manager through
the service (audited like any other), so the plan-vs-actual report has something to measure."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from huikuan.accounts.models import Company, User
from huikuan.contracts.models import PlannedMonth
from huikuan.core.dates import today
from huikuan.reports.services import target_set

SHARE = Decimal("0.9")
ROUND_TO = 10_000


def set_targets(*, company: Company, finance: User, owners: list[User], currency: str = "CNY") -> int:
    """Set this year's monthly targets of ``owners``; returns how many were set."""
    year = today().year
    made = 0
    for owner in owners:
        planned = (
            PlannedMonth.objects.filter(company=company, currency=currency, month__year=year, customer__owner=owner)
            .values("month")
            .annotate(cents=Sum("amount_cents"))
        )
        for row in planned:
            amount = Decimal(row["cents"] or 0) / 100 * SHARE
            rounded = (amount // ROUND_TO) * ROUND_TO
            target_set(actor=finance, owner=owner, month=row["month"], currency=currency, amount=rounded)
            made += 1
    return made
