"""Reads of dunning, each within the user's scope (accounts.scope): the collector's worklist, the
message log and inbox, one customer's collection records, and the policies."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Min, QuerySet, Sum, Value
from django.db.models.functions import Cast

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.contracts.models import Installment
from huikuan.core.money import Cents, from_cents
from huikuan.core.sql_dates import DaysBetween
from huikuan.customers.models import Customer
from huikuan.dunning.choices import Channel, DisputeStatus, MessageKind, PromiseStatus, TaskStatus
from huikuan.dunning.models import (
    CollectionTask,
    CustomerDunning,
    Dispute,
    DunningAction,
    DunningFee,
    DunningPolicy,
    FollowUp,
    Message,
    PromiseToPay,
)


def tasks_visible_to(user: User) -> QuerySet[CollectionTask]:
    return restrict(CollectionTask.objects.all(), user)


def fees_visible_to(user: User) -> QuerySet[DunningFee]:
    return restrict(DunningFee.objects.all(), user)


def messages_visible_to(user: User) -> QuerySet[Message]:
    """The message log: messages about customers the user may see."""
    return restrict(Message.objects.filter(customer__isnull=False), user)


def inbox(user: User) -> QuerySet[Message]:
    """The in-app notices addressed to the user, newest first."""
    return Message.objects.filter(channel=Channel.IN_APP, recipient_user=user).select_related("customer")


def unread_count(user: User) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def policies_of(user: User) -> QuerySet[DunningPolicy]:
    return restrict(DunningPolicy.objects.all(), user, owner=None).prefetch_related("steps")


@dataclass
class WorklistRow:
    """An overdue customer on the collector's list, ranked by amount × days overdue."""

    customer: Customer
    currency: str
    overdue: Decimal
    oldest_days: int
    score: Decimal  # amount-days: Σ open × days overdue, in the currency's units × days
    last_contact: dt.date | None = None
    promised: list[PromiseToPay] = field(default_factory=list)
    disputes: int = 0
    open_tasks: int = 0


def worklist(user: User, as_of: dt.date, *, limit: int = 50) -> list[WorklistRow]:
    """The overdue customers the user may see, largest amount × days overdue first (per currency),
    with their last contact, open promises and disputes, and open tasks."""
    overdue = restrict(
        Installment.objects.filter(
            open_amount__gt=0, booked_on__isnull=False, booked_on__lte=as_of, due_date__lt=as_of
        ),
        user,
    )
    days = DaysBetween(Cast(Value(as_of), output_field=Installment._meta.get_field("due_date")), "due_date")
    sums = (
        overdue.values("customer_id", "currency")
        .annotate(
            cents=Sum(Cents("open_amount")),
            cent_days=Sum(Cents("open_amount") * days),
            oldest=Min("due_date"),
        )
        .order_by("-cent_days", "customer_id")[:limit]
    )
    rows = list(sums)
    customers = Customer.objects.in_bulk([row["customer_id"] for row in rows])
    result = [
        WorklistRow(
            customer=customers[row["customer_id"]],
            currency=row["currency"],
            overdue=from_cents(row["cents"]),
            oldest_days=(as_of - row["oldest"]).days,
            score=from_cents(row["cent_days"]),
        )
        for row in rows
    ]
    _annotate(result)
    return result


def _annotate(rows: list[WorklistRow]) -> None:
    ids = [row.customer.pk for row in rows]
    contacts = dict(
        FollowUp.objects.filter(customer_id__in=ids)
        .values("customer_id")
        .annotate(last=Max("happened_on"))
        .values_list("customer_id", "last")
    )
    promises: dict[int, list[PromiseToPay]] = defaultdict(list)
    for promise in PromiseToPay.objects.filter(customer_id__in=ids, status=PromiseStatus.OPEN).order_by("promised_on"):
        promises[promise.customer_id].append(promise)
    disputes = dict(
        Dispute.objects.filter(customer_id__in=ids, status=DisputeStatus.OPEN)
        .values("customer_id")
        .annotate(count=Count("pk"))
        .values_list("customer_id", "count")
    )
    tasks = dict(
        CollectionTask.objects.filter(customer_id__in=ids, status=TaskStatus.OPEN)
        .values("customer_id")
        .annotate(count=Count("pk"))
        .values_list("customer_id", "count")
    )
    for row in rows:
        pk = row.customer.pk
        row.last_contact = contacts.get(pk)
        row.promised = promises.get(pk, [])
        row.disputes = disputes.get(pk, 0)
        row.open_tasks = tasks.get(pk, 0)


@dataclass
class CustomerCollections:
    """Everything about collecting from one customer."""

    settings: CustomerDunning | None
    follow_ups: list[FollowUp]
    promises: list[PromiseToPay]
    disputes: list[Dispute]
    tasks: list[CollectionTask]
    messages: list[Message]
    actions: list[DunningAction]
    open_installments: list[Installment]
    fees: list[DunningFee]


def customer_collections(customer: Customer, *, limit: int = 50) -> CustomerCollections:
    """The records of a customer the caller has already checked the user may see."""
    return CustomerCollections(
        settings=CustomerDunning.objects.filter(customer=customer).select_related("policy", "collector").first(),
        follow_ups=list(FollowUp.objects.filter(customer=customer).select_related("created_by")[:limit]),
        promises=list(PromiseToPay.objects.filter(customer=customer).prefetch_related("installments")[:limit]),
        disputes=list(Dispute.objects.filter(customer=customer).prefetch_related("installments")[:limit]),
        tasks=list(
            CollectionTask.objects.filter(customer=customer)
            .select_related("assignee")
            .order_by("status", "-due_on")[:limit]
        ),
        messages=list(Message.objects.filter(customer=customer).select_related("recipient_user")[:limit]),
        actions=list(
            DunningAction.objects.filter(customer=customer)
            .select_related("step", "installment__contract")
            .order_by("-performed_on", "-pk")[:limit]
        ),
        fees=list(DunningFee.objects.filter(customer=customer).select_related("step", "contract")[:limit]),
        open_installments=list(
            Installment.objects.filter(customer=customer, open_amount__gt=0, booked_on__isnull=False)
            .select_related("contract")
            .order_by("due_date", "pk")
        ),
    )


# the step flag that asks for each kind of message, by channel (customer reminders) or kind (notices)
MESSAGE_FLAGS = {"email": "email_customer", "sms": "sms_customer", "letter": "letter"}
NOTICE_FLAGS: dict[str, str] = {MessageKind.OWNER_NOTICE: "notify_owner", MessageKind.ESCALATION: "escalate"}


def message_actions(message: Message) -> QuerySet[DunningAction]:
    """The steps a message of a run performs: its run's actions for its customer whose step asks
    for it (one message per customer, run and channel, so the link needs no table of its own)."""
    if message.kind == MessageKind.CUSTOMER_REMINDER:
        flag = MESSAGE_FLAGS.get(message.channel)
    else:
        flag = NOTICE_FLAGS.get(message.kind)
    if flag is None or message.run_id is None or message.customer_id is None:
        return DunningAction.objects.none()
    return DunningAction.objects.filter(
        run_id=message.run_id, customer_id=message.customer_id, **{f"step__{flag}": True}
    )


def task_actions(task: CollectionTask) -> QuerySet[DunningAction]:
    if task.run_id is None:
        return DunningAction.objects.none()
    return DunningAction.objects.filter(run_id=task.run_id, customer_id=task.customer_id).exclude(step__task_for="")


def fee_actions(fee: DunningFee) -> QuerySet[DunningAction]:
    return DunningAction.objects.filter(
        run_id=fee.run_id, customer_id=fee.customer_id, step_id=fee.step_id, currency=fee.currency
    )
