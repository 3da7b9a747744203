"""Writers that touch one contract from different ends never deadlock: every service takes its row
locks in the one order of ``huikuan/core/DESIGN.md`` (customer → receipt → contract → installments →
allocation/adjustment rows), on PostgreSQL with real connections."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.contracts.services import contract_activate, contract_create, contract_set_installments, milestone_record
from huikuan.core.errors import DomainError
from huikuan.receivables.services.adjustments import adjustment_create
from huikuan.receivables.services.allocations import allocation_create
from huikuan.receivables.services.receipts import receipt_create, receipt_reverse

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

ROUNDS = 12


@pytest.fixture
def milestone_contract(manager, make_customer, rep):
    customer = make_customer(owner=rep)

    def make():
        contract = contract_create(
            actor=manager, customer=customer, title="验收付款合同", signed_on=dt.date(2025, 1, 10), amount=D("9000.00")
        )
        contract_set_installments(
            actor=manager,
            contract=contract,
            installments=[
                {"amount": D("3000.00"), "milestone": "delivery", "offset_days": 10},
                {"amount": D("3000.00"), "milestone": "delivery", "offset_days": 40},
                {"amount": D("3000.00"), "due_date": dt.date(2025, 2, 1)},
            ],
        )
        contract_activate(actor=manager, contract=contract)
        return contract, list(contract.installments.order_by("sequence"))

    return customer, make


def test_allocations_adjustments_reversals_and_milestones_on_one_contract_never_deadlock(
    clerk, manager, milestone_contract, race
):
    customer, make = milestone_contract
    for _round in range(ROUNDS):
        contract, (first, second, third) = make()
        paid = receipt_create(
            actor=clerk, customer=customer, received_on=dt.date(2025, 2, 5), amount=D("1000.00"), memo="x"
        )
        allocation_create(actor=clerk, receipt=paid, installment=third, amount=D("1000.00"))
        receipt = receipt_create(actor=clerk, customer=customer, received_on=dt.date(2025, 2, 10), amount=D("500.00"))
        results = race(
            # installment side first: allocation, then the contract's completion check
            lambda receipt=receipt, first=first: allocation_create(
                actor=clerk, receipt=receipt, installment=first, amount=D("500.00")
            ),
            # contract side first: the milestone fixes the due dates of both waiting installments
            lambda contract=contract: milestone_record(
                actor=manager, contract=contract, kind="delivery", reached_on=dt.date(2025, 2, 1)
            ),
            lambda second=second: adjustment_create(
                actor=manager,
                installment=second,
                kind="discount",
                amount=D("100.00"),
                reason="折让",
                effective_on=dt.date(2025, 2, 20),
            ),
            lambda paid=paid: receipt_reverse(actor=clerk, receipt=paid, reason="退票"),
        )
        failures = [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]
        assert failures == []
        assert not any(isinstance(r, DomainError) for r in results)
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.due_date == dt.date(2025, 2, 11)
        assert first.open_amount == D("2500.00")
        assert second.open_amount == D("2900.00")
