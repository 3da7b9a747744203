"""Recording many receipts, each allocated as given, in one transaction: the receipts a bank
statement's sure matches become (``bank.services.matching``).

Each receipt follows the rules of ``receipt_create`` followed by ``allocations_create`` with no
effective date, checked the same way, but the writes go in a few statements for the whole batch:
numbers handed out as a block, receipts and allocations inserted together, installments' figures
updated in place, month totals added once, the audit events appended under one lock of the chain.

An item is written here only when its outcome cannot depend on the other items: one allocating an
installment another item allocates too is left to the caller to record through the single services
(``single``), in the batch's order. An item a rule refuses is returned with the refusal and nothing
of it is written."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.accounts.models import Company, User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_company, restrict
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.contracts.models import Installment
from huikuan.core import money, rows
from huikuan.core.dates import month_start, require_business_date, require_not_future
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.core.numbering import next_numbers
from huikuan.customers import month_totals as customer_month_totals
from huikuan.customers.models import Customer
from huikuan.periods.services import open_date, require_open
from huikuan.receivables.choices import PaymentMethod
from huikuan.receivables.lock_objects import installments_for_update
from huikuan.receivables.models import Allocation, CollectedMonth, Receipt
from huikuan.receivables.services.allocations import require_allocatable, require_within
from huikuan.receivables.services.limits import first_day_with_installment_room
from huikuan.receivables.services.settlement import apply_allocations


@dataclass(frozen=True)
class NewReceipt:
    customer_id: int
    received_on: dt.date
    amount: Decimal
    currency: str
    allocations: list[tuple[int, Decimal]]  # (installment pk, amount), in order
    payer_name: str = ""
    bank_reference: str = ""
    memo: str = ""


@dataclass
class BatchOutcome:
    receipts: dict[int, Receipt] = field(default_factory=dict)  # item index → its receipt
    refused: dict[int, DomainError] = field(default_factory=dict)
    single: list[int] = field(default_factory=list)  # items to record one by one, in this order


def _check_receipt(item: NewReceipt, company_id: int, visible: set[int], open_days: dict[dt.date, None]) -> None:
    if item.customer_id not in visible:
        raise NotPermitted(_("This record is outside your scope."))
    money.validate_currency(item.currency)
    money.validate_amount(item.amount, item.currency)
    require_not_future(item.received_on, field="received_on")
    require_business_date(item.received_on, field="received_on")
    if item.received_on not in open_days:
        require_open(company_id=company_id, day=item.received_on, field="received_on")
        open_days[item.received_on] = None


def _effective_on(
    item: NewReceipt, installment: Installment, amount: Decimal, company_id: int, starts: dict[dt.date, dt.date]
) -> dt.date:
    """The date the allocation takes, as ``allocations._effective_date`` and ``first_day_with_room``
    give it: the receipt's date (or the signing date, or the first open day), or the first day
    from which the installment had room for it on every later day."""
    start = max(item.received_on, installment.booked_on or item.received_on)
    if start not in starts:
        starts[start] = open_date(company_id=company_id, day=start)
    return first_day_with_installment_room(installment, amount=amount, start=starts[start])


def _check_allocations(
    item: NewReceipt,
    installments: dict[int, Installment],
    company_id: int,
    starts: dict[dt.date, dt.date],
) -> list[tuple[Installment, Decimal, dt.date]]:
    planned = []
    left = item.amount
    for pk, amount in item.allocations:
        installment = require_allocatable(installments.get(pk), customer_id=item.customer_id, currency=item.currency)
        amount = money.validate_amount(amount, item.currency)
        require_within(amount, unallocated=left, installment=installment)
        planned.append((installment, amount, _effective_on(item, installment, amount, company_id, starts)))
        left -= amount
    return planned


@transaction.atomic
def receipts_record_allocated(*, actor: User, company: Company, items: list[NewReceipt]) -> BatchOutcome:
    """Record ``items`` as receipts allocated as given. Returns which were recorded, refused (with
    the refusal) or left to the single services. Raises NotPermitted for the whole batch."""
    require(actor, Perm.RECEIPT_CHANGE)
    require(actor, Perm.ALLOCATION_CHANGE)
    require_company(actor, company.pk)
    outcome = BatchOutcome()
    customers = restrict(Customer.objects.filter(company=company), actor, owner="owner")
    visible = set(customers.filter(pk__in={item.customer_id for item in items}).values_list("pk", flat=True))
    shared = Counter(pk for item in items for pk in {pk for pk, _amount in item.allocations})
    open_days: dict[dt.date, None] = {}
    starts: dict[dt.date, dt.date] = {}
    candidates = []
    for index, item in enumerate(items):
        try:
            _check_receipt(item, company.pk, visible, open_days)
        except DomainError as error:
            outcome.refused[index] = error
            continue
        if any(shared[pk] > 1 for pk, _amount in item.allocations):
            outcome.single.append(index)
        else:
            candidates.append(index)
    # the lock order of core/DESIGN.md: the number series (handing out none yet) before the contracts
    # and installments
    for day in sorted({items[index].received_on.replace(day=1) for index in candidates}):
        next_numbers(company=company, kind="receipt", pattern=company.receipt_number_pattern, on=day, count=0)
    installments = installments_for_update(pk for index in candidates for pk, _a in items[index].allocations)
    plans: dict[int, list[tuple[Installment, Decimal, dt.date]]] = {}
    for index in candidates:
        try:
            plans[index] = _check_allocations(items[index], installments, company.pk, starts)
        except DomainError as error:
            outcome.refused[index] = error
    outcome.single.sort()
    if plans:
        _write(actor=actor, company=company, items=items, plans=plans, outcome=outcome)
    return outcome


def _write(
    *,
    actor: User,
    company: Company,
    items: list[NewReceipt],
    plans: dict[int, list[tuple[Installment, Decimal, dt.date]]],
    outcome: BatchOutcome,
) -> None:
    by_period: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index in plans:
        day = items[index].received_on
        by_period[(day.year, day.month)].append(index)
    numbers: dict[int, str] = {}
    for indexes in by_period.values():
        day = items[indexes[0]].received_on
        handed = next_numbers(
            company=company, kind="receipt", pattern=company.receipt_number_pattern, on=day, count=len(indexes)
        )
        numbers.update(zip(indexes, handed, strict=True))
    receipts = {
        index: Receipt(
            company=company,
            customer_id=items[index].customer_id,
            number=numbers[index],
            received_on=items[index].received_on,
            amount=items[index].amount,
            currency=items[index].currency,
            method=PaymentMethod.BANK_TRANSFER,
            payer_name=items[index].payer_name[:200],
            bank_reference=items[index].bank_reference[:100],
            memo=items[index].memo[:500],
            allocated_amount=sum((amount for _i, amount, _d in plans[index]), Decimal(0)),
            created_by=actor,
        )
        for index in sorted(plans)
    }
    rows.insert_objects(list(receipts.values()))
    allocations = [
        Allocation(
            company=company,
            receipt=receipts[index],
            installment=installment,
            customer_id=installment.customer_id,
            amount=amount,
            effective_on=effective,
            created_by=actor,
        )
        for index in sorted(plans)
        for installment, amount, effective in plans[index]
    ]
    rows.insert_objects(allocations)
    apply_allocations([(a.installment, a.amount, a.effective_on) for a in allocations])
    totals: Counter[tuple[int, int, str, dt.date]] = Counter()
    for receipt in receipts.values():
        totals[(company.pk, receipt.customer_id, receipt.currency, month_start(receipt.received_on))] += money.to_cents(
            receipt.amount
        )
    customer_month_totals.add(CollectedMonth, dict(totals))
    events: list[audit.Event] = []
    for index in sorted(plans):
        receipt = receipts[index]
        events.append(audit.Event(AuditAction.RECEIPT_CREATED, receipt, actor, data={"amount": receipt.amount}))
    for allocation in allocations:
        data = {"receipt": allocation.receipt.pk, "installment": allocation.installment.pk, "amount": allocation.amount}
        events.append(audit.Event(AuditAction.ALLOCATION_CREATED, allocation, actor, data=data))
    audit.record_many(events)
    outcome.receipts.update(receipts)
