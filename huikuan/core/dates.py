"""Business dates. "Today" is the date in the business time zone (TIME_ZONE), not UTC."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.core.errors import CoreErrorCode, DomainError


def today() -> dt.date:
    return timezone.localdate()


def date_from_sql(value: dt.date | str | None) -> dt.date | None:
    """A date read with plain SQL: SQLite gives an aggregate of dates (MAX, MIN) back as text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def require_not_future(day: dt.date, *, field: str) -> None:
    """Refuse a date after today for something that has already happened. Raises DomainError."""
    if day > today():
        raise DomainError(CoreErrorCode.DATE_IN_FUTURE, _("The date cannot be in the future."), field=field)


def require_order(earlier: dt.date | None, later: dt.date | None, *, field: str, message: str) -> None:
    """Refuse dates out of order. Raises DomainError."""
    if earlier is not None and later is not None and later < earlier:
        raise DomainError(CoreErrorCode.DATES_OUT_OF_ORDER, message, field=field)


# Business dates (signing, receipt, due, milestone, effective and reversal dates, ``as_of`` and
# date filters) lie in one range. A real contract or receipt is never dated outside it, and a
# year 1 or 9999 date is a typing mistake that would also overflow date arithmetic (9999-12-31 +
# 30 days) and the databases' date functions.
MIN_DATE = dt.date(1990, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)

# Offsets of a due date (payment terms lines, milestone installments): at most ten years in days
# and in months, so that MAX_DATE plus any offset is still a valid date.
MAX_OFFSET_DAYS = 3650
MAX_OFFSET_MONTHS = 120


def date_range_message() -> str:
    return _("Enter a date from %(min)s to %(max)s.") % {"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()}


def in_business_range(day: dt.date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def require_business_date(day: dt.date | None, *, field: str) -> None:
    """Refuse a date outside MIN_DATE..MAX_DATE (None is left to the caller). Raises DomainError."""
    if day is not None and not in_business_range(day):
        raise DomainError(CoreErrorCode.DATE_OUT_OF_RANGE, date_range_message(), field=field)


def _require_offset(value: object, *, limit: int, message: str, field: str) -> None:
    if value is not None and not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit):
        raise DomainError(CoreErrorCode.OFFSET_OUT_OF_RANGE, message % {"max": limit}, field=field)


def require_offset_days(value: object, *, field: str) -> None:
    """Refuse an offset in days outside 0..MAX_OFFSET_DAYS (None is no offset). Raises DomainError."""
    _require_offset(value, limit=MAX_OFFSET_DAYS, message=_("Days must be from 0 to %(max)s."), field=field)


def require_offset_months(value: object, *, field: str) -> None:
    """Refuse an offset in months outside 0..MAX_OFFSET_MONTHS (None is no offset). Raises DomainError."""
    _require_offset(value, limit=MAX_OFFSET_MONTHS, message=_("Months must be from 0 to %(max)s."), field=field)


def month_start(day: dt.date, months_back: int = 0) -> dt.date:
    """The first day of ``day``'s month, or of the month ``months_back`` before it (after it when
    negative)."""
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from ``first``'s to ``last``'s, both included."""
    months = []
    month = month_start(first)
    while month <= last:
        months.append(month)
        month = month_start(month, -1)
    return months
