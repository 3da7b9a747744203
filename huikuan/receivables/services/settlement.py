"""Keeping the maintained figures (installment open amount, collected amount, what settled it and
when; receipt allocated amount) equal to what the dated rows say. Called inside the writing
service's transaction, after it locked the rows. The only writer of these columns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, Sum

from huikuan.contracts.models import Installment
from huikuan.contracts.services import contract_refresh_completion, contracts_refresh_completion
from huikuan.core import rows
from huikuan.core.dates import date_from_sql
from huikuan.core.money import Cents, cents_sql, from_cents
from huikuan.receivables.choices import AdjustmentKind
from huikuan.receivables.figures import settled_status
from huikuan.receivables.models import Adjustment, Allocation, Receipt

ACTIVE = Q(reversed_on__isnull=True)
SETTLED_FIGURES = ("open_amount", "collected_amount", "settled_status", "settled_on", "first_effective_on")


_EMPTY_TOTALS = {
    "active": None,
    "written_off": None,
    "last_effective": None,
    "last_reversed": None,
    "first_effective": None,
    "first_live": None,
}


def _dated_rows_totals(installment_ids: list[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """Per installment and kind of dated row (allocations, adjustments): the active amount and
    the active write-offs in whole cents (exact on every database), the last date a row took
    effect or was reversed and the first date one took effect.

    Plain SQL, one statement for both tables per 500 installments: every allocation that settles
    an installment runs it, and the ORM took longer to build the two aggregates than the database
    to answer them."""
    cents = cents_sql("amount")
    quote = connection.ops.quote_name
    found: dict[int, dict[str, dict[str, Any]]] = {
        pk: {"allocations": dict(_EMPTY_TOTALS), "adjustments": dict(_EMPTY_TOTALS)} for pk in installment_ids
    }
    with connection.cursor() as cursor:
        for start in range(0, len(installment_ids), 500):
            chunk = installment_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            parts: list[str] = []
            params: list[Any] = []
            for name, model, write_off in (
                ("allocations", Allocation, "0"),
                ("adjustments", Adjustment, f"SUM(CASE WHEN reversed_on IS NULL AND kind = %s THEN {cents} END)"),
            ):
                parts.append(
                    f"SELECT installment_id, '{name}', SUM(CASE WHEN reversed_on IS NULL THEN {cents} END),"  # noqa: S608
                    f" {write_off}, MAX(effective_on), MAX(reversed_on), MIN(effective_on),"
                    f" MIN(CASE WHEN reversed_on IS NULL THEN effective_on END) FROM {quote(model._meta.db_table)}"
                    f" WHERE installment_id IN ({marks}) GROUP BY installment_id"
                )
                params += [AdjustmentKind.WRITE_OFF.value] if model is Adjustment else []
                params += chunk
            cursor.execute(" UNION ALL ".join(parts), params)
            for (
                pk,
                name,
                active,
                written_off,
                last_effective,
                last_reversed,
                first_effective,
                first_live,
            ) in cursor.fetchall():
                found[pk][name] = {
                    "active": active,
                    "written_off": written_off,
                    "last_effective": date_from_sql(last_effective),
                    "last_reversed": date_from_sql(last_reversed),
                    "first_effective": date_from_sql(first_effective),
                    "first_live": date_from_sql(first_live),
                }
    return found


def refresh_installment(installment: Installment) -> Installment:
    """Recompute open amount, collected amount, settled status and dates from allocations and
    adjustments, summed in whole cents (exact on every database). ``installment`` comes from
    ``lock_objects.installments_for_update``: it and its contract are locked.

    ``settled_on`` is the last date on which any of its rows took effect or was reversed; from then
    on the open amount stays zero, so a past-date report can skip installments settled by then.
    ``settled_status`` says what cleared it (``figures.settled_status``), blank while open.
    ``first_effective_on`` is the earliest date any of its rows took effect: before it the open
    amount is the whole amount, so a past-date report sums rows only for installments touched by then.
    ``last_reversed_on`` is the latest date one of its rows was reversed and ``first_collected_on``
    the earliest date one of its allocations still in effect took effect: on a date no reversal
    came after, its rows in effect are the live ones dated by then, so whether it was open or partly
    paid follows from the columns (``figures.status_parts``)."""
    _recompute(installment, _dated_rows_totals([installment.pk])[installment.pk])
    rows.update(installment, _SETTLED_WRITE)
    contract_refresh_completion(installment.contract)
    return installment


def _recompute(installment: Installment, totals: dict[str, dict[str, Any]]) -> None:
    """Set every maintained figure of an installment from the totals of its dated rows."""
    allocations, adjustments = totals["allocations"], totals["adjustments"]
    collected, adjusted = from_cents(allocations["active"]), from_cents(adjustments["active"])
    written_off = from_cents(adjustments["written_off"])
    last_dates = [
        figures[name]
        for figures in (allocations, adjustments)
        for name in ("last_effective", "last_reversed")
        if figures[name]
    ]
    first_dates = [figures["first_effective"] for figures in (allocations, adjustments) if figures["first_effective"]]
    reversals = [figures["last_reversed"] for figures in (allocations, adjustments) if figures["last_reversed"]]
    installment.last_reversed_on = max(reversals, default=None)
    installment.first_collected_on = allocations["first_live"]
    _set_settled_figures(
        installment,
        collected=collected,
        credited=adjusted - written_off,
        written_off=written_off,
        last_dates=last_dates,
        first_dates=first_dates,
    )


_SETTLED_WRITE = (*SETTLED_FIGURES, "last_reversed_on", "first_collected_on")
_IN_PLACE = ("open_amount", "collected_amount", "first_effective_on", "first_collected_on")


def _set_settled_figures(
    installment: Installment,
    *,
    collected: Decimal,
    credited: Decimal,
    written_off: Decimal,
    last_dates: list[dt.date],
    first_dates: list[dt.date],
) -> None:
    installment.open_amount = installment.amount - collected - credited - written_off
    installment.collected_amount = collected
    settled = installment.open_amount == 0 and bool(last_dates)
    installment.settled_on = max(last_dates) if settled else None
    installment.settled_status = (
        settled_status(collected=collected, credited=credited, written_off=written_off) if settled else ""
    )
    installment.first_effective_on = min(first_dates, default=None)


def apply_allocation(installment: Installment, *, amount: Decimal, effective_on: dt.date) -> Installment:
    """The figures after one new allocation of a locked installment: while the installment stays
    open only its open and collected amounts and first date change, so they are updated in place
    (the write path of every receipt); when the allocation settles it, everything is recomputed,
    settled date and status included, from the dated rows, unless it is the installment's first
    row (``apply_allocations``)."""
    apply_allocations([(installment, amount, effective_on)])
    return installment


def apply_allocations(allocated: list[tuple[Installment, Decimal, dt.date]]) -> None:
    """The figures after a new allocation of each of many locked installments (each allocated once),
    written with one statement per kind of change sent per row, and each settled contract's
    completion refreshed once."""
    in_place: list[Installment] = []
    settled: dict[int, Installment] = {}
    # one that had rows before is recomputed from all of them
    earlier = [i.pk for i, amount, _on in allocated if i.open_amount - amount <= 0 and i.first_effective_on is not None]
    totals = _dated_rows_totals(earlier) if earlier else {}
    for installment, amount, effective_on in allocated:
        open_amount = installment.open_amount - amount
        if installment.pk in totals:
            _recompute(installment, totals[installment.pk])
            settled[installment.pk] = installment
        elif open_amount <= 0:
            zero = Decimal("0.00")
            installment.first_collected_on = effective_on
            _set_settled_figures(
                installment,
                collected=amount,
                credited=zero,
                written_off=zero,
                last_dates=[effective_on],
                first_dates=[effective_on],
            )
            settled[installment.pk] = installment
        else:
            installment.open_amount = open_amount
            installment.collected_amount += amount
            installment.first_effective_on = min(filter(None, (installment.first_effective_on, effective_on)))
            installment.first_collected_on = min(filter(None, (installment.first_collected_on, effective_on)))
            in_place.append(installment)
    rows.update_many(in_place, _IN_PLACE)
    rows.update_many(list(settled.values()), _SETTLED_WRITE)
    contracts = {installment.contract_id: installment.contract for installment in settled.values()}
    contracts_refresh_completion(list(contracts.values()))


def refresh_receipt(receipt: Receipt) -> Receipt:
    allocated = Allocation.objects.filter(ACTIVE, receipt_id=receipt.pk).aggregate(total=Sum(Cents("amount")))["total"]
    receipt.allocated_amount = from_cents(allocated)
    rows.update(receipt, ["allocated_amount"])
    return receipt
