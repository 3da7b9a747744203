"""Which dates are closed for a company."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.periods.models import ClosedPeriod


def month_end(month: dt.date) -> dt.date:
    """The last day of the month that ``month`` falls in."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def closed_through(company_id: int) -> dt.date | None:
    """The last closed day of a company: closed months run without a gap up to it (they are
    closed in order and reopened in reverse order), so every date up to it is closed."""
    last = ClosedPeriod.objects.filter(company_id=company_id, reopened_at__isnull=True).aggregate(m=Max("month"))["m"]
    return month_end(last) if last else None


def first_open_day(company_id: int) -> dt.date | None:
    """The first day a company may post on, None when no month is closed."""
    last = closed_through(company_id)
    return last + dt.timedelta(days=1) if last else None


def periods_visible_to(user: User) -> QuerySet[ClosedPeriod]:
    return restrict(ClosedPeriod.objects.select_related("company", "closed_by", "reopened_by"), user, owner=None)
