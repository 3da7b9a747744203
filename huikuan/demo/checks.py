"""Invariants of a company's receivables, recomputed the slow and obvious way: used by the demo
tests and the benchmark to prove that generated data (services or bulk) is consistent."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from huikuan.accounts.models import Company
from huikuan.contracts.choices import ContractStatus
from huikuan.contracts.models import Contract, Installment, PlannedMonth
from huikuan.core.money import ZERO
from huikuan.customers import month_totals
from huikuan.receivables.models import Adjustment, Allocation, CollectedMonth, Receipt


def _active_on(row: Allocation | Adjustment, as_of: dt.date | None) -> bool:
    if as_of is None:
        return row.reversed_on is None
    return row.effective_on <= as_of and (row.reversed_on is None or row.reversed_on > as_of)


def naive_open_amounts(company: Company, as_of: dt.date | None = None) -> dict[int, Decimal]:
    """Open amount of every booked installment on a date (None: now), from the dated rows alone."""
    open_amounts: dict[int, Decimal] = {}
    for pk, amount, booked_on in Installment.objects.filter(company=company, booked_on__isnull=False).values_list(
        "pk", "amount", "booked_on"
    ):
        if as_of is None or (booked_on is not None and booked_on <= as_of):
            open_amounts[pk] = amount
    for model in (Allocation, Adjustment):
        for row in model.objects.filter(company=company).only(
            "installment_id", "amount", "effective_on", "reversed_on"
        ):
            if row.installment_id in open_amounts and _active_on(row, as_of):
                open_amounts[row.installment_id] -= row.amount
    return open_amounts


def naive_open_by_customer(company: Company, as_of: dt.date | None = None) -> dict[int, Decimal]:
    customer_of = dict(Installment.objects.filter(company=company).values_list("pk", "customer_id"))
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for pk, amount in naive_open_amounts(company, as_of).items():
        totals[customer_of[pk]] += amount
    return {customer: total for customer, total in totals.items() if total}


def problems(company: Company) -> list[str]:
    """Every broken invariant, described; an empty list when the data is consistent."""
    found: list[str] = []
    installments = list(Installment.objects.filter(company=company))
    by_contract: dict[int, list[Installment]] = defaultdict(list)
    for installment in installments:
        by_contract[installment.contract_id].append(installment)
    rows: dict[int, list[Allocation | Adjustment]] = defaultdict(list)
    for model in (Allocation, Adjustment):
        for row in model.objects.filter(company=company):
            rows[row.installment_id].append(row)

    for contract in Contract.objects.filter(company=company):
        plan = by_contract[contract.pk]
        if sum((i.amount for i in plan), ZERO) != contract.amount:
            found.append(f"contract {contract.number}: installments do not sum to {contract.amount}")
        open_amount = sum((i.open_amount for i in plan), ZERO)
        if contract.status == ContractStatus.COMPLETED:
            last = max((i.settled_on for i in plan if i.settled_on), default=None)
            if open_amount or contract.closed_on != last:
                found.append(f"contract {contract.number}: completed but open {open_amount} / closed {last}")
        if contract.status == ContractStatus.ACTIVE and not open_amount:
            found.append(f"contract {contract.number}: active with nothing open")

    for installment in installments:
        own = rows[installment.pk]
        expected = installment.amount - sum((r.amount for r in own if r.reversed_on is None), ZERO)
        dates = [d for r in own for d in (r.effective_on, r.reversed_on) if d]
        settled = max(dates) if expected == 0 and dates else None
        first = min((r.effective_on for r in own), default=None)
        last_reversed = max((r.reversed_on for r in own if r.reversed_on), default=None)
        live = (r.effective_on for r in own if isinstance(r, Allocation) and r.reversed_on is None)
        wanted = (expected, settled, first, last_reversed, min(live, default=None))
        maintained = (
            installment.open_amount,
            installment.settled_on,
            installment.first_effective_on,
            installment.last_reversed_on,
            installment.first_collected_on,
        )
        if maintained != wanted:
            found.append(f"installment {installment.pk}: {maintained}, expected {wanted}")

    allocated: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in Allocation.objects.filter(company=company, reversed_on__isnull=True):
        allocated[row.receipt_id] += row.amount
    collected: dict[tuple[object, ...], int] = defaultdict(int)
    for receipt in Receipt.objects.filter(company=company):
        if receipt.allocated_amount != allocated[receipt.pk]:
            found.append(f"receipt {receipt.number}: allocated {receipt.allocated_amount} != {allocated[receipt.pk]}")
        if receipt.reversed_on is None:
            month = (company.pk, receipt.customer_id, receipt.currency, receipt.received_on.replace(day=1))
            collected[month] += int(receipt.amount * 100)

    planned: dict[tuple[object, ...], int] = defaultdict(int)
    for installment in installments:
        if installment.booked_on is not None and installment.due_date is not None:
            month = (company.pk, installment.customer_id, installment.currency, installment.due_date.replace(day=1))
            planned[month] += int(installment.amount * 100)
    tables: tuple[tuple[type[PlannedMonth | CollectedMonth], dict[tuple[object, ...], int]], ...] = (
        (PlannedMonth, planned),
        (CollectedMonth, collected),
    )
    for table, wanted_totals in tables:
        kept = month_totals.stored(table, company.pk)
        for key in sorted(set(kept) | {k for k, cents in wanted_totals.items() if cents}):
            if kept.get(key, 0) != wanted_totals.get(key, 0):
                found.append(f"{table.__name__} {key}: {kept.get(key, 0)}, expected {wanted_totals.get(key, 0)}")
    return found
