"""Document numbers from configurable patterns such as ``HT-{year}-{seq:05d}``."""

from __future__ import annotations

import datetime as dt
import string
from typing import cast

from django.db import IntegrityError, transaction
from django.db.models import F, Field, Model
from django.utils.translation import gettext as _

from huikuan.core.errors import DomainError
from huikuan.core.models import NumberSequence

ALLOWED_FIELDS = {"year", "month", "seq", "company"}


def validate_pattern(pattern: str) -> None:
    """Refuse a pattern that cannot produce unique numbers. Raises DomainError."""
    try:
        fields = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name}
        unknown = fields - ALLOWED_FIELDS
        if unknown or "seq" not in fields:
            raise ValueError
        pattern.format(year=2000, month=1, seq=1, company="X")
    except (ValueError, KeyError, IndexError) as error:
        raise DomainError(
            "invalid_number_pattern",
            _("A number pattern needs {seq} and may use {year}, {month} and {company}."),
            field="pattern",
        ) from error


def next_number(*, company, kind: str, pattern: str, on: dt.date) -> str:
    """Hand out the next number of a kind for a company; yearly or monthly series restart."""
    validate_pattern(pattern)
    if "{month" in pattern:
        period = f"{on.year:04d}-{on.month:02d}"
    elif "{year" in pattern:
        period = f"{on.year:04d}"
    else:
        period = ""
    with transaction.atomic():
        updated = NumberSequence.objects.filter(company=company, kind=kind, period=period).update(
            last_value=F("last_value") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    NumberSequence.objects.create(company=company, kind=kind, period=period, last_value=1)
            except IntegrityError:
                NumberSequence.objects.filter(company=company, kind=kind, period=period).update(
                    last_value=F("last_value") + 1
                )
        seq = NumberSequence.objects.get(company=company, kind=kind, period=period).last_value
    return pattern.format(year=on.year, month=on.month, seq=seq, company=company.code)


def _number_field(model: type[Model], name: str) -> Field:
    # get_field may also return a reverse relation; a number is always a column of the model.
    return cast(Field, model._meta.get_field(name))


def assign_number(*, model: type[Model], company, given: str, field: str, kind: str, pattern: str, on: dt.date) -> str:
    """The number a new record gets: the one given, if no other record of the company has it,
    else the next from the pattern. Raises DomainError."""
    given = (given or "").strip()
    if not given:
        return next_number(company=company, kind=kind, pattern=pattern, on=on)
    if model._default_manager.filter(company=company, **{field: given}).exists():
        raise DomainError(
            "duplicate_number",
            _("Another %(record)s has this %(field)s.")
            % {"record": model._meta.verbose_name, "field": _number_field(model, field).verbose_name},
            field=field,
        )
    return given
