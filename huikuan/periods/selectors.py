"""Which dates are closed for a company."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.db import connection
from django.db.models import QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.core.dates import date_from_sql
from huikuan.periods.models import ClosedPeriod


def month_end(month: dt.date) -> dt.date:
    """The last day of the month that ``month`` falls in."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def closed_through(company_id: int) -> dt.date | None:
    """The last closed day of a company: closed months run without a gap up to it (they are
    closed in order and reopened in reverse order), so every date up to it is closed."""
    # plain SQL: every posting asks, and the ORM took longer to build it than the database to answer
    table = connection.ops.quote_name(ClosedPeriod._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(month) FROM {table} WHERE company_id = %s AND reopened_at IS NULL",  # noqa: S608 - our table
            [company_id],
        )
        last = cursor.fetchone()[0]
    if last is None:
        return None
    return month_end(cast(dt.date, date_from_sql(last)))


def first_open_day(company_id: int) -> dt.date | None:
    """The first day a company may post on, None when no month is closed."""
    last = closed_through(company_id)
    return last + dt.timedelta(days=1) if last else None


def periods_visible_to(user: User) -> QuerySet[ClosedPeriod]:
    return restrict(ClosedPeriod.objects.select_related("company", "closed_by", "reopened_by"), user, owner=None)
