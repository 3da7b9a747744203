"""``huikuan dunning run`` by hand, and the schedule that starts the daily run once per day."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from huikuan.dunning.choices import MessageStatus
from huikuan.dunning.models import DunningAction, DunningRun, Message, ScheduledRun
from huikuan.dunning.services.schedule import RETRY_AFTER
from huikuan.dunning.tasks import dispatch_outbox_task, dunning_run_task, schedule_tick

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def run_command(*args):
    out = io.StringIO()
    call_command("dunning", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_what_would_happen_and_changes_nothing(company, policy, debtor, collector):
    output = run_command("run", "--date", "2025-03-15", "--dry-run")
    assert "HQ 上海总部有限公司 2025-03-15: Dry run, nothing changed" in output
    assert "甲方科技有限公司: 2 × [-7 到期前提醒, +0 到期日提醒, +3 逾期通知, +15 电话催收, +30 催收函]" in output
    assert "Email → wang@jiafang.example.com" in output
    assert "task for rep" in output
    assert "1 customers, 2 installments, 8 steps performed" in output
    assert not DunningAction.objects.exists()
    assert not Message.objects.exists()


def test_run_records_and_sends_to_files_by_default(company, policy, debtor, settings, tmp_path):
    settings.EMAIL_BACKEND = "huikuan.core.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")

    output = run_command("run", "--date", "2025-02-03")

    assert "Sending: 1 sent, 0 to retry, 0 failed, 0 unknown" in output
    [eml] = (tmp_path / "mail").glob("*.eml")
    assert "wang@jiafang.example.com" in eml.read_text()
    assert Message.objects.get(channel="email").status == MessageStatus.SENT
    # again: nothing is due any more
    assert "No step is due." in run_command("run", "--date", "2025-02-03")


def test_bad_input_exits_with_an_error(company, policy):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run_command("run", "--date", "3 Feb")
    with pytest.raises(CommandError, match="No company has the code XX"):
        run_command("run", "--company", "XX")
    with pytest.raises(CommandError):
        run_command("run", "--date", "1800-01-01")
    assert not DunningRun.objects.exists()


def at(day, hour, minute=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def queued(task):
    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY")


def test_the_schedule_starts_each_days_run_once_after_its_time(company, policy, debtor):
    day = dt.date(2025, 2, 3)
    assert schedule_tick(at(day, 7, 59)) == []

    assert schedule_tick(at(day, 8, 0)) == [f"run {company.pk} {day}"]
    # a second worker's clock, or the next tick: already claimed
    assert schedule_tick(at(day, 8, 0)) == []
    assert schedule_tick(at(day, 8, 30)) == []
    # an hour on, its job still waits for a worker: not queued twice
    assert schedule_tick(at(day, 10, 0)) == []
    [job] = queued(dunning_run_task)
    assert job.args_kwargs == {"args": [company.pk, "2025-02-03"], "kwargs": {}}
    assert ScheduledRun.objects.get().business_date == day


def test_a_run_that_never_finished_is_started_again_after_an_hour(company, policy, debtor):
    day = dt.date(2025, 2, 3)
    schedule_tick(at(day, 8))
    # its worker died in the job: no finished run for the day, and the job is not waiting any more
    DBTaskResult.objects.update(status="FAILED")
    assert schedule_tick(at(day, 8) + RETRY_AFTER - dt.timedelta(minutes=1)) == []
    assert schedule_tick(at(day, 8) + RETRY_AFTER + dt.timedelta(minutes=1)) == [f"run {company.pk} {day}"]
    assert ScheduledRun.objects.get().attempts == 2


def test_a_finished_run_is_not_started_again(company, policy, debtor):
    day = dt.date(2025, 2, 3)
    schedule_tick(at(day, 8))
    # the worker runs the job: the day's run finishes and the outbox is queued
    assert dunning_run_task.call(company.pk, day.isoformat()) == {
        "customers": 1,
        "installments": 1,
        "steps": 1,
        "messages_email": 1,
        "owner_digests": 1,
    }
    assert queued(dispatch_outbox_task).count() == 1
    assert schedule_tick(at(day, 8) + RETRY_AFTER * 3) == []
    assert queued(dunning_run_task).count() == 1  # the first, never a second


def test_the_schedule_starts_the_outbox_for_due_messages_once(company, policy, debtor):
    from huikuan.dunning.services.run import dunning_run

    dunning_run(company=company, as_of=dt.date(2025, 2, 3))
    now = at(dt.date(2025, 2, 3), 7)  # before the run time: only the outbox
    assert schedule_tick(now) == ["dispatch"]
    assert schedule_tick(now) == []  # one dispatch is waiting already
    assert queued(dispatch_outbox_task).count() == 1
