"""The collector's records: follow-ups (跟进记录), promises to pay (承诺付款), disputes (争议) and
tasks; and the daily check that settles promises whose date has passed (kept or broken)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_visible
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.contracts.models import Installment
from huikuan.core import money
from huikuan.core.dates import require_business_date, require_not_future, require_order
from huikuan.core.errors import DomainError, require_reason
from huikuan.core.locking import for_update
from huikuan.customers.models import Customer
from huikuan.dunning import texts
from huikuan.dunning.choices import (
    DisputeStatus,
    FollowUpKind,
    FollowUpOutcome,
    MessageKind,
    PromiseStatus,
    TaskKind,
    TaskStatus,
)
from huikuan.dunning.errors import DunningErrorCode as Code
from huikuan.dunning.models import CollectionTask, CustomerDunning, Dispute, FollowUp, PromiseToPay
from huikuan.dunning.notices import staff_message
from huikuan.receivables.models import Receipt

NOTE_LIMIT = 2000


def _customer_for_work(actor: User, customer: Customer) -> Customer:
    require(actor, Perm.COLLECTION_WORK)
    require_visible(actor, customer, owner="owner")
    return for_update(Customer.objects).get(pk=customer.pk)


def _installments_of(customer: Customer, installments: Iterable[Installment], *, field: str) -> list[Installment]:
    ids = sorted({installment.pk for installment in installments})
    found = list(Installment.objects.filter(pk__in=ids, customer_id=customer.pk, booked_on__isnull=False))
    if len(found) != len(ids):
        raise DomainError(Code.INVALID_INSTALLMENTS, _("Choose receivable installments of this customer."), field=field)
    return found


@transaction.atomic
def follow_up_log(
    *,
    actor: User,
    customer: Customer,
    kind: str,
    outcome: str,
    happened_on: dt.date,
    contact_name: str = "",
    note: str = "",
) -> FollowUp:
    """Log a contact with a customer. Raises DomainError."""
    customer = _customer_for_work(actor, customer)
    if kind not in FollowUpKind.values:
        raise DomainError(Code.INVALID_CHOICE, _("Choose how you were in touch."), field="kind")
    if outcome not in FollowUpOutcome.values:
        raise DomainError(Code.INVALID_CHOICE, _("Choose the outcome."), field="outcome")
    require_business_date(happened_on, field="happened_on")
    require_not_future(happened_on, field="happened_on")
    if len(note) > NOTE_LIMIT:
        raise DomainError(Code.TEXT_TOO_LONG, _("The note is too long."), field="note")
    follow_up = FollowUp.objects.create(
        company_id=customer.company_id,
        customer=customer,
        kind=kind,
        outcome=outcome,
        happened_on=happened_on,
        contact_name=contact_name.strip()[:100],
        note=note.strip(),
        created_by=actor,
    )
    audit.record(
        action=AuditAction.FOLLOW_UP_LOGGED, target=follow_up, actor=actor, data={"kind": kind, "outcome": outcome}
    )
    return follow_up


@transaction.atomic
def promise_record(
    *,
    actor: User,
    customer: Customer,
    amount: Decimal | str,
    promised_on: dt.date,
    made_on: dt.date,
    currency: str | None = None,
    installments: Sequence[Installment] = (),
    follow_up: FollowUp | None = None,
) -> PromiseToPay:
    """Record a customer's promise to pay ``amount`` by ``promised_on``, made on ``made_on``. The
    installments it names (or, naming none, all the customer's) are not dunned until that date.
    Raises DomainError."""
    customer = _customer_for_work(actor, customer)
    currency = money.validate_currency(currency or customer.company.currency)
    amount = money.validate_amount(amount, currency)
    require_business_date(made_on, field="made_on")
    require_not_future(made_on, field="made_on")
    require_business_date(promised_on, field="promised_on")
    require_order(
        made_on, promised_on, field="promised_on", message=_("The promised date cannot be before the promise.")
    )
    covered = _installments_of(customer, installments, field="installments")
    if follow_up is not None and follow_up.customer_id != customer.pk:
        raise DomainError(Code.INVALID_FOLLOW_UP, _("The follow-up is about another customer."), field="follow_up")
    promise = PromiseToPay.objects.create(
        company_id=customer.company_id,
        customer=customer,
        follow_up=follow_up,
        currency=currency,
        amount=amount,
        made_on=made_on,
        promised_on=promised_on,
        created_by=actor,
    )
    promise.installments.set(covered)
    audit.record(
        action=AuditAction.PROMISE_RECORDED,
        target=promise,
        actor=actor,
        data={
            "amount": amount,
            "currency": currency,
            "promised_on": promised_on,
            "installments": [i.pk for i in covered],
        },
    )
    return promise


@transaction.atomic
def promise_cancel(*, actor: User, promise: PromiseToPay, reason: str) -> PromiseToPay:
    """Withdraw an open promise (recorded by mistake, replaced by another). Raises DomainError."""
    _customer_for_work(actor, promise.customer)
    reason = require_reason(reason)
    promise = for_update(PromiseToPay.objects).get(pk=promise.pk)
    if promise.status != PromiseStatus.OPEN:
        raise DomainError(Code.NOT_OPEN, _("Only an open promise can be cancelled."))
    promise.status, promise.resolved_on = PromiseStatus.CANCELLED, timezone.localdate()
    promise.save(update_fields=["status", "resolved_on"])
    audit.record(action=AuditAction.PROMISE_CANCELLED, target=promise, actor=actor, reason=reason)
    return promise


@transaction.atomic
def dispute_open(
    *,
    actor: User,
    customer: Customer,
    installments: Sequence[Installment],
    reason: str,
    amount: Decimal | str,
    opened_on: dt.date,
) -> Dispute:
    """Record a customer's objection to (part of) some installments: they are not dunned while it
    is open. The amount is at most what those installments still owe. Raises DomainError."""
    customer = _customer_for_work(actor, customer)
    reason = require_reason(reason)
    if not installments:
        raise DomainError(Code.INVALID_INSTALLMENTS, _("Choose the installments in dispute."), field="installments")
    covered = _installments_of(customer, installments, field="installments")
    currencies = {installment.currency for installment in covered}
    if len(currencies) != 1:
        raise DomainError(
            Code.INVALID_INSTALLMENTS, _("A dispute covers installments of one currency."), field="installments"
        )
    currency = currencies.pop()
    amount = money.validate_amount(amount, currency)
    owed = sum((installment.open_amount for installment in covered), Decimal(0))
    if amount > owed:
        raise DomainError(
            Code.AMOUNT_OVER_OPEN,
            _("The installments owe %(owed)s; the disputed amount cannot be more.") % {"owed": money.display(owed)},
            field="amount",
        )
    require_business_date(opened_on, field="opened_on")
    require_not_future(opened_on, field="opened_on")
    dispute = Dispute.objects.create(
        company_id=customer.company_id,
        customer=customer,
        reason=reason,
        currency=currency,
        amount=amount,
        opened_on=opened_on,
        opened_by=actor,
    )
    dispute.installments.set(covered)
    audit.record(
        action=AuditAction.DISPUTE_OPENED,
        target=dispute,
        actor=actor,
        reason=reason,
        data={"amount": amount, "installments": [i.pk for i in covered]},
    )
    return dispute


@transaction.atomic
def dispute_resolve(*, actor: User, dispute: Dispute, resolution: str, resolved_on: dt.date) -> Dispute:
    """Close a dispute; dunning of its installments resumes with the next run (steps that fell due
    meanwhile are performed then, together). Raises DomainError."""
    _customer_for_work(actor, dispute.customer)
    resolution = require_reason(resolution)
    require_business_date(resolved_on, field="resolved_on")
    require_not_future(resolved_on, field="resolved_on")
    dispute = for_update(Dispute.objects).get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise DomainError(Code.NOT_OPEN, _("The dispute is resolved already."))
    require_order(
        dispute.opened_on, resolved_on, field="resolved_on", message=_("A dispute is resolved after it opened.")
    )
    dispute.status, dispute.resolution, dispute.resolved_on, dispute.resolved_by = (
        DisputeStatus.RESOLVED,
        resolution,
        resolved_on,
        actor,
    )
    dispute.save(update_fields=["status", "resolution", "resolved_on", "resolved_by"])
    audit.record(action=AuditAction.DISPUTE_RESOLVED, target=dispute, actor=actor, reason=resolution)
    return dispute


@transaction.atomic
def task_complete(*, actor: User, task: CollectionTask) -> CollectionTask:
    """Mark a task done (its assignee, or anyone who may work on the customer). Raises DomainError."""
    _customer_for_work(actor, task.customer)
    task = for_update(CollectionTask.objects).get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise DomainError(Code.NOT_OPEN, _("The task is not open."))
    task.status, task.done_at, task.done_by = TaskStatus.DONE, timezone.now(), actor
    task.save(update_fields=["status", "done_at", "done_by"])
    audit.record(action=AuditAction.TASK_DONE, target=task, actor=actor)
    return task


def promises_settle(*, company_id: int, as_of: dt.date) -> dict[str, int]:
    """Settle every open promise of the company whose date is before ``as_of``: kept when the
    customer's receipts in its currency from the day it was made to the promised date (not reversed)
    reach its amount; otherwise broken, which makes one task for the customer's collector (or owner)
    and tells the owner. Each promise in its own transaction; settled once (the task is unique per
    promise)."""
    counts = {"kept": 0, "broken": 0}
    due = PromiseToPay.objects.filter(company_id=company_id, status=PromiseStatus.OPEN, promised_on__lt=as_of)
    for promise_id in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            promise = for_update(PromiseToPay.objects.select_related("customer")).get(pk=promise_id)
            if promise.status != PromiseStatus.OPEN:
                continue
            paid = Receipt.objects.filter(
                customer_id=promise.customer_id,
                currency=promise.currency,
                received_on__gte=promise.made_on,
                received_on__lte=promise.promised_on,
                reversed_on__isnull=True,
            ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
            kept = paid >= promise.amount
            promise.status = PromiseStatus.KEPT if kept else PromiseStatus.BROKEN
            promise.resolved_on = as_of
            promise.save(update_fields=["status", "resolved_on"])
            if not kept:
                _broken_promise_follow_up(promise, paid, as_of)
            counts["kept" if kept else "broken"] += 1
    return counts


def _broken_promise_follow_up(promise: PromiseToPay, paid: Decimal, as_of: dt.date) -> None:
    customer = promise.customer
    settings_row = CustomerDunning.objects.filter(customer_id=customer.pk).first()
    assignee_id = (settings_row.collector_id if settings_row else None) or customer.owner_id
    owner = User.objects.get(pk=customer.owner_id)
    values = {
        "customer": customer.name,
        "currency": promise.currency,
        "amount": money.display(promise.amount),
        "date": promise.promised_on.isoformat(),
        "paid": money.display(paid),
    }
    language = texts.language_of(owner.language)
    with translation.override(language):
        title = _("Broken promise: %(customer)s promised %(currency)s %(amount)s by %(date)s") % values
        body = _("Received from the day of the promise to %(date)s: %(currency)s %(paid)s.") % values
    try:
        with transaction.atomic():
            CollectionTask.objects.create(
                company_id=promise.company_id,
                customer=customer,
                assignee_id=assignee_id,
                kind=TaskKind.BROKEN_PROMISE,
                title=title[:300],
                due_on=as_of,
                promise=promise,
            )
    except IntegrityError:
        return  # its task exists: settled before
    staff_message(
        company_id=promise.company_id,
        user=owner,
        kind=MessageKind.OWNER_NOTICE,
        language=language,
        subject=title,
        body=body,
        customer_id=customer.pk,
    ).save()
