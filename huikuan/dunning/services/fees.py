"""Confirming or cancelling the fees and interest a dunning step proposed (DunningFee). Confirmed,
a fee becomes a receivable like any other: a contract of its own ("dunning fee") with one
installment due on the day of confirmation, which the customer's statement, aging and dunning
then include."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_visible
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.contracts.services import contract_activate, contract_create, contract_set_installments
from huikuan.core.dates import require_business_date, require_not_future
from huikuan.core.errors import DomainError, require_reason
from huikuan.core.locking import for_update
from huikuan.customers.models import Customer
from huikuan.dunning import texts
from huikuan.dunning.choices import FeeStatus
from huikuan.dunning.errors import DunningErrorCode as Code
from huikuan.dunning.models import DunningFee


def _locked(actor: User, fee: DunningFee) -> DunningFee:
    require(actor, Perm.FEE_CONFIRM)
    customer = Customer.objects.get(pk=fee.customer_id)
    require_visible(actor, customer, owner="owner")
    for_update(Customer.objects).get(pk=customer.pk)  # lock order: the customer first
    fee = for_update(DunningFee.objects.select_related("step", "customer")).get(pk=fee.pk)
    if fee.status != FeeStatus.PROPOSED:
        raise DomainError(Code.NOT_OPEN, _("The fee has been decided already."))
    return fee


@transaction.atomic
def fee_confirm(*, actor: User, fee: DunningFee, on: dt.date) -> DunningFee:
    """Make a proposed fee owed from ``on``. Raises DomainError."""
    require_business_date(on, field="on")
    require_not_future(on, field="on")
    fee = _locked(actor, fee)
    with translation.override(texts.language_of("")):
        title = _("Dunning fee: %(step)s") % {"step": fee.step.name}
    contract = contract_create(
        actor=actor,
        customer=fee.customer,
        title=title[:200],
        signed_on=on,
        amount=fee.amount,
        currency=fee.currency,
        notes=fee.basis,
        vat_rate=Decimal(0),
        charges_only=True,
    )
    contract_set_installments(
        actor=actor, contract=contract, installments=[{"amount": fee.amount, "due_date": on, "label": title[:100]}]
    )
    contract_activate(actor=actor, contract=contract)
    fee.status, fee.contract, fee.decided_by, fee.decided_at = FeeStatus.CONFIRMED, contract, actor, timezone.now()
    fee.save(update_fields=["status", "contract", "decided_by", "decided_at"])
    audit.record(
        action=AuditAction.DUNNING_FEE_CONFIRMED,
        target=fee,
        actor=actor,
        data={"amount": fee.amount, "currency": fee.currency, "contract": contract.number},
    )
    return fee


@transaction.atomic
def fee_cancel(*, actor: User, fee: DunningFee, reason: str) -> DunningFee:
    """Waive a proposed fee, with the reason. Raises DomainError."""
    reason = require_reason(reason)
    fee = _locked(actor, fee)
    fee.status, fee.reason, fee.decided_by, fee.decided_at = FeeStatus.CANCELLED, reason[:500], actor, timezone.now()
    fee.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(action=AuditAction.DUNNING_FEE_CANCELLED, target=fee, actor=actor, reason=reason)
    return fee
