"""Recording and reversing receipts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_company, require_visible
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.core import money, rows
from huikuan.core.dates import require_business_date, require_not_future, require_order
from huikuan.core.errors import DomainError, require_reason
from huikuan.core.numbering import assign_number
from huikuan.customers.models import Customer
from huikuan.periods.services import require_open
from huikuan.receivables import month_totals
from huikuan.receivables.choices import BILL_METHODS, PaymentMethod
from huikuan.receivables.errors import ReceivableErrorCode as Code
from huikuan.receivables.lock_objects import installments_for_update, receipt_for_update
from huikuan.receivables.models import Receipt
from huikuan.receivables.services.reversal import mark_reversed, reversal_date
from huikuan.receivables.services.settlement import refresh_installment, refresh_receipt


@transaction.atomic
def receipt_create(
    *,
    actor: User,
    customer: Customer,
    received_on: dt.date,
    amount: Decimal,
    currency: str | None = None,
    method: str = PaymentMethod.BANK_TRANSFER,
    bill_maturity_date: dt.date | None = None,
    payer_name: str = "",
    bank_reference: str = "",
    memo: str = "",
    number: str = "",
) -> Receipt:
    """Record money received from a customer; all of it is unapplied until allocated.
    Raises DomainError."""
    require(actor, Perm.RECEIPT_CHANGE)
    require_company(actor, customer.company_id)
    require_visible(actor, customer, owner="owner")
    company = customer.company
    currency = money.validate_currency(currency or company.currency)
    amount = money.validate_amount(amount, currency)
    require_not_future(received_on, field="received_on")
    require_business_date(received_on, field="received_on")
    require_open(company_id=company.pk, day=received_on, field="received_on")
    if method not in PaymentMethod.values:
        raise DomainError(Code.INVALID_METHOD, _("Unknown payment method."), field="method")
    if method in BILL_METHODS:
        if bill_maturity_date is None:
            raise DomainError(
                Code.BILL_MATURITY_REQUIRED,
                _("An acceptance bill needs its maturity date."),
                field="bill_maturity_date",
            )
        require_order(
            received_on,
            bill_maturity_date,
            field="bill_maturity_date",
            message=_("A bill cannot mature before it is received."),
        )
        require_business_date(bill_maturity_date, field="bill_maturity_date")
    else:
        bill_maturity_date = None
    number = assign_number(
        model=Receipt,
        company=company,
        given=number,
        field="number",
        kind="receipt",
        pattern=company.receipt_number_pattern,
        on=received_on,
    )
    receipt = rows.insert(
        Receipt(
            company=company,
            customer=customer,
            number=number,
            received_on=received_on,
            amount=amount,
            currency=currency,
            method=method,
            bill_maturity_date=bill_maturity_date,
            payer_name=payer_name,
            bank_reference=bank_reference,
            memo=memo,
            created_by=actor,
        )
    )
    month_totals.add_receipt(receipt)
    audit.record(action=AuditAction.RECEIPT_CREATED, target=receipt, actor=actor, data={"amount": amount})
    return receipt


@transaction.atomic
def receipt_reverse(*, actor: User, receipt: Receipt, reason: str, reversed_on: dt.date | None = None) -> Receipt:
    """Reverse a receipt entered by mistake (or bounced): its allocations are reversed on the same
    date and it stops counting as cash from then on. Raises DomainError."""
    require(actor, Perm.RECEIPT_CHANGE)
    reason = require_reason(reason)
    require_visible(actor, receipt)
    receipt = receipt_for_update(receipt.pk)
    allocations = list(receipt.allocations.filter(reversed_on__isnull=True))
    # the receipt's allocations end with it, so the date may come before none of them
    starts_on = max([receipt.received_on, *(a.effective_on for a in allocations)])
    reversed_on = reversal_date(receipt, starts_on=starts_on, reversed_on=reversed_on)
    require_open(company_id=receipt.company_id, day=reversed_on, field="reversed_on")
    installments = installments_for_update(a.installment_id for a in allocations)
    mark_reversed([*allocations, receipt], actor=actor, reason=reason, reversed_on=reversed_on)
    for installment in installments.values():
        refresh_installment(installment)
    refresh_receipt(receipt)
    month_totals.add_receipt(receipt, sign=-1)
    audit.record(
        action=AuditAction.RECEIPT_REVERSED,
        target=receipt,
        actor=actor,
        reason=reason,
        data={"reversed_on": reversed_on, "allocations": [a.pk for a in allocations]},
    )
    return receipt
