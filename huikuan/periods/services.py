"""Closing and reopening months (结账), and the check every posting service makes."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from huikuan.accounts.models import Company, User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_company
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.core.dates import today
from huikuan.core.errors import DomainError, require_reason
from huikuan.periods.errors import PeriodErrorCode as Code
from huikuan.periods.models import ClosedPeriod
from huikuan.periods.selectors import closed_through, month_end


def _month_label(day: dt.date) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


def _hold_company_for_posting(company_id: int) -> None:
    """A share lock on the company row for the rest of a posting's transaction.

    Closing a month takes the row exclusively (``period_close``), so a posting either commits
    before the close reads the books or waits for it and then sees the month closed: checking the
    closed date and then inserting would otherwise let a posting slip into a month closed in
    between. FOR KEY SHARE conflicts only with that exclusive lock, not with other postings (nor
    with an edit of the company's name). SQLite serializes all writers anyway.

    The lock and the read of the closed months stay two statements: a read in the locking
    statement would use that statement's snapshot, taken before it waited for the close, and
    miss the month just closed; the next statement's snapshot (READ COMMITTED) sees it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM accounts_company WHERE id = %s FOR KEY SHARE", [company_id])


def require_open(*, company_id: int, day: dt.date, field: str) -> None:
    """Refuse a date in a closed month of the company. Called by every service that posts,
    reverses or dates a record that changes receivable figures, inside its transaction.
    Raises DomainError."""
    _hold_company_for_posting(company_id)
    last = closed_through(company_id)
    if last is not None and day <= last:
        raise DomainError(
            Code.PERIOD_CLOSED,
            _(
                "%(month)s is closed: nothing can be posted, reversed or dated in it. "
                "Date the correction on or after %(first_open)s."
            )
            % {"month": _month_label(day), "first_open": date_format(last + dt.timedelta(days=1))},
            field=field,
            extra={"closed_through": last.isoformat()},
        )


def open_date(*, company_id: int, day: dt.date) -> dt.date:
    """``day``, or the company's first open day when ``day`` is in a closed month: for dates the
    services choose themselves (an allocation of an old receipt takes effect in the open period)."""
    _hold_company_for_posting(company_id)
    last = closed_through(company_id)
    return max(day, last + dt.timedelta(days=1)) if last is not None else day


@transaction.atomic
def period_close(*, actor: User, company: Company, month: dt.date) -> ClosedPeriod:
    """Close a month of a company. Months close in order: the first close may be any ended month
    (everything before it counts as closed), later ones only the month after the last closed.
    Raises DomainError."""
    require(actor, Perm.PERIOD_CLOSE)
    require_company(actor, company.pk)
    month = month.replace(day=1)
    # exclusive: waits for postings in flight, holds new ones until this commits
    Company.objects.select_for_update().filter(pk=company.pk).first()
    if month_end(month) >= today():
        raise DomainError(Code.MONTH_NOT_ENDED, _("Only a month that has ended can be closed."), field="month")
    last = closed_through(company.pk)
    if last is not None:
        expected = last + dt.timedelta(days=1)
        if month <= last:
            raise DomainError(
                Code.ALREADY_CLOSED, _("%(month)s is already closed.") % {"month": _month_label(month)}, field="month"
            )
        if month != expected:
            raise DomainError(
                Code.CLOSE_IN_ORDER,
                _("Months are closed in order: close %(month)s first.") % {"month": _month_label(expected)},
                field="month",
            )
    period = ClosedPeriod.objects.create(company=company, month=month, closed_by=actor)
    audit.record(action=AuditAction.PERIOD_CLOSED, target=period, actor=actor, data={"month": month})
    return period


@transaction.atomic
def period_reopen(*, actor: User, period: ClosedPeriod, reason: str) -> ClosedPeriod:
    """Reopen the last closed month of a company, with a reason; an earlier month is reopened by
    reopening the later ones first. Needs the reopen permission. Raises DomainError."""
    require(actor, Perm.PERIOD_REOPEN)
    require_company(actor, period.company_id)
    reason = require_reason(reason)
    Company.objects.select_for_update().filter(pk=period.company_id).first()
    period = ClosedPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_reopened:
        raise DomainError(Code.ALREADY_REOPENED, _("This month is already reopened."))
    last = closed_through(period.company_id)
    if last is not None and month_end(period.month) != last:
        raise DomainError(
            Code.REOPEN_IN_ORDER,
            _("Reopen the later months first: %(month)s is closed.") % {"month": _month_label(last)},
        )
    period.reopened_by, period.reopened_at, period.reopen_reason = actor, timezone.now(), reason
    period.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    audit.record(
        action=AuditAction.PERIOD_REOPENED, target=period, actor=actor, reason=reason, data={"month": period.month}
    )
    return period
