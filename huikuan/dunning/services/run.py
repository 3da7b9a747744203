"""The daily run (每日催收): performs every due dunning step exactly once per installment and step.

Customers are taken in batches in id order. Each batch is one transaction: lock the batch's
customers, plan what is due (planning.py), then write the actions, the messages (queued in the
outbox, one per customer and channel) and the tasks together. The unique (installment, step)
constraint and the customer locks make a second run, a run repeated after a crash, or two workers
running at once find the steps already performed and do nothing twice; a batch that did not commit
left nothing behind and is done by the next run. Sending is not part of the run: the outbox is
sent by the dispatcher (services/outbox.py), which whoever started the run sets going."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings as django_settings
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huikuan.accounts.models import Company, User
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.core import rows
from huikuan.core.dates import require_business_date
from huikuan.core.locking import for_update
from huikuan.customers.models import Customer
from huikuan.customers.services import customers_hold
from huikuan.dunning import texts
from huikuan.dunning.choices import Channel, MessageKind, MessageStatus, RunStatus, TaskKind, TemplateKey
from huikuan.dunning.fees import PlannedFee, fees_of
from huikuan.dunning.models import CollectionTask, CustomerDunning, DunningAction, DunningFee, DunningRun, Message
from huikuan.dunning.planning import (
    CustomerPlan,
    Ladder,
    candidate_customers,
    earliest_days,
    finance_managers,
    ladders,
    plan_customers,
)
from huikuan.dunning.services.collection import promises_settle
from huikuan.dunning.services.digests import digests_send
from huikuan.dunning.services.risk_notices import risk_notices_send

BATCH = 500


@dataclass
class PlannedTask:
    customer_id: int
    assignee_id: int
    title: str


@dataclass
class Outcome:
    """What a run did (or, in a dry run, would do) for one customer."""

    plan: CustomerPlan
    messages: list[Message] = field(default_factory=list)
    tasks: list[PlannedTask] = field(default_factory=list)
    credit_hold: bool = False
    final: bool = False
    fees: list[PlannedFee] = field(default_factory=list)


@dataclass
class RunReport:
    company_id: int
    business_date: dt.date
    dry_run: bool
    run_id: int | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    promises: dict[str, int] = field(default_factory=dict)
    digests: int = 0
    risk_notices: int = 0

    def counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for outcome in self.outcomes:
            counts["customers"] += 1
            counts["installments"] += len(outcome.plan.items)
            counts["steps"] += sum(len(item.steps) for item in outcome.plan.items)
            for message in outcome.messages:
                counts[f"messages_{message.channel}"] += 1
            counts["tasks"] += len(outcome.tasks)
            counts["credit_holds"] += outcome.credit_hold
            counts["final"] += outcome.final
            counts["fees"] += len(outcome.fees)
        counts["owner_digests"] += self.digests
        counts["risk_notices"] += self.risk_notices
        for status, count in self.promises.items():
            counts[f"promises_{status}"] += count
        return {key: value for key, value in counts.items() if value}


def dunning_run(
    *,
    company: Company,
    as_of: dt.date,
    actor: User | None = None,
    dry_run: bool = False,
    source: str = "command",
    batch_size: int = BATCH,
) -> RunReport:
    """Perform (or with ``dry_run`` only show) every dunning step due on ``as_of`` for ``company``.

    Not one transaction: each batch of customers commits on its own, so a crash loses at most the
    batch in hand, which the next run does. Raises DomainError for a date out of range."""
    require_business_date(as_of, field="date")
    found, default = ladders(company.pk)
    report = RunReport(company.pk, as_of, dry_run)
    run = None if dry_run else _start(company, as_of, actor, source)
    report.run_id = run.pk if run else None
    context = _RunContext(company, as_of, found, default)
    try:
        if run is not None:
            # first, so that the installments of a broken promise are dunned in this run
            report.promises = promises_settle(company_id=company.pk, as_of=as_of)
        lowest = earliest_days(found.values())
        customer_ids = [] if lowest is None else candidate_customers(company.pk, as_of, lowest)
        for batch in _batches(customer_ids, batch_size):
            if run is None:
                report.outcomes += [context.outcome(plan) for plan in context.plans(batch)]
            else:
                report.outcomes += _perform_batch(run, context, batch)
        if run is not None:
            report.digests = digests_send(company_id=company.pk, as_of=as_of, run_id=run.pk)
            report.risk_notices = risk_notices_send(company_id=company.pk, as_of=as_of, run_id=run.pk)
    except Exception as error:
        if run is not None:
            DunningRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, finished_at=timezone.now(), error=repr(error)[:2000]
            )
        raise
    if run is not None:
        _finish(run, report, actor)
    return report


class _RunContext:
    """What every batch of one run shares: the ladders, the users messages go to, the texts."""

    def __init__(self, company: Company, as_of: dt.date, found: dict[int, Ladder], default: Ladder | None) -> None:
        self.company = company
        self.as_of = as_of
        self.found = found
        self.default = default
        self.language = texts.language_of(django_settings.LANGUAGE_CODE)
        self.users = {user.pk: user for user in User.objects.filter(company_id=company.pk)}
        self.managers = finance_managers(company.pk)
        self.statement_url = django_settings.HUIKUAN_BASE_URL.rstrip("/") + reverse("report_statement")

    def plans(self, customer_ids: Sequence[int]) -> list[CustomerPlan]:
        return plan_customers(
            company_id=self.company.pk,
            customer_ids=customer_ids,
            as_of=self.as_of,
            found=self.found,
            default=self.default,
            language=self.language,
        )

    def outcome(self, plan: CustomerPlan) -> Outcome:
        outcome = Outcome(plan)
        with translation.override(plan.settings.language):
            outcome.fees = fees_of(plan)
        context = texts.customer_context(
            plan,
            company=self.company.name,
            as_of=self.as_of,
            statement_link=f"{self.statement_url}?customer={plan.customer_id}",
            fees=outcome.fees,
        )
        context["steps"] = [step.name for step in plan.steps()]
        letter = plan.any_step("letter")
        if plan.any_step("email_customer"):
            self._customer_message(outcome, Channel.EMAIL, TemplateKey.CUSTOMER_EMAIL, plan.email, context, letter)
        elif letter:
            self._customer_message(outcome, Channel.LETTER, TemplateKey.LETTER, "", context, letter)
        if plan.any_step("sms_customer"):
            self._customer_message(outcome, Channel.SMS, TemplateKey.CUSTOMER_SMS, plan.phone, context, False)
        if plan.any_step("notify_owner"):
            self._staff_message(outcome, plan.owner_id, MessageKind.OWNER_NOTICE, context)
        if plan.any_step("escalate"):
            for manager in self.managers:
                self._staff_message(outcome, manager.pk, MessageKind.ESCALATION, context)
        assignee = plan.task_assignee_id()
        if assignee is not None:
            with translation.override(self._language_of(assignee)):
                title = _("Follow up %(customer)s: %(count)d installments, %(total)s") % {
                    "customer": plan.name,
                    "count": len(plan.items),
                    "total": texts.totals_text(context),
                }
            outcome.tasks.append(PlannedTask(plan.customer_id, assignee, title[:300]))
        outcome.credit_hold = plan.any_step("credit_hold")
        outcome.final = plan.any_step("is_final")
        return outcome

    def _customer_message(
        self, outcome: Outcome, channel: str, key: str, address: str, context: dict[str, Any], letter: bool
    ) -> None:
        # no text yet: it is the template's over the context, written when the message is sent
        # (texts.message_text), so that a run over a large book renders nothing
        plan = outcome.plan
        language = texts.language_of(plan.settings.language)
        status, error, sent_at = MessageStatus.QUEUED, "", None
        if channel == Channel.LETTER:
            # a letter to print is done once it is made: it waits in the log to be downloaded
            status, sent_at = MessageStatus.SENT, timezone.now()
        elif not address:
            with translation.override(language):
                error = (
                    _("The customer has no contact with an email address.")
                    if channel == Channel.EMAIL
                    else _("The customer has no contact with a phone number.")
                )
            status = MessageStatus.FAILED
        outcome.messages.append(
            Message(
                company_id=self.company.pk,
                customer_id=plan.customer_id,
                channel=channel,
                kind=MessageKind.CUSTOMER_REMINDER,
                language=language,
                to_address=address,
                has_letter=letter,
                context=context,
                status=status,
                sent_at=sent_at,
                last_error=error,
            )
        )

    def _language_of(self, user_id: int) -> str:
        user = self.users.get(user_id)
        return texts.language_of(user.language if user is not None and user.language else self.language)

    def _staff_message(self, outcome: Outcome, user_id: int, kind: str, context: dict[str, Any]) -> None:
        outcome.messages.append(
            Message(
                company_id=self.company.pk,
                customer_id=outcome.plan.customer_id,
                recipient_user_id=user_id,
                channel=Channel.IN_APP,
                kind=kind,
                language=self._language_of(user_id),
                context=context,
                status=MessageStatus.SENT,
                sent_at=timezone.now(),
            )
        )


def _batches(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _start(company: Company, as_of: dt.date, actor: User | None, source: str) -> DunningRun:
    with transaction.atomic():
        return DunningRun.objects.create(company=company, business_date=as_of, actor=actor, source=source[:20])


def _perform_batch(run: DunningRun, context: _RunContext, customer_ids: Sequence[int]) -> list[Outcome]:
    with transaction.atomic():
        # lock order: customers first (core/DESIGN.md); a second run waits here for the first's
        # batch and then finds its steps performed
        list(for_update(Customer.objects.filter(pk__in=customer_ids).order_by("pk")).values_list("pk", flat=True))
        outcomes = [context.outcome(plan) for plan in context.plans(customer_ids)]
        if outcomes:
            _record(run, context, outcomes)
    return outcomes


ACTION_COLUMNS = (
    "company",
    "customer",
    "installment",
    "step",
    "run",
    "step_date",
    "performed_on",
    "currency",
    "open_amount",
    "days_overdue",
)


def _record(run: DunningRun, context: _RunContext, outcomes: list[Outcome]) -> None:
    # plain rows, not model instances: a first run over a large book records a million actions
    rows.insert_values(
        DunningAction,
        ACTION_COLUMNS,
        [
            (
                run.company_id,
                outcome.plan.customer_id,
                item.installment_id,
                step.pk,
                run.pk,
                day,
                context.as_of,
                item.currency,
                item.open_amount,
                item.days_overdue,
            )
            for outcome in outcomes
            for item in outcome.plan.items
            for step, day in item.steps
        ],
    )
    _insert_messages(run, [message for outcome in outcomes for message in outcome.messages])
    CollectionTask.objects.bulk_create(
        [
            CollectionTask(
                company_id=run.company_id,
                customer_id=planned.customer_id,
                assignee_id=planned.assignee_id,
                kind=TaskKind.DUNNING_STEP,
                title=planned.title,
                due_on=context.as_of,
                run=run,
            )
            for outcome in outcomes
            for planned in outcome.tasks
        ]
    )
    DunningFee.objects.bulk_create(
        [
            DunningFee(
                company_id=run.company_id,
                customer_id=outcome.plan.customer_id,
                run=run,
                step=planned.step,
                currency=planned.currency,
                amount=planned.amount,
                basis=planned.basis[:300],
            )
            for outcome in outcomes
            for planned in outcome.fees
        ]
    )
    _mark_final([outcome.plan.customer_id for outcome in outcomes if outcome.final], context.as_of)
    held = [outcome.plan.customer_id for outcome in outcomes if outcome.credit_hold]
    if held:
        customers_hold(
            customer_ids=held, actor=None, reason=_("Dunning step %(date)s") % {"date": context.as_of}, by=run
        )


MESSAGE_COLUMNS = (
    "company",
    "customer",
    "recipient_user",
    "run",
    "channel",
    "kind",
    "language",
    "to_address",
    "subject",
    "body",
    "has_letter",
    "context",
    "status",
    "attempts",
    "sent_at",
    "last_error",
    "created_at",
)


def _insert_messages(run: DunningRun, messages: list[Message]) -> None:
    # plain rows as the actions are: tens of thousands of messages in a first run over a large book
    connection = connections[Message.objects.db]
    context_field = Message._meta.get_field("context")
    now = timezone.now()
    rows.insert_values(
        Message,
        MESSAGE_COLUMNS,
        [
            (
                message.company_id,
                message.customer_id,
                message.recipient_user_id,
                run.pk,
                message.channel,
                message.kind,
                message.language,
                message.to_address,
                "",
                "",
                message.has_letter,
                context_field.get_db_prep_save(message.context, connection),
                message.status,
                0,
                message.sent_at,
                message.last_error,
                now,
            )
            for message in messages
        ],
    )


def _mark_final(customer_ids: list[int], as_of: dt.date) -> None:
    if not customer_ids:
        return
    existing = set(CustomerDunning.objects.filter(customer_id__in=customer_ids).values_list("customer_id", flat=True))
    CustomerDunning.objects.filter(customer_id__in=existing, final_on__isnull=True).update(
        final_on=as_of, updated_at=timezone.now()
    )
    CustomerDunning.objects.bulk_create(
        [CustomerDunning(customer_id=pk, final_on=as_of) for pk in customer_ids if pk not in existing]
    )


def _finish(run: DunningRun, report: RunReport, actor: User | None) -> None:
    with transaction.atomic():
        run.status = RunStatus.FINISHED
        run.finished_at = timezone.now()
        run.counts = report.counts()
        run.save(update_fields=["status", "finished_at", "counts"])
        audit.record(action=AuditAction.DUNNING_RUN, target=run, actor=actor, data=run.counts)
