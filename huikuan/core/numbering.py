"""Document numbers from configurable patterns such as ``HT-{year}-{seq:05d}``."""

from __future__ import annotations

import datetime as dt
import sqlite3
import string
from typing import cast

from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model
from django.utils.translation import gettext as _

from huikuan.core.errors import CoreErrorCode, DomainError
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
            CoreErrorCode.INVALID_NUMBER_PATTERN,
            _("A number pattern needs {seq} and may use {year}, {month} and {company}."),
            field="pattern",
        ) from error


def _increment(company_id: int, kind: str, period: str, by: int = 1) -> int | None:
    """Add ``by`` to a series and return the new value in one statement (the row stays locked
    until the caller's transaction ends); None when the series has no row yet."""
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    where = " WHERE company_id = %s AND kind = %s AND period = %s"
    params: list[int | str] = [by, company_id, kind, period]
    # S608: only our own table name is formatted in; the values are parameters.
    with connection.cursor() as cursor:
        if _has_returning():
            cursor.execute(f"UPDATE {table} SET last_value = last_value + %s{where} RETURNING last_value", params)  # noqa: S608
        else:  # SQLite before 3.35: the write lock is held since BEGIN IMMEDIATE, so read it back
            cursor.execute(f"UPDATE {table} SET last_value = last_value + %s{where}", params)  # noqa: S608
            cursor.execute(f"SELECT last_value FROM {table}{where}", params[1:])  # noqa: S608
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _has_returning() -> bool:
    return connection.vendor != "sqlite" or sqlite3.sqlite_version_info >= (3, 35)


def next_number(*, company, kind: str, pattern: str, on: dt.date) -> str:
    """Hand out the next number of a kind for a company; yearly or monthly series restart."""
    return next_numbers(company=company, kind=kind, pattern=pattern, on=on, count=1)[0]


def next_numbers(*, company, kind: str, pattern: str, on: dt.date, count: int) -> list[str]:
    """Hand out the next ``count`` numbers of a kind for a company in one statement (a batch of
    receipts from a bank statement), in order."""
    validate_pattern(pattern)
    if "{month" in pattern:
        period = f"{on.year:04d}-{on.month:02d}"
    elif "{year" in pattern:
        period = f"{on.year:04d}"
    else:
        period = ""
    last = _increment(company.pk, kind, period, count)
    if last is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first number may win the insert
                NumberSequence.objects.create(company=company, kind=kind, period=period, last_value=count)
            last = count
        except IntegrityError:
            last = _increment(company.pk, kind, period, count)
    if last is None:  # pragma: no cover - the row exists once the insert above lost to another
        raise RuntimeError("number sequence row vanished")
    return [
        pattern.format(year=on.year, month=on.month, seq=seq, company=company.code)
        for seq in range(last - count + 1, last + 1)
    ]


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
            CoreErrorCode.DUPLICATE_NUMBER,
            _("Another %(record)s has this %(field)s.")
            % {"record": model._meta.verbose_name, "field": _number_field(model, field).verbose_name},
            field=field,
        )
    return given
