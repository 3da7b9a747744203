"""Rule 3 on every date, not only today: a back-dated allocation or adjustment must fit what was
open (or unallocated) on each day from its date on.

An installment written off on 5 April and the write-off reversed on 10 May is open again today;
a credit note dated 9 January fits today, but between 5 April and 10 May it would have cleared
more than the installment asked for, and the aging of those days would show a negative amount. The
smallest open amount from a date on is reached on that date or on a later date a row took effect
(rows only take effect or end), so those dates are the only ones checked. Called with the
installment or receipt locked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import cast

from django.db import connection
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from huikuan.contracts.models import Installment
from huikuan.core.dates import date_from_sql, today
from huikuan.core.errors import DomainError
from huikuan.core.money import cents_sql, display, from_cents
from huikuan.receivables.errors import ReceivableErrorCode as Code
from huikuan.receivables.models import Adjustment, Allocation, Receipt

Row = tuple[Decimal, dt.date, dt.date | None]  # amount, effective on, reversed on


def _tightest(total: Decimal, rows: Iterable[Row], start: dt.date) -> tuple[Decimal, dt.date]:
    """The smallest of ``total`` minus the rows in effect, over every day from ``start`` on, and
    the first day it is reached."""
    rows = list(rows)
    days = sorted({start, *(effective for _amount, effective, _reversed in rows if effective > start)})
    best: tuple[Decimal, dt.date] | None = None
    for day in days:
        used = sum(
            (
                amount
                for amount, effective, reversed_on in rows
                if effective <= day and (reversed_on is None or reversed_on > day)
            ),
            Decimal(0),
        )
        if best is None or total - used < best[0]:
            best = (total - used, day)
    assert best is not None  # noqa: S101 - days holds start
    return best


def _rows(model: type[Allocation | Adjustment], column: str, pk: int) -> list[Row]:
    """The amount, effective and reversal dates of every row of ``model`` whose ``column`` is
    ``pk``. Plain SQL (every back-dated allocation reads them), amounts as whole cents so SQLite
    gives them back exact."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {cents_sql('amount')}, effective_on, reversed_on FROM {table}"  # noqa: S608
            f" WHERE {connection.ops.quote_name(column)} = %s",
            [pk],
        )
        found = cursor.fetchall()
    return [
        (from_cents(cents), cast(dt.date, date_from_sql(effective)), date_from_sql(reversed_on))
        for cents, effective, reversed_on in found
    ]


def _installment_rows(installment: Installment) -> list[Row]:
    if installment.first_effective_on is None:
        return []  # nothing ever took effect on it
    return _rows(Allocation, "installment_id", installment.pk) + _rows(Adjustment, "installment_id", installment.pk)


def require_installment_room(installment: Installment, *, amount: Decimal, effective_on: dt.date) -> None:
    """Refuse an allocation or adjustment that would clear more than the installment had open on
    some day from ``effective_on`` on. Raises DomainError."""
    if effective_on >= today() or installment.first_effective_on is None:
        return  # nothing dated after it, or no row at all: today's open amount is the one limit
    room, day = _tightest(installment.amount, _installment_rows(installment), effective_on)
    if amount > room:
        raise DomainError(
            Code.EXCEEDS_INSTALLMENT,
            _("Only %(open)s of the installment was open on %(date)s; date it later or undo what cleared it.")
            % {"open": display(max(room, Decimal("0.00"))), "date": date_format(day)},
            field="amount",
        )


def require_receipt_room(receipt: Receipt, *, amount: Decimal, effective_on: dt.date) -> None:
    """Refuse an allocation that would apply more of the receipt than was unallocated on some day
    from ``effective_on`` on. Raises DomainError."""
    if effective_on >= today():
        return
    room, day = _tightest(receipt.amount, _rows(Allocation, "receipt_id", receipt.pk), effective_on)
    if amount > room:
        raise DomainError(
            Code.EXCEEDS_RECEIPT,
            _("Only %(left)s of the receipt was unallocated on %(date)s; date it later.")
            % {"left": display(max(room, Decimal("0.00"))), "date": date_format(day)},
            field="amount",
        )


def first_day_with_installment_room(installment: Installment, *, amount: Decimal, start: dt.date) -> dt.date:
    """``first_day_with_room`` for an allocation of a receipt recorded with it: nothing else of the
    receipt is in effect before it, so only the installment limits the date."""
    if start >= today() or installment.first_effective_on is None:
        return start
    installment_rows = _installment_rows(installment)
    ends = {reversed_on for _a, _e, reversed_on in installment_rows if reversed_on and reversed_on > start}
    for day in sorted({start, *ends}):
        if day >= today():
            break
        if _tightest(installment.amount, installment_rows, day)[0] >= amount:
            return day
    return max(start, today())


def first_day_with_room(installment: Installment, receipt: Receipt, *, amount: Decimal, start: dt.date) -> dt.date:
    """The earliest day from ``start`` on from which an allocation of ``amount`` fits both the
    installment and the receipt on every later day: the date an allocation takes when none is
    given. Money freed by a reversal today is matched from today, not from the day it arrived."""
    if start >= today():
        return start
    installment_rows = _installment_rows(installment)
    receipt_rows = _rows(Allocation, "receipt_id", receipt.pk)
    # room from a day on only grows on the days rows end: those are the candidates
    ends = {
        reversed_on for _a, _e, reversed_on in installment_rows + receipt_rows if reversed_on and reversed_on > start
    }
    for day in sorted({start, *ends}):
        if day >= today():
            break
        fits_installment = _tightest(installment.amount, installment_rows, day)[0] >= amount
        if fits_installment and _tightest(receipt.amount, receipt_rows, day)[0] >= amount:
            return day
    return max(start, today())
