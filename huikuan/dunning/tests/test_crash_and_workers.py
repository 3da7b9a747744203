"""Exactly once under failure, with real processes on PostgreSQL: a run killed in the middle and
run again, and two workers running the day's run at the same time."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.db import connection

from huikuan.accounts.models import Company
from huikuan.core.dates import today
from huikuan.demo import company as demo_company
from huikuan.demo.bulk import LARGE_BOOK, bulk_load
from huikuan.demo.dunning import LADDER
from huikuan.dunning.choices import Channel, MessageKind, RunStatus
from huikuan.dunning.models import DunningAction, DunningRun, Message
from huikuan.dunning.services.policies import policy_save
from huikuan.dunning.services.run import dunning_run
from huikuan.dunning.tasks import dunning_run_task

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


@pytest.fixture
def book():
    """A bulk-loaded company of about 1,500 installments of 75 customers (the open ones overdue by
    days to months) with the usual ladder: the first run has steps for most customers."""
    company = demo_company.create_company()
    staff = demo_company.create_staff(company)
    demo_company.create_terms(company, staff.finance)
    bulk_load(company=company, installments=1500, seed=7, shape=LARGE_BOOK)
    policy_save(actor=staff.finance, company=company, name="标准", steps=LADDER, is_default=True)
    return company


def huikuan_process(*args: str) -> subprocess.Popen:
    settings = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    return subprocess.Popen(
        [sys.executable, "-m", "huikuan.manage", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def expected_steps(company: Company, day: dt.date) -> Counter:
    report = dunning_run(company=company, as_of=day, dry_run=True)
    return Counter(
        (item.installment_id, step.pk)
        for outcome in report.outcomes
        for item in outcome.plan.items
        for step, _d in item.steps
    )


def performed() -> Counter:
    return Counter(DunningAction.objects.values_list("installment_id", "step_id"))


def assert_each_customer_emailed_once(customers: int) -> None:
    emails = Counter(
        Message.objects.filter(channel=Channel.EMAIL, kind=MessageKind.CUSTOMER_REMINDER).values_list(
            "customer_id", flat=True
        )
    )
    assert len(emails) == customers
    assert set(emails.values()) == {1}


def test_a_run_killed_halfway_and_run_again_performs_every_step_once(book):
    day = today()
    expected = expected_steps(book, day)
    customers = len(
        {outcome.plan.customer_id for outcome in dunning_run(company=book, as_of=day, dry_run=True).outcomes}
    )
    assert customers > 20

    # when a run (one customer per transaction) is killed once some batches have committed
    process = huikuan_process("dunning", "run", "--date", day.isoformat(), "--batch-size", "1", "--no-send")
    deadline = time.monotonic() + 60
    while DunningAction.objects.values("customer_id").distinct().count() < 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    # then it stopped halfway: part of the steps are recorded, the run never finished
    done = performed()
    assert 0 < sum(done.values()) < sum(expected.values())
    assert DunningRun.objects.get().status == RunStatus.RUNNING

    # when the run goes again, in another process
    again = huikuan_process("dunning", "run", "--date", day.isoformat(), "--no-send")
    output, _ = again.communicate(timeout=120)
    assert again.returncode == 0, output

    # then every due step is performed exactly once, and each customer got one email in all
    assert performed() == expected
    assert_each_customer_emailed_once(customers)
    # and a third run finds nothing to do
    assert dunning_run(company=book, as_of=day).counts() == {}


def test_two_workers_running_the_days_run_at_once_do_everything_once(book):
    day = today()
    expected = expected_steps(book, day)
    customers = len(
        {outcome.plan.customer_id for outcome in dunning_run(company=book, as_of=day, dry_run=True).outcomes}
    )
    # two jobs for the same day (as if two schedulers had both claimed it), two worker processes
    dunning_run_task.enqueue(book.pk, day.isoformat())
    dunning_run_task.enqueue(book.pk, day.isoformat())
    workers = [huikuan_process("worker", "--batch", "--no-schedule", "--interval", "0") for _ in range(2)]
    for worker in workers:
        output, _ = worker.communicate(timeout=180)
        assert worker.returncode == 0, output

    runs = DunningRun.objects.filter(status=RunStatus.FINISHED)
    assert runs.count() == 2
    assert performed() == expected
    assert_each_customer_emailed_once(customers)
