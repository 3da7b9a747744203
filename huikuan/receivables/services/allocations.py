"""Matching receipts to installments (核销): by hand, suggested, automatic, and reversed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import StrIndex, Upper
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_visible
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.contracts.models import Contract, Installment
from huikuan.core import compiled, money, rows
from huikuan.core.dates import require_business_date, require_not_future, require_order
from huikuan.core.errors import DomainError, require_reason
from huikuan.core.locking import for_update
from huikuan.periods.services import open_date, require_open
from huikuan.receivables.errors import ReceivableErrorCode as Code
from huikuan.receivables.lock_objects import installments_for_update, receipt_for_update
from huikuan.receivables.models import Allocation, Receipt
from huikuan.receivables.services.limits import (
    first_day_with_room,
    require_installment_room,
    require_receipt_room,
)
from huikuan.receivables.services.reversal import mark_reversed, reversal_date
from huikuan.receivables.services.settlement import apply_allocation, refresh_installment, refresh_receipt


@dataclass(frozen=True)
class AllocationLine:
    installment: Installment
    amount: Decimal


def _check_pair(receipt: Receipt, installment: Installment) -> None:
    if receipt.is_reversed:
        raise DomainError(Code.RECEIPT_REVERSED, _("The receipt is reversed."), field="receipt")
    require_allocatable(installment, customer_id=receipt.customer_id, currency=receipt.currency)


def require_allocatable(installment: Installment | None, *, customer_id: int, currency: str) -> Installment:
    """The installment, if a receipt of this customer and currency can be allocated to it (None:
    one not found among the customer's). Raises DomainError."""
    if installment is None or installment.customer_id != customer_id:
        raise DomainError(
            Code.OTHER_CUSTOMER,
            _("A receipt can only be allocated to installments of its own customer."),
            field="installment",
        )
    if installment.currency != currency:
        raise DomainError(
            Code.OTHER_CURRENCY,
            _("The installment is in %(installment)s, the receipt in %(receipt)s.")
            % {"installment": installment.currency, "receipt": currency},
            field="installment",
        )
    if installment.booked_on is None:
        raise DomainError(Code.NOT_RECEIVABLE, _("The installment's contract is not active."), field="installment")
    return installment


def require_within(amount: Decimal, *, unallocated: Decimal, installment: Installment) -> None:
    """Refuse an amount over what the receipt has unallocated or the installment has open.
    Raises DomainError."""
    if amount > unallocated:
        raise DomainError(
            Code.EXCEEDS_RECEIPT,
            _("Only %(left)s of the receipt is unallocated.") % {"left": money.display(unallocated)},
            field="amount",
        )
    if amount > installment.open_amount:
        raise DomainError(
            Code.EXCEEDS_INSTALLMENT,
            _("Only %(open)s of the installment is open.") % {"open": money.display(installment.open_amount)},
            field="amount",
        )


def _effective_date(receipt: Receipt, installment: Installment, effective_on: dt.date | None) -> dt.date:
    if effective_on is None:
        # _check_pair has refused an installment that is not booked. An old receipt matched now
        # takes effect in the open period: the closed months keep the figures they reported.
        earliest = max(receipt.received_on, cast(dt.date, installment.booked_on))
        return open_date(company_id=receipt.company_id, day=earliest)
    require_not_future(effective_on, field="effective_on")
    require_business_date(effective_on, field="effective_on")
    require_open(company_id=receipt.company_id, day=effective_on, field="effective_on")
    require_order(
        receipt.received_on,
        effective_on,
        field="effective_on",
        message=_("An allocation cannot take effect before the money was received."),
    )
    require_order(
        installment.booked_on,
        effective_on,
        field="effective_on",
        message=_("An allocation cannot take effect before the contract was signed."),
    )
    return effective_on


def _allocate_locked(
    *, receipt: Receipt, installment: Installment, amount: Decimal, actor: User, effective_on: dt.date | None
) -> Allocation:
    _check_pair(receipt, installment)
    amount = money.validate_amount(amount, receipt.currency)
    require_within(amount, unallocated=receipt.amount - receipt.allocated_amount, installment=installment)
    effective = _effective_date(receipt, installment, effective_on)
    if effective_on is None:
        # the first day from which the amount fits both on every later day: rule 3 holds by
        # construction, and the two checks below would read and test the same rows again
        effective = first_day_with_room(installment, receipt, amount=amount, start=effective)
    else:
        require_installment_room(installment, amount=amount, effective_on=effective)
        require_receipt_room(receipt, amount=amount, effective_on=effective)
    # the receipt is locked: its allocated amount grows by each allocation, written with it in
    # one round trip on PostgreSQL, with no need to sum them again
    receipt.allocated_amount += amount
    allocation = rows.insert(
        Allocation(
            company_id=receipt.company_id,
            receipt=receipt,
            installment=installment,
            customer_id=receipt.customer_id,
            amount=amount,
            effective_on=effective,
            created_by=actor,
        ),
        along=rows.update_statement(receipt, ["allocated_amount"]),
    )
    apply_allocation(installment, amount=amount, effective_on=allocation.effective_on)
    audit.record(
        action=AuditAction.ALLOCATION_CREATED,
        target=allocation,
        actor=actor,
        data={"receipt": receipt.pk, "installment": installment.pk, "amount": amount},
    )
    return allocation


@transaction.atomic
def allocation_create(
    *,
    actor: User,
    receipt: Receipt,
    installment: Installment,
    amount: Decimal,
    effective_on: dt.date | None = None,
) -> Allocation:
    """Apply part of a receipt to one installment. Never more than the receipt has unallocated nor
    more than the installment has open, even under concurrent users (DOMAIN.md rule 3).
    Raises DomainError."""
    require(actor, Perm.ALLOCATION_CHANGE)
    receipt = receipt_for_update(receipt.pk, visible_to=actor)
    return _allocate(actor=actor, receipt=receipt, lines=[(installment.pk, amount)], effective_on=effective_on)[0]


@transaction.atomic
def allocations_create(
    *, actor: User, receipt: Receipt, lines: list[AllocationLine], effective_on: dt.date | None = None
) -> list[Allocation]:
    """Apply a receipt to several installments at once: all or nothing. Raises DomainError."""
    require(actor, Perm.ALLOCATION_CHANGE)
    if not lines:
        raise DomainError(Code.NOTHING_TO_ALLOCATE, _("Choose at least one installment."), field="lines")
    return _allocate(
        actor=actor,
        receipt=receipt_for_update(receipt.pk, visible_to=actor),
        lines=[(line.installment.pk, line.amount) for line in lines],
        effective_on=effective_on,
        name_lines=True,
    )


# the fields of one line of a batch: a refusal of one is named ``lines[i].<field>``
LINE_FIELDS = frozenset({"amount", "installment"})


def _allocate(
    *,
    actor: User,
    receipt: Receipt,
    lines: list[tuple[int, Decimal]],
    effective_on: dt.date | None,
    name_lines: bool = False,
) -> list[Allocation]:
    """Allocate (installment pk, amount) lines with the receipt already locked (and checked
    visible) by the caller. With ``name_lines`` a refusal of one line names it (``lines[2].amount``,
    as ``contract_set_installments`` names its lines), so a form can show it on that row."""
    installments = installments_for_update(pk for pk, _amount in lines)
    allocations = []
    for index, (pk, amount) in enumerate(lines):
        try:
            allocations.append(
                _allocate_locked(
                    receipt=receipt, installment=installments[pk], amount=amount, actor=actor, effective_on=effective_on
                )
            )
        except DomainError as error:
            if name_lines and error.field in LINE_FIELDS:
                error.field = f"lines[{index}].{error.field}"
            raise
    return allocations


@dataclass(frozen=True)
class _Candidate:
    """What matching reads of an open installment: a tuple, not a model instance."""

    pk: int
    contract_id: int
    sequence: int
    due_date: dt.date | None
    open_amount: Decimal
    number: str
    signed_on: dt.date


# Matching reads the customer's open installments in matching order a page at a time: a large
# customer has tens of thousands, and reading and sorting all of them for every receipt cost a
# third of a second (bench/PAGES.md), where a receipt covers a few. A page is every row due up to
# the date of the page's last row, found through the open installments' index in due-date order
# (ties are in the page, so sorting a page by the rest of the order is the order of the whole).
_PAGE = 32
_LAST = dt.date.max  # where the installments still waiting on a milestone go
_FIELDS = ("pk", "contract_id", "sequence", "due_date", "open_amount", "contract__number", "contract__signed_on")
Row = tuple[Any, ...]


def _open_of(company_id: int, customer_id: int, currency: str) -> QuerySet[Installment]:
    return Installment.objects.filter(
        company_id=company_id, customer_id=customer_id, currency=currency, booked_on__isnull=False, open_amount__gt=0
    )


def _first_dated(company_id: int, customer_id: int, currency: str) -> QuerySet[Installment, Row]:
    """The first open installments by due date, read in the order of the open installments' index."""
    rows = _open_of(company_id, customer_id, currency).filter(due_date__isnull=False)
    return rows.order_by("due_date").values_list(*_FIELDS)[:_PAGE]


def _open_exactly(company_id: int, customer_id: int, currency: str, cents: int) -> QuerySet[Installment, Row]:
    rows = _open_of(company_id, customer_id, currency).alias(open_cents=money.Cents("open_amount"))
    return rows.filter(open_cents=cents).values_list(*_FIELDS)


def _numbers_in(customer_id: int, memo: str) -> QuerySet[Contract, Row]:
    """The customer's contracts whose number is inside ``memo`` (upper case): a plain substring
    search per contract, read from an index that holds the numbers."""
    found_at = StrIndex(Value(memo, output_field=CharField()), Upper("number"))
    contracts = Contract.objects.filter(customer_id=customer_id).exclude(number="").alias(found_at=found_at)
    return contracts.filter(found_at__gt=0).values_list("pk", "number")


def _in_order(rows: Iterable[Row]) -> list[_Candidate]:
    """``rows`` as candidates in matching order: oldest due first (those still waiting on a
    milestone last), then by signing date, contract and sequence."""
    candidates = [_Candidate(*row) for row in rows]
    return sorted(candidates, key=lambda c: (c.due_date or _LAST, c.signed_on, c.contract_id, c.sequence))


def _oldest_first(receipt: Receipt) -> Iterator[_Candidate]:
    """The customer's open installments in the receipt's currency, in matching order, read a page
    at a time as long as the caller asks for more. A page is read in due-date order from the
    index; its last due date may have more rows than fitted, so the page gives only the dates
    before it (every tie of a date is then in hand, and sorting by the rest of the order is the
    order of the whole), and the next page, twice as long, starts at that date."""
    key = (receipt.company_id, receipt.customer_id, receipt.currency)
    rows = _open_of(*key)
    page: list[Row] = compiled.run_values("first_open_installments", _first_dated, *key)
    size = _PAGE
    while len(page) == size:
        last = page[-1][3]
        before = [row for row in page if row[3] < last]
        if before:
            yield from _in_order(before)
            later = rows.filter(due_date__gte=last)
        else:  # a whole page due on one day: that day's rows, all of them
            yield from _in_order(rows.filter(due_date=last).values_list(*_FIELDS))
            later = rows.filter(due_date__gt=last)
        size *= 2
        page = list(later.order_by("due_date").values_list(*_FIELDS)[:size])
    yield from _in_order(page)
    yield from _in_order(rows.filter(due_date__isnull=True).values_list(*_FIELDS))


def _named_in(receipt: Receipt, memo: str) -> list[_Candidate]:
    """The open installments, in matching order, of the customer's contracts whose number the
    memo mentions (as a whole token): the database finds the numbers inside the memo, the token
    check runs on those few."""
    if not memo:
        return []
    found = compiled.run_values("contracts_named_in_memo", _numbers_in, receipt.customer_id, memo)
    mentioned = [pk for pk, number in found if _mentions(memo, number.upper())]
    if not mentioned:
        return []
    rows = _open_of(receipt.company_id, receipt.customer_id, receipt.currency).filter(contract_id__in=mentioned)
    return _in_order(rows.values_list(*_FIELDS))


def _match(receipt: Receipt, amount: Decimal | None) -> list[tuple[int, Decimal]]:
    """(installment pk, amount) pairs: the rule of ``allocation_suggest``."""
    left = receipt.amount - receipt.allocated_amount if amount is None else amount
    if receipt.is_reversed or left <= 0:
        return []
    named = _named_in(receipt, (receipt.memo or "").upper())
    named_pks = {c.pk for c in named}
    plan: list[tuple[int, Decimal]] = []
    for candidate in named:
        if left <= 0:
            break
        take = min(left, candidate.open_amount)
        plan.append((candidate.pk, take))
        left -= take
    if left > 0:
        # the first in matching order whose open amount is exactly what is left, not taken above
        key = (receipt.company_id, receipt.customer_id, receipt.currency, money.to_cents(left))
        exactly = compiled.run_values("open_installments_exactly", _open_exactly, *key)
        exact = next((c for c in _in_order(exactly) if c.pk not in named_pks), None)
        if exact is not None:
            plan.append((exact.pk, left))
            return plan
    for candidate in _oldest_first(receipt):
        if left <= 0:
            break
        if candidate.pk in named_pks:
            continue
        take = min(left, candidate.open_amount)
        plan.append((candidate.pk, take))
        left -= take
    return plan


def _with_contracts(*pks: int) -> QuerySet[Installment]:
    return Installment.objects.filter(pk__in=pks).select_related("contract")


def allocation_suggest(*, receipt: Receipt, amount: Decimal | None = None) -> list[AllocationLine]:
    """How a receipt's unallocated amount would be matched, writing nothing.

    Within the customer and currency: installments of contracts whose number appears in the memo
    first, then an installment whose open amount is exactly what is left, then the oldest due
    first (installments still waiting on a milestone last)."""
    plan = _match(receipt, amount)
    if not plan:
        return []
    installments = {i.pk: i for i in compiled.run("suggested", _with_contracts, *[pk for pk, _take in plan])}
    return [AllocationLine(installments[pk], take) for pk, take in plan]


def _mentions(memo: str, number: str) -> bool:
    """The number appears in the memo as a whole token (HT-2025-00012 not inside HT-2025-000123)."""
    if number not in memo:  # most candidates: no pattern compiled for a number never mentioned
        return False
    return re.search(rf"(?<![0-9A-Z]){re.escape(number)}(?![0-9A-Z])", memo) is not None


@transaction.atomic
def receipt_auto_allocate(*, actor: User, receipt: Receipt, effective_on: dt.date | None = None) -> list[Allocation]:
    """Allocate what is left of a receipt as ``allocation_suggest`` proposes; the rest stays
    unapplied. Raises DomainError."""
    require(actor, Perm.ALLOCATION_CHANGE)
    receipt = receipt_for_update(receipt.pk, visible_to=actor)
    if receipt.is_reversed:
        raise DomainError(Code.RECEIPT_REVERSED, _("The receipt is reversed."), field="receipt")
    plan = _match(receipt, None)  # what allocation_suggest proposes, without reading the rows to show
    if not plan:
        return []
    return _allocate(actor=actor, receipt=receipt, lines=plan, effective_on=effective_on)


@transaction.atomic
def allocation_reverse(
    *, actor: User, allocation: Allocation, reason: str, reversed_on: dt.date | None = None
) -> Allocation:
    """Undo an allocation from a date on: the amount is open on the installment and unapplied on
    the receipt again. The row stays, marked with who, when and why. Raises DomainError."""
    require(actor, Perm.ALLOCATION_CHANGE)
    reason = require_reason(reason)
    require_visible(actor, allocation)
    receipt = receipt_for_update(allocation.receipt_id)
    installment = installments_for_update([allocation.installment_id])[allocation.installment_id]
    allocation = for_update(Allocation.objects).get(pk=allocation.pk)
    reversed_on = reversal_date(allocation, starts_on=allocation.effective_on, reversed_on=reversed_on)
    require_open(company_id=allocation.company_id, day=reversed_on, field="reversed_on")
    mark_reversed([allocation], actor=actor, reason=reason, reversed_on=reversed_on)
    refresh_installment(installment)
    refresh_receipt(receipt)
    audit.record(action=AuditAction.ALLOCATION_REVERSED, target=allocation, actor=actor, reason=reason)
    return allocation
