"""What the daily run would do on a business date: for each customer, which steps of its policy
have fallen due for which of its open installments and have not been performed yet.

Reads only; services/run.py records the plan (or, in a dry run, only shows it). A step falls due
on the installment's due date plus its days (moved to the next working day when the policy says
so) and is performed by the first run on or after that date: a day the worker was down is caught
up by the next run, in one message with everything else that customer is due."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.roles import Role
from huikuan.contracts.models import Installment
from huikuan.core.workdays import next_working_day
from huikuan.customers.models import Contact, Customer
from huikuan.dunning.choices import DisputeStatus, PromiseStatus, TaskAssignee
from huikuan.dunning.models import (
    CustomerDunning,
    Dispute,
    DunningAction,
    DunningPolicy,
    DunningStep,
    PromiseToPay,
)


@dataclass(frozen=True)
class Ladder:
    """A policy with its steps, lowest days first."""

    policy_id: int
    name: str
    working_days_only: bool
    steps: tuple[DunningStep, ...]

    def step_date(self, step: DunningStep, due_date: dt.date) -> dt.date:
        day = due_date + dt.timedelta(days=step.days)
        return next_working_day(day) if self.working_days_only else day


@dataclass(frozen=True)
class Settings:
    """One customer's dunning settings, defaults filled in."""

    ladder: Ladder | None
    collector_id: int | None
    paused_until: dt.date | None
    final_on: dt.date | None
    language: str


@dataclass
class DueItem:
    """One open installment and the steps of its ladder that are due for it now."""

    installment_id: int
    contract_id: int
    contract_number: str
    label: str
    sequence: int
    currency: str
    amount: Decimal
    open_amount: Decimal
    due_date: dt.date
    days_overdue: int
    steps: list[tuple[DunningStep, dt.date]] = field(default_factory=list)


@dataclass
class CustomerPlan:
    """Everything one run does for one customer."""

    customer_id: int
    code: str
    name: str
    owner_id: int
    settings: Settings
    items: list[DueItem]
    email: str = ""
    phone: str = ""
    contact_name: str = ""
    _steps: list[DunningStep] | None = field(default=None, repr=False)

    def steps(self) -> list[DunningStep]:
        """The steps due for any of its items, lowest days first (worked out once: the items are
        planned before anyone asks)."""
        if self._steps is None:
            seen: dict[int, DunningStep] = {}
            for item in self.items:
                for step, _day in item.steps:
                    seen[step.pk] = step
            self._steps = sorted(seen.values(), key=lambda step: step.days)
        return self._steps

    def any_step(self, flag: str) -> bool:
        return any(getattr(step, flag) for step in self.steps())

    def task_assignee_id(self) -> int | None:
        """Who gets the task: the collector when the latest step that makes a task says so and the
        customer has one, otherwise the owner; None when no step makes a task."""
        wanted = [step.task_for for step in self.steps() if step.task_for]
        if not wanted:
            return None
        if wanted[-1] == TaskAssignee.COLLECTOR and self.settings.collector_id:
            return self.settings.collector_id
        return self.owner_id

    def totals(self) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for item in self.items:
            sums[item.currency] += item.open_amount
        return dict(sorted(sums.items()))


def ladders(company_id: int) -> tuple[dict[int, Ladder], Ladder | None]:
    """The company's policies by id, and its default one (None when it has none)."""
    steps: dict[int, list[DunningStep]] = defaultdict(list)
    for step in DunningStep.objects.filter(policy__company_id=company_id).order_by("policy_id", "days"):
        steps[step.policy_id].append(step)
    found: dict[int, Ladder] = {}
    default = None
    for policy in DunningPolicy.objects.filter(company_id=company_id):
        ladder = Ladder(policy.pk, policy.name, policy.working_days_only, tuple(steps[policy.pk]))
        found[policy.pk] = ladder
        if policy.is_default:
            default = ladder
    return found, default


def earliest_days(found: Iterable[Ladder]) -> int | None:
    """The lowest step days of any ladder: installments due after ``as_of`` minus this have nothing due."""
    days = [ladder.steps[0].days for ladder in found if ladder.steps]
    return min(days) if days else None


def candidate_customers(company_id: int, as_of: dt.date, lowest_days: int) -> list[int]:
    """Customers with an open installment whose earliest step could be due, by id."""
    return list(
        _open_installments(company_id, as_of, lowest_days)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
        .distinct()
    )


def _open_installments(company_id: int, as_of: dt.date, lowest_days: int) -> QuerySet[Installment]:
    # open now: a reminder is about what is owed today, whatever the business date being run
    return Installment.objects.filter(
        company_id=company_id,
        open_amount__gt=0,
        booked_on__isnull=False,
        booked_on__lte=as_of,
        due_date__lte=as_of - dt.timedelta(days=lowest_days),
    )


def plan_customers(
    *,
    company_id: int,
    customer_ids: Sequence[int],
    as_of: dt.date,
    found: dict[int, Ladder],
    default: Ladder | None,
    language: str,
) -> list[CustomerPlan]:
    """The plans of these customers on ``as_of``: only customers with at least one due step."""
    lowest = earliest_days(found.values())
    if lowest is None:
        return []
    settings = _settings(customer_ids, found, default, language)
    rows = (
        _open_installments(company_id, as_of, lowest)
        .filter(customer_id__in=customer_ids)
        .order_by("customer_id", "due_date", "contract_id", "sequence")
        .values_list(
            "pk",
            "customer_id",
            "contract_id",
            "contract__number",
            "label",
            "sequence",
            "currency",
            "amount",
            "open_amount",
            "due_date",
        )
    )
    waiting = waiting_on(customer_ids, as_of)
    performed = _performed(customer_ids)
    items: dict[int, list[DueItem]] = defaultdict(list)
    for pk, customer_id, contract_id, number, label, sequence, currency, amount, open_amount, due_date in rows:
        setting = settings[customer_id]
        if due_date is None:  # the query asks for a due date on or before a day: never None here
            continue
        if setting.ladder is None or (customer_id, pk) in waiting:
            continue
        if setting.final_on is not None or (setting.paused_until is not None and as_of < setting.paused_until):
            continue
        done = performed.get(pk, ())
        due = []
        for step in setting.ladder.steps:
            day = setting.ladder.step_date(step, due_date)
            if day > as_of:
                break
            if step.pk not in done:
                due.append((step, day))
        if due:
            overdue = (as_of - due_date).days
            item = DueItem(pk, contract_id, number, label, sequence, currency, amount, open_amount, due_date, overdue)
            item.steps = due
            items[customer_id].append(item)
    return _customer_plans(items, settings)


@dataclass(frozen=True)
class Waiting:
    """What is not dunned today: installments under an open dispute or named by an open promise
    whose date has not passed, and customers with such a promise that names no installment (it
    covers all of theirs)."""

    installments: frozenset[int]
    customers: frozenset[int]

    def __contains__(self, pair: tuple[int, int]) -> bool:
        customer_id, installment_id = pair
        return customer_id in self.customers or installment_id in self.installments


def waiting_on(customer_ids: Sequence[int], as_of: dt.date) -> Waiting:
    installments = set(
        Dispute.installments.through.objects.filter(
            dispute__customer_id__in=customer_ids, dispute__status=DisputeStatus.OPEN
        ).values_list("installment_id", flat=True)
    )
    promises = dict(
        PromiseToPay.objects.filter(
            customer_id__in=customer_ids, status=PromiseStatus.OPEN, promised_on__gte=as_of
        ).values_list("pk", "customer_id")
    )
    named: set[int] = set()
    for promise_id, installment_id in PromiseToPay.installments.through.objects.filter(
        promisetopay_id__in=promises
    ).values_list("promisetopay_id", "installment_id"):
        named.add(promise_id)
        installments.add(installment_id)
    customers = {customer_id for promise_id, customer_id in promises.items() if promise_id not in named}
    return Waiting(frozenset(installments), frozenset(customers))


def _performed(customer_ids: Sequence[int]) -> dict[int, set[int]]:
    done: dict[int, set[int]] = defaultdict(set)
    for installment_id, step_id in DunningAction.objects.filter(customer_id__in=customer_ids).values_list(
        "installment_id", "step_id"
    ):
        done[installment_id].add(step_id)
    return done


def _settings(
    customer_ids: Sequence[int], found: dict[int, Ladder], default: Ladder | None, language: str
) -> dict[int, Settings]:
    plain = Settings(default, None, None, None, language)
    settings = dict.fromkeys(customer_ids, plain)
    for row in CustomerDunning.objects.filter(customer_id__in=customer_ids):
        ladder = found.get(row.policy_id, default) if row.policy_id else default
        settings[row.customer_id] = Settings(
            ladder, row.collector_id, row.paused_until, row.final_on, row.language or language
        )
    return settings


def _customer_plans(items: dict[int, list[DueItem]], settings: dict[int, Settings]) -> list[CustomerPlan]:
    if not items:
        return []
    plans = {
        pk: CustomerPlan(pk, code, name, owner_id, settings[pk], items[pk])
        for pk, code, name, owner_id in Customer.objects.filter(pk__in=items).values_list(
            "pk", "code", "name", "owner_id"
        )
    }
    # the primary contact first, then the oldest: the first with an email gets the email, the first
    # with a phone the text
    for customer_id, name, email, phone in (
        Contact.objects.filter(customer_id__in=plans)
        .order_by("customer_id", "-is_primary", "pk")
        .values_list("customer_id", "name", "email", "phone")
    ):
        plan = plans[customer_id]
        if email and not plan.email:
            plan.email = email
            plan.contact_name = plan.contact_name or name
        if phone and not plan.phone:
            plan.phone = phone
            plan.contact_name = plan.contact_name or name
    return [plans[pk] for pk in sorted(plans)]


def finance_managers(company_id: int) -> list[User]:
    """Who an escalation goes to: the company's active finance managers."""
    return list(User.objects.filter(company_id=company_id, role=Role.FINANCE_MANAGER, is_active=True).order_by("pk"))
