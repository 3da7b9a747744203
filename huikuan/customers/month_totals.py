"""Running totals per customer, currency and calendar month, in whole cents: what the tables of
that shape (``models.CustomerMonthTotal``: contracts.PlannedMonth, receivables.CollectedMonth)
share. The apps own their tables and call these from their services."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth

from huikuan.core import rows
from huikuan.core.money import Cents

# every totals table: these columns, unique by customer, currency and month (a customer is in
# one company)
KEY = ("company", "customer", "currency", "month")
UNIQUE = ("customer", "currency", "month")
TOTAL = "amount_cents"
Totals = dict[tuple[Any, ...], int]


def add(model: type[models.Model], deltas: Totals) -> None:
    """Add cents to the totals of (company id, customer id, currency, month) keys."""
    rows.add_to_totals(model, columns=KEY, unique=UNIQUE, total=TOTAL, deltas=deltas)


def month_sums(source: QuerySet[Any], *, date: str, amount: str) -> Totals:
    """Cents of ``amount`` per company, customer, currency and month of ``date``: the totals
    recomputed from the rows they sum. Truncating every row's date is slow on SQLite (a Python
    function per row): fine for a rebuild or a check, and why the pages read the kept totals."""
    keys = ("company_id", "customer_id", "currency")
    grouped = (
        source.order_by()
        .annotate(total_month=TruncMonth(date))
        .values(*keys, "total_month")
        .annotate(total_cents=Sum(Cents(amount)))
    )
    return {(*(row[key] for key in keys), row["total_month"]): int(row["total_cents"] or 0) for row in grouped}


def stored(model: type[models.Model], company_id: int) -> Totals:
    """The company's totals as the table holds them (zeros left out, as in ``month_sums``)."""
    rows = model._default_manager.filter(company_id=company_id).exclude(**{TOTAL: 0})
    return {
        (company, customer, currency, month): cents
        for company, customer, currency, month, cents in rows.values_list(
            "company_id", "customer_id", "currency", "month", TOTAL
        )
    }


def replace_totals(model: type[models.Model], *, company_id: int, sums: Totals) -> None:
    """Make ``model``'s rows of one company exactly ``sums``: after a bulk load, or to repair
    totals a check found wrong."""
    with transaction.atomic():
        model._default_manager.filter(company_id=company_id).delete()
        write_totals(model, sums)


def write_totals(model: type[models.Model], sums: Totals) -> None:
    """Insert the rows of ``sums`` into an empty totals table (or one without those keys)."""
    model._default_manager.bulk_create(
        [
            model(company_id=company, customer_id=customer, currency=currency, month=month, **{TOTAL: cents})
            for (company, customer, currency, month), cents in sorted(sums.items())
            if cents
        ],
        batch_size=1000,
    )
