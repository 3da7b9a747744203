"""Filter types shared by every app's FilterSets (API and pages): ids and dates read strictly, so a
query string gets the same answer as a request body (a 400 naming the parameter, never a 500)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from huikuan.core.dates import date_range_message, in_business_range
from huikuan.core.numbers import NumberFormatError, parse_int

# Database ids are signed 64-bit: a bigger number would overflow in the database driver (a 500)
# instead of simply matching nothing.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    """A record id: a plain whole number (``core.numbers.parse_int``) from 1 to MAX_ID."""

    default_error_messages = {"invalid": _("Enter a whole number with digits 0-9: no spaces, separators or exponents.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        try:
            return parse_int(value, allow_negative=True)
        except NumberFormatError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class IdFilter(django_filters.NumberFilter):
    """A filter on a record id: a whole number within the database's range, else a 400."""

    field_class = IdField


class BusinessDateField(forms.DateField):
    """A date within the business date range (core.dates), else a validation error."""

    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        if day is not None and not in_business_range(day):
            raise ValidationError(date_range_message(), code="date_out_of_range")
        return day


class DateFilter(django_filters.DateFilter):
    """A date filter (``due_from``, ``as_of``...) refusing dates outside the business range."""

    field_class = BusinessDateField
