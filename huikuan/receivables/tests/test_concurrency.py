"""Two clients allocating the same money at the same moment (DOMAIN.md rule 3), on PostgreSQL
with real connections and row locks."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.core.errors import DomainError
from huikuan.receivables.models import Allocation, Receipt
from huikuan.receivables.services.adjustments import adjustment_create
from huikuan.receivables.services.allocations import allocation_create, receipt_auto_allocate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def test_two_clerks_cannot_allocate_the_same_receipt_twice(race, clerk, manager, receive, installments):
    # given: 4,000 received; each clerk wants 3,000 of it for a different installment
    receipt = receive("4000.00")
    # when
    results = race(
        lambda: allocation_create(actor=clerk, receipt=receipt, installment=installments[0], amount=D("3000.00")),
        lambda: allocation_create(actor=manager, receipt=receipt, installment=installments[1], amount=D("3000.00")),
    )
    # then: exactly one succeeded, the other was refused for the receipt's limit
    refused = [r for r in results if isinstance(r, DomainError)]
    assert [r.code for r in refused] == ["exceeds_receipt"]
    receipt.refresh_from_db()
    assert receipt.allocated_amount == D("3000.00") == sum(a.amount for a in Allocation.objects.all())


def test_two_receipts_cannot_overpay_one_installment(race, clerk, manager, receive, installments):
    # given: two receipts of 2,000 each race for the 3,000 installment
    first, second = receive("2000.00"), receive("2000.00")
    # when
    results = race(
        lambda: allocation_create(actor=clerk, receipt=first, installment=installments[0], amount=D("2000.00")),
        lambda: allocation_create(actor=manager, receipt=second, installment=installments[0], amount=D("2000.00")),
    )
    # then
    assert sum(isinstance(r, DomainError) for r in results) == 1
    installments[0].refresh_from_db()
    assert installments[0].open_amount == D("1000.00")


def test_auto_allocation_and_a_write_off_race_without_overdrawing(race, clerk, manager, receive, installments):
    receipt = receive("3000.00")
    results = race(
        lambda: receipt_auto_allocate(actor=clerk, receipt=receipt),
        lambda: adjustment_create(
            actor=manager,
            installment=installments[0],
            kind="write_off",
            amount=D("3000.00"),
            reason="race",
            effective_on=dt.date(2025, 2, 10),
        ),
    )
    assert [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)] == []
    installments[0].refresh_from_db()
    receipt.refresh_from_db()
    assert installments[0].open_amount >= 0
    assert Receipt.objects.get(pk=receipt.pk).allocated_amount <= receipt.amount
    taken = sum(a.amount for a in installments[0].allocations.all()) + sum(
        a.amount for a in installments[0].adjustments.all()
    )
    assert taken == installments[0].amount - installments[0].open_amount <= installments[0].amount
