"""The scheduler's claims: which worker starts a company's daily run. Several workers tick at
once; the one whose claim is written starts the run, the others see it taken. A claim whose run
has not finished an hour later (its worker died) may be taken again: the run is safe to repeat."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from huikuan.dunning.choices import RunStatus
from huikuan.dunning.models import DunningRun, ScheduledRun

RETRY_AFTER = dt.timedelta(hours=1)


def scheduled_run_claim(*, company_id: int, business_date: dt.date, now: dt.datetime) -> bool:
    """True when the caller should start the company's run for the date (and has claimed it)."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(company_id=company_id, business_date=business_date, enqueued_at=now)
        return True
    except IntegrityError:
        pass
    finished = DunningRun.objects.filter(
        company_id=company_id, business_date=business_date, status=RunStatus.FINISHED
    ).exists()
    if finished:
        return False
    # a conditional update: of several workers retrying at once, one moves the claim
    claim = ScheduledRun.objects.get(company_id=company_id, business_date=business_date)
    if claim.enqueued_at > now - RETRY_AFTER:
        return False
    return bool(
        ScheduledRun.objects.filter(pk=claim.pk, enqueued_at=claim.enqueued_at).update(
            enqueued_at=now, attempts=claim.attempts + 1
        )
    )


def interrupted_runs_close(*, company_id: int, now: dt.datetime | None = None) -> int:
    """Mark as failed the runs of a company still "running" long after any run could have ended
    (their process was killed); the steps they did not reach are done by the next run."""
    now = now or timezone.now()
    return DunningRun.objects.filter(
        company_id=company_id, status=RunStatus.RUNNING, started_at__lt=now - RETRY_AFTER
    ).update(
        status=RunStatus.FAILED, finished_at=now, error="interrupted: the run's process stopped before it finished"
    )
