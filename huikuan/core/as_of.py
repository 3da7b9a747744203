"""The ``as_of`` date of every list, report and figure: parsed here once for the API and the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from huikuan.core.dates import date_range_message, in_business_range, today
from huikuan.core.errors import CoreErrorCode, DomainError


def as_of_from(params: Mapping[str, Any], name: str = "as_of") -> dt.date:
    """The date figures are computed for: the ``as_of`` parameter (ISO date), today when absent or
    blank. Raises ValidationError naming the parameter (the API answers 400 with field messages,
    a page shows it on the field) for anything else."""
    raw = params.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return today()
    try:
        day = forms.DateField(input_formats=["%Y-%m-%d"]).clean(raw)
    except ValidationError as error:
        raise DomainError(CoreErrorCode.INVALID_DATE, _("Enter a valid date (YYYY-MM-DD)."), field=name) from error
    # the one business date range (core.dates); it also keeps the figures' bucket arithmetic far
    # from the ends of the calendar
    if not in_business_range(day):
        raise DomainError(CoreErrorCode.DATE_OUT_OF_RANGE, date_range_message(), field=name)
    return day
