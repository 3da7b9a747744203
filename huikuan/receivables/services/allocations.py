"""Matching receipts to installments (核销): by hand, suggested, automatic, and reversed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_visible
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.contracts.models import Installment
from huikuan.core import compiled, money, rows
from huikuan.core.dates import require_business_date, require_not_future, require_order
from huikuan.core.errors import DomainError, require_reason
from huikuan.core.locking import for_update
from huikuan.periods.services import open_date, require_open
from huikuan.receivables.errors import ReceivableErrorCode as Code
from huikuan.receivables.lock_objects import installments_for_update, receipt_for_update
from huikuan.receivables.models import Allocation, Receipt
from huikuan.receivables.services.limits import (
    first_day_with_room,
    require_installment_room,
    require_receipt_room,
)
from huikuan.receivables.services.reversal import mark_reversed, reversal_date
from huikuan.receivables.services.settlement import apply_allocation, refresh_installment, refresh_receipt


@dataclass(frozen=True)
class AllocationLine:
    installment: Installment
    amount: Decimal


def _check_pair(receipt: Receipt, installment: Installment) -> None:
    if receipt.is_reversed:
        raise DomainError(Code.RECEIPT_REVERSED, _("The receipt is reversed."), field="receipt")
    if installment.customer_id != receipt.customer_id:
        raise DomainError(
            Code.OTHER_CUSTOMER,
            _("A receipt can only be allocated to installments of its own customer."),
            field="installment",
        )
    if installment.currency != receipt.currency:
        raise DomainError(
            Code.OTHER_CURRENCY,
            _("The installment is in %(installment)s, the receipt in %(receipt)s.")
            % {"installment": installment.currency, "receipt": receipt.currency},
            field="installment",
        )
    if installment.booked_on is None:
        raise DomainError(Code.NOT_RECEIVABLE, _("The installment's contract is not active."), field="installment")


def _effective_date(receipt: Receipt, installment: Installment, effective_on: dt.date | None) -> dt.date:
    if effective_on is None:
        # _check_pair has refused an installment that is not booked. An old receipt matched now
        # takes effect in the open period: the closed months keep the figures they reported.
        earliest = max(receipt.received_on, cast(dt.date, installment.booked_on))
        return open_date(company_id=receipt.company_id, day=earliest)
    require_not_future(effective_on, field="effective_on")
    require_business_date(effective_on, field="effective_on")
    require_open(company_id=receipt.company_id, day=effective_on, field="effective_on")
    require_order(
        receipt.received_on,
        effective_on,
        field="effective_on",
        message=_("An allocation cannot take effect before the money was received."),
    )
    require_order(
        installment.booked_on,
        effective_on,
        field="effective_on",
        message=_("An allocation cannot take effect before the contract was signed."),
    )
    return effective_on


def _allocate_locked(
    *, receipt: Receipt, installment: Installment, amount: Decimal, actor: User, effective_on: dt.date | None
) -> Allocation:
    _check_pair(receipt, installment)
    amount = money.validate_amount(amount, receipt.currency)
    if amount > receipt.amount - receipt.allocated_amount:
        raise DomainError(
            Code.EXCEEDS_RECEIPT,
            _("Only %(left)s of the receipt is unallocated.") % {"left": receipt.amount - receipt.allocated_amount},
            field="amount",
        )
    if amount > installment.open_amount:
        raise DomainError(
            Code.EXCEEDS_INSTALLMENT,
            _("Only %(open)s of the installment is open.") % {"open": installment.open_amount},
            field="amount",
        )
    effective = _effective_date(receipt, installment, effective_on)
    if effective_on is None:
        # the first day from which the amount fits both on every later day: rule 3 holds by
        # construction, and the two checks below would read and test the same rows again
        effective = first_day_with_room(installment, receipt, amount=amount, start=effective)
    else:
        require_installment_room(installment, amount=amount, effective_on=effective)
        require_receipt_room(receipt, amount=amount, effective_on=effective)
    # the receipt is locked: its allocated amount grows by each allocation, written with it in
    # one round trip on PostgreSQL, with no need to sum them again
    receipt.allocated_amount += amount
    allocation = rows.insert(
        Allocation(
            company_id=receipt.company_id,
            receipt=receipt,
            installment=installment,
            customer_id=receipt.customer_id,
            amount=amount,
            effective_on=effective,
            created_by=actor,
        ),
        along=rows.update_statement(receipt, ["allocated_amount"]),
    )
    apply_allocation(installment, amount=amount, effective_on=allocation.effective_on)
    audit.record(
        action=AuditAction.ALLOCATION_CREATED,
        target=allocation,
        actor=actor,
        data={"receipt": receipt.pk, "installment": installment.pk, "amount": amount},
    )
    return allocation


@transaction.atomic
def allocation_create(
    *,
    actor: User,
    receipt: Receipt,
    installment: Installment,
    amount: Decimal,
    effective_on: dt.date | None = None,
) -> Allocation:
    """Apply part of a receipt to one installment. Never more than the receipt has unallocated nor
    more than the installment has open, even under concurrent users (DOMAIN.md rule 3).
    Raises DomainError."""
    require(actor, Perm.ALLOCATION_CHANGE)
    receipt = receipt_for_update(receipt.pk, visible_to=actor)
    return _allocate(
        actor=actor, receipt=receipt, lines=[AllocationLine(installment, amount)], effective_on=effective_on
    )[0]


@transaction.atomic
def allocations_create(
    *, actor: User, receipt: Receipt, lines: list[AllocationLine], effective_on: dt.date | None = None
) -> list[Allocation]:
    """Apply a receipt to several installments at once: all or nothing. Raises DomainError."""
    require(actor, Perm.ALLOCATION_CHANGE)
    if not lines:
        raise DomainError(Code.NOTHING_TO_ALLOCATE, _("Choose at least one installment."), field="lines")
    return _allocate(actor=actor, receipt=receipt_for_update(receipt.pk, visible_to=actor), lines=lines,
                     effective_on=effective_on)  # fmt: skip


def _allocate(
    *, actor: User, receipt: Receipt, lines: list[AllocationLine], effective_on: dt.date | None
) -> list[Allocation]:
    """Allocate with the receipt already locked (and checked visible) by the caller."""
    installments = installments_for_update(line.installment.pk for line in lines)
    return [
        _allocate_locked(
            receipt=receipt,
            installment=installments[line.installment.pk],
            amount=line.amount,
            actor=actor,
            effective_on=effective_on,
        )
        for line in lines
    ]


# What a suggestion reads and shows of each candidate. Not whole rows: a customer may have hundreds
# of open installments, all read for every receipt matched, and the allocation itself works on the
# rows installments_for_update locks afresh.
SUGGESTION_FIELDS = (
    "contract_id",
    "sequence",
    "label",
    "due_date",
    "amount",
    "open_amount",
    "contract__number",
    "contract__title",
    "contract__signed_on",
)


def _open_of(customer_id: int, currency: str) -> QuerySet[Installment]:
    return (
        Installment.objects.filter(
            customer_id=customer_id, currency=currency, booked_on__isnull=False, open_amount__gt=0
        )
        .select_related("contract")
        .only(*SUGGESTION_FIELDS)
    )


def _open_installments(receipt: Receipt) -> list[Installment]:
    # compiled once: every automatic allocation (and every bank line matched) reads them
    return compiled.run("open_installments", _open_of, receipt.customer_id, receipt.currency)


def _oldest_first(installments: list[Installment]) -> list[Installment]:
    far = dt.date.max
    return sorted(installments, key=lambda i: (i.due_date or far, i.contract.signed_on, i.contract_id, i.sequence))


def allocation_suggest(*, receipt: Receipt, amount: Decimal | None = None) -> list[AllocationLine]:
    """How a receipt's unallocated amount would be matched, writing nothing.

    Within the customer and currency: installments of contracts whose number appears in the memo
    first, then an installment whose open amount is exactly what is left, then the oldest due
    first (installments still waiting on a milestone last)."""
    left = receipt.amount - receipt.allocated_amount if amount is None else amount
    if receipt.is_reversed or left <= 0:
        return []
    candidates = _oldest_first(_open_installments(receipt))
    memo = (receipt.memo or "").upper()
    named = [i for i in candidates if i.contract.number and _mentions(memo, i.contract.number.upper())]
    ordered = named + [i for i in candidates if i not in named]
    plan: list[AllocationLine] = []
    for installment in named:
        if left <= 0:
            break
        take = min(left, installment.open_amount)
        plan.append(AllocationLine(installment, take))
        left -= take
    rest = [i for i in ordered if i not in named]
    exact = next((i for i in rest if i.open_amount == left), None)
    if exact is not None and left > 0:
        plan.append(AllocationLine(exact, left))
        return plan
    for installment in rest:
        if left <= 0:
            break
        take = min(left, installment.open_amount)
        plan.append(AllocationLine(installment, take))
        left -= take
    return plan


def _mentions(memo: str, number: str) -> bool:
    """The number appears in the memo as a whole token (HT-2025-00012 not inside HT-2025-000123)."""
    return re.search(rf"(?<![0-9A-Z]){re.escape(number)}(?![0-9A-Z])", memo) is not None


@transaction.atomic
def receipt_auto_allocate(*, actor: User, receipt: Receipt, effective_on: dt.date | None = None) -> list[Allocation]:
    """Allocate what is left of a receipt as ``allocation_suggest`` proposes; the rest stays
    unapplied. Raises DomainError."""
    require(actor, Perm.ALLOCATION_CHANGE)
    receipt = receipt_for_update(receipt.pk, visible_to=actor)
    if receipt.is_reversed:
        raise DomainError(Code.RECEIPT_REVERSED, _("The receipt is reversed."), field="receipt")
    plan = allocation_suggest(receipt=receipt)
    if not plan:
        return []
    return _allocate(actor=actor, receipt=receipt, lines=plan, effective_on=effective_on)


@transaction.atomic
def allocation_reverse(
    *, actor: User, allocation: Allocation, reason: str, reversed_on: dt.date | None = None
) -> Allocation:
    """Undo an allocation from a date on: the amount is open on the installment and unapplied on
    the receipt again. The row stays, marked with who, when and why. Raises DomainError."""
    require(actor, Perm.ALLOCATION_CHANGE)
    reason = require_reason(reason)
    require_visible(actor, allocation)
    receipt = receipt_for_update(allocation.receipt_id)
    installment = installments_for_update([allocation.installment_id])[allocation.installment_id]
    allocation = for_update(Allocation.objects).get(pk=allocation.pk)
    reversed_on = reversal_date(allocation, starts_on=allocation.effective_on, reversed_on=reversed_on)
    require_open(company_id=allocation.company_id, day=reversed_on, field="reversed_on")
    mark_reversed([allocation], actor=actor, reason=reason, reversed_on=reversed_on)
    refresh_installment(installment)
    refresh_receipt(receipt)
    audit.record(action=AuditAction.ALLOCATION_REVERSED, target=allocation, actor=actor, reason=reason)
    return allocation
