"""Credit notes, discounts and write-offs (调整): reductions of what an installment asks for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_visible
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.contracts.models import Installment
from huikuan.core import money
from huikuan.core.dates import require_business_date, require_not_future, require_order, today
from huikuan.core.errors import DomainError, require_reason
from huikuan.core.locking import for_update
from huikuan.periods.services import require_open
from huikuan.receivables.choices import AdjustmentKind
from huikuan.receivables.errors import ReceivableErrorCode as Code
from huikuan.receivables.lock_objects import installments_for_update
from huikuan.receivables.models import Adjustment
from huikuan.receivables.services.limits import require_installment_room
from huikuan.receivables.services.reversal import mark_reversed, reversal_date
from huikuan.receivables.services.settlement import refresh_installment


def _perm_for(kind: str) -> str:
    return Perm.WRITE_OFF if kind == AdjustmentKind.WRITE_OFF else Perm.ADJUSTMENT_CHANGE


@transaction.atomic
def adjustment_create(
    *,
    actor: User,
    installment: Installment,
    kind: str,
    amount: Decimal,
    reason: str,
    effective_on: dt.date | None = None,
) -> Adjustment:
    """Reduce an installment's open amount by a credit note, discount or write-off, with a reason.
    Write-offs need the write-off permission. Raises DomainError."""
    if kind not in AdjustmentKind.values:
        raise DomainError(Code.INVALID_KIND, _("Unknown adjustment kind."), field="kind")
    require(actor, _perm_for(kind))
    reason = require_reason(reason)
    require_visible(actor, installment)
    installment = installments_for_update([installment.pk])[installment.pk]
    if installment.booked_on is None:
        raise DomainError(Code.NOT_RECEIVABLE, _("The installment's contract is not active."), field="installment")
    amount = money.validate_amount(amount, installment.currency)
    if amount > installment.open_amount:
        raise DomainError(
            Code.EXCEEDS_INSTALLMENT,
            _("Only %(open)s of the installment is open.") % {"open": money.display(installment.open_amount)},
            field="amount",
        )
    effective_on = effective_on or today()
    require_not_future(effective_on, field="effective_on")
    require_business_date(effective_on, field="effective_on")
    require_open(company_id=installment.company_id, day=effective_on, field="effective_on")
    require_order(
        installment.booked_on,
        effective_on,
        field="effective_on",
        message=_("An adjustment cannot take effect before the contract was signed."),
    )
    require_installment_room(installment, amount=amount, effective_on=effective_on)
    adjustment = Adjustment.objects.create(
        company_id=installment.company_id,
        installment=installment,
        customer_id=installment.customer_id,
        kind=kind,
        amount=amount,
        effective_on=effective_on,
        reason=reason,
        created_by=actor,
    )
    refresh_installment(installment)
    audit.record(
        action=AuditAction(f"adjustment.{kind}"), target=adjustment, actor=actor, reason=reason, data={"amount": amount}
    )
    return adjustment


@transaction.atomic
def adjustment_reverse(
    *, actor: User, adjustment: Adjustment, reason: str, reversed_on: dt.date | None = None
) -> Adjustment:
    """Undo an adjustment from a date on; the amount is open again. Raises DomainError."""
    require(actor, _perm_for(adjustment.kind))
    reason = require_reason(reason)
    require_visible(actor, adjustment)
    installment = installments_for_update([adjustment.installment_id])[adjustment.installment_id]
    adjustment = for_update(Adjustment.objects).get(pk=adjustment.pk)
    reversed_on = reversal_date(adjustment, starts_on=adjustment.effective_on, reversed_on=reversed_on)
    require_open(company_id=adjustment.company_id, day=reversed_on, field="reversed_on")
    mark_reversed([adjustment], actor=actor, reason=reason, reversed_on=reversed_on)
    refresh_installment(installment)
    audit.record(action=AuditAction.ADJUSTMENT_REVERSED, target=adjustment, actor=actor, reason=reason)
    return adjustment
