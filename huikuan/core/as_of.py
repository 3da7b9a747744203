"""The ``as_of`` date of every list, report and figure: parsed here once for the API and the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from huikuan.core.dates import today

# Figures subtract bucket bounds (up to a few years) from the date and look a day past it: the
# range keeps that arithmetic far from the ends of the calendar.
EARLIEST_AS_OF = dt.date(1900, 1, 1)
LATEST_AS_OF = dt.date(9000, 12, 31)


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
        raise ValidationError({name: _("Enter a valid date (YYYY-MM-DD).")}, code="invalid") from error
    if not EARLIEST_AS_OF <= day <= LATEST_AS_OF:
        message = _("The date must be between %(earliest)s and %(latest)s.") % {
            "earliest": EARLIEST_AS_OF.isoformat(),
            "latest": LATEST_AS_OF.isoformat(),
        }
        raise ValidationError({name: message}, code="invalid")
    return day
