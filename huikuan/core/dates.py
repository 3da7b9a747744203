"""Business dates. "Today" is the date in the business time zone (TIME_ZONE), not UTC."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.core.errors import DomainError


def today() -> dt.date:
    return timezone.localdate()


def require_not_future(day: dt.date, *, field: str) -> None:
    """Refuse a date after today for something that has already happened. Raises DomainError."""
    if day > today():
        raise DomainError("date_in_future", _("The date cannot be in the future."), field=field)


def require_order(earlier: dt.date | None, later: dt.date | None, *, field: str, message: str) -> None:
    """Refuse dates out of order. Raises DomainError."""
    if earlier is not None and later is not None and later < earlier:
        raise DomainError("dates_out_of_order", message, field=field)
