"""Background jobs (Django's Tasks API, run by ``huikuan worker``): they load by id, call a service
and start what follows; and the schedule that starts the daily run."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from huikuan.accounts.models import Company
from huikuan.dunning.models import Message
from huikuan.dunning.services.outbox import STUCK_AFTER, due_messages, outbox_dispatch
from huikuan.dunning.services.run import dunning_run
from huikuan.dunning.services.schedule import interrupted_runs_close, scheduled_run_claim

logger = logging.getLogger(__name__)


@task()
def dunning_run_task(company_id: int, business_date: str) -> dict[str, int]:
    """One company's daily run for a business date (YYYY-MM-DD), then the outbox."""
    company = Company.objects.get(pk=company_id)
    interrupted_runs_close(company_id=company_id)
    report = dunning_run(company=company, as_of=dt.date.fromisoformat(business_date), source="schedule")
    dispatch_outbox_task.enqueue()
    return report.counts()


@task()
def dispatch_outbox_task() -> dict[str, int]:
    """Send the queued messages that are due."""
    return outbox_dispatch().as_dict()


def dunning_time() -> dt.time:
    hours, _sep, minutes = settings.HUIKUAN_DUNNING_TIME.partition(":")
    return dt.time(int(hours), int(minutes or 0))


def schedule_tick(now: dt.datetime | None = None) -> list[str]:
    """What the worker's clock does every half minute: start each company's daily run once the
    day's run time has passed (catching up a run that died), and start the outbox when messages
    are due and no dispatch is waiting. Returns what it started."""
    now = now or timezone.now()
    started: list[str] = []
    local = timezone.localtime(now)
    if local.time() >= dunning_time():
        waiting_runs = {
            tuple(args_kwargs["args"])
            for args_kwargs in DBTaskResult.objects.filter(
                task_path=dunning_run_task.module_path, status=TaskResultStatus.READY
            ).values_list("args_kwargs", flat=True)
        }
        for company_id in Company.objects.order_by("pk").values_list("pk", flat=True):
            if (company_id, local.date().isoformat()) in waiting_runs:
                continue  # queued and not started: the workers are busy or down, not the run lost
            if scheduled_run_claim(company_id=company_id, business_date=local.date(), now=now):
                dunning_run_task.enqueue(company_id, local.date().isoformat())
                started.append(f"run {company_id} {local.date()}")
    # a dispatch waiting or running already will see the due messages; one "running" for long
    # died with its worker and waits for nothing
    waiting = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING, started_at__gte=now - STUCK_AFTER),
        task_path=dispatch_outbox_task.module_path,
    ).exists()
    if not waiting and Message.objects.filter(due_messages(now)).exists():
        dispatch_outbox_task.enqueue()
        started.append("dispatch")
    return started
