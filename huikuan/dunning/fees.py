"""What a step's fee comes to (催收费用/滞纳金), per currency of the installments it is charged on:
a fixed amount, a percentage of what they owe, or late-payment interest at a yearly rate for each
installment's days overdue (actual days over 365). Worked out exactly and rounded once, half-up,
to the currency's minor unit (core.money.quantize)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from huikuan.core import money
from huikuan.dunning.choices import FeeKind
from huikuan.dunning.models import DunningStep
from huikuan.dunning.planning import CustomerPlan, DueItem

DAYS_A_YEAR = Decimal(365)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PlannedFee:
    step: DunningStep
    currency: str
    amount: Decimal
    basis: str


def fees_of(plan: CustomerPlan) -> list[PlannedFee]:
    """The fees the plan's due steps charge: one per step and currency, none that comes to zero."""
    fees = []
    for step in plan.steps():
        if not step.fee_kind:
            continue
        by_currency: dict[str, list[DueItem]] = defaultdict(list)
        for item in plan.items:
            if any(due.pk == step.pk for due, _day in item.steps):
                by_currency[item.currency].append(item)
        for currency, items in sorted(by_currency.items()):
            amount, basis = _work_out(step, currency, items)
            if amount > 0:
                fees.append(PlannedFee(step, currency, amount, basis))
    return fees


def _work_out(step: DunningStep, currency: str, items: list[DueItem]) -> tuple[Decimal, str]:
    owed = sum((item.open_amount for item in items), Decimal(0))
    rate = step.fee_value.normalize()
    if step.fee_kind == FeeKind.FIXED:
        return money.quantize(step.fee_value, currency), _("fixed fee")
    if step.fee_kind == FeeKind.PERCENT:
        amount = money.quantize(owed * step.fee_value / HUNDRED, currency)
        return amount, _("%(rate)s%% of %(currency)s %(owed)s") % {
            "rate": rate,
            "currency": currency,
            "owed": money.display(owed),
        }
    amount_days = sum((item.open_amount * max(item.days_overdue, 0) for item in items), Decimal(0))
    amount = money.quantize(amount_days * step.fee_value / HUNDRED / DAYS_A_YEAR, currency)
    return amount, _("%(rate)s%% a year on %(currency)s %(owed)s for its days overdue") % {
        "rate": rate,
        "currency": currency,
        "owed": money.display(owed),
    }
