"""Time travel: the daily run over 120 simulated days for a demo company, every step and message
checked against the policy afterwards."""

import datetime as dt
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command

from huikuan.accounts.models import Company
from huikuan.contracts.models import Installment
from huikuan.core.dates import today
from huikuan.dunning.choices import Channel, MessageKind
from huikuan.dunning.models import CollectionTask, CustomerDunning, DunningAction, DunningPolicy, Message
from huikuan.dunning.planning import Ladder
from huikuan.dunning.selectors import message_actions
from huikuan.dunning.services.run import dunning_run

pytestmark = pytest.mark.django_db
DAYS = 120


def test_120_days_of_daily_runs_follow_the_policy(settings, tmp_path):
    settings.HUIKUAN_SMS_FILE_PATH = str(tmp_path)
    call_command("demo_data", "--customers", "30", "--contracts", "120", stdout=StringIO())  # runs once, today
    company = Company.objects.get(code="DEMO")
    policy = DunningPolicy.objects.get(company=company, is_default=True)
    steps = list(policy.steps.order_by("days"))
    ladder = Ladder(policy.pk, policy.name, policy.working_days_only, tuple(steps))
    first = today()
    last = first + dt.timedelta(days=DAYS)

    day = first + dt.timedelta(days=1)
    while day <= last:
        dunning_run(company=company, as_of=day, source="test")
        day += dt.timedelta(days=1)

    final_on = dict(CustomerDunning.objects.filter(final_on__isnull=False).values_list("customer_id", "final_on"))
    actions = list(DunningAction.objects.select_related("step"))
    assert actions, "a demo company has overdue installments: steps must have been performed"
    assert sum(action.performed_on > first for action in actions) > 20  # the 120 days did steps, not only today
    performed = {(action.installment_id, action.step_id): action for action in actions}
    assert len(performed) == len(actions)  # once per installment and step

    # every action on the first run day on or after its step date (catching up the days before
    # the first run on the first run), never before it
    installments = Installment.objects.in_bulk({action.installment_id for action in actions})
    for action in actions:
        step_date = ladder.step_date(action.step, installments[action.installment_id].due_date)
        assert action.step_date == step_date
        assert action.performed_on == max(step_date, first), (action.step.name, step_date, action.performed_on)

    # nothing missed: every step due by the last day of every installment still open, unless its
    # customer's case was final before the step fell due
    open_now = Installment.objects.filter(company=company, open_amount__gt=0, booked_on__isnull=False)
    for installment in open_now.exclude(due_date=None):
        for step in steps:
            step_date = ladder.step_date(step, installment.due_date)
            if step_date > last:
                continue
            closed = final_on.get(installment.customer_id)
            if closed is not None and closed < step_date:
                assert (installment.pk, step.pk) not in performed
            else:
                assert (installment.pk, step.pk) in performed, (installment.pk, step.name, step_date)

    # messages: one email per customer and run at most, carrying exactly its customer's steps that
    # email; every emailing step is in exactly one email
    emails = Message.objects.filter(channel=Channel.EMAIL, kind=MessageKind.CUSTOMER_REMINDER)
    per_run = Counter((email.customer_id, email.run_id) for email in emails)
    assert set(per_run.values()) == {1}
    in_emails: Counter = Counter()
    for email in emails:
        for action in message_actions(email).select_related("step"):
            assert action.customer_id == email.customer_id
            assert action.step.email_customer
            in_emails[action.pk] += 1
    emailing = [action.pk for action in actions if action.step.email_customer]
    assert sorted(in_emails) == sorted(emailing)
    assert set(in_emails.values()) == {1}
    # letters ride on the email; a step with a letter marks it
    for email in emails:
        assert email.has_letter == any(action.step.letter for action in message_actions(email).select_related("step"))

    # tasks: one per customer and run at most, for the steps that make one
    tasks = Counter(CollectionTask.objects.filter(run__isnull=False).values_list("customer_id", "run_id"))
    assert set(tasks.values()) <= {1}
    by_run: dict[int, set[int]] = defaultdict(set)
    for action in actions:
        if action.step.task_for:
            by_run[action.run_id].add(action.customer_id)
    assert sum(len(customers) for customers in by_run.values()) == sum(tasks.values())
