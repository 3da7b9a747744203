"""Fixtures of the API tests: one small, dated book of records per sales rep, so scope tests can
aim at another rep's records on every endpoint."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from huikuan.contracts.models import Contract, Installment, Milestone
from huikuan.customers.models import Customer
from huikuan.receivables.models import Adjustment, Allocation, Receipt


@dataclass
class Book:
    customer: Customer
    contract: Contract
    draft: Contract
    first: Installment
    second: Installment
    receipt: Receipt
    allocation: Allocation
    adjustment: Adjustment
    milestone: Milestone


@pytest.fixture
def make_book(manager, make_customer, make_contract):
    """For ``owner``: a customer with an active contract of 6,000.00 due 10 Feb 2025 and 4,000.00
    due 10 Mar 2025, a draft contract, a receipt of 5,000.00 on 1 Feb 2025 of which 1,000.00 is
    allocated to the first installment, a 100.00 discount on the second on 1 Mar 2025, and the
    delivery milestone reached on 1 Feb 2025."""
    from huikuan.contracts.services import milestone_record
    from huikuan.receivables.services.adjustments import adjustment_create
    from huikuan.receivables.services.allocations import allocation_create
    from huikuan.receivables.services.receipts import receipt_create

    def make(owner, *, name: str | None = None) -> Book:
        customer = make_customer(owner=owner, **({"name": name} if name else {}))
        contract = make_contract(customer, [("6000.00", dt.date(2025, 2, 10)), ("4000.00", dt.date(2025, 3, 10))])
        draft = make_contract(customer, [("1000.00", dt.date(2025, 6, 30))], activate=False, title="草稿合同")
        first, second = contract.installments.order_by("sequence")
        receipt = receipt_create(
            actor=manager, customer=customer, received_on=dt.date(2025, 2, 1), amount=Decimal("5000.00")
        )
        allocation = allocation_create(actor=manager, receipt=receipt, installment=first, amount=Decimal("1000.00"))
        adjustment = adjustment_create(
            actor=manager,
            installment=second,
            kind="discount",
            amount=Decimal("100.00"),
            reason="质量折让",
            effective_on=dt.date(2025, 3, 1),
        )
        milestone = milestone_record(actor=manager, contract=contract, kind="delivery", reached_on=dt.date(2025, 2, 1))
        receipt.refresh_from_db()
        first.refresh_from_db()
        second.refresh_from_db()
        return Book(customer, contract, draft, first, second, receipt, allocation, adjustment, milestone)

    return make


@pytest.fixture
def rep_book(make_book, rep):
    return make_book(rep, name="甲方科技有限公司")


@pytest.fixture
def other_book(make_book, other_rep):
    return make_book(other_rep, name="乙方贸易有限公司")
