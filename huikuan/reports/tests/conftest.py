"""A hand-built company whose report figures the tests work out by hand.

Customers (all contracts CNY unless said):
- 东方机电 (A), owned by ``rep``: contract A1 signed 10 Jan 2025: 1,000.00 due 30 Jun 2025, 2,000.00
  due 1 Jun 2025, 3,000.00 due 15 Apr 2025; contract A2 signed 10 Jan 2024: 500.00 due 1 May 2024.
  Receipt of 2,500.00 on 10 Jun 2025, 2,000.00 of it allocated to the 2,000.00 installment.
- 西部贸易 (B), owned by ``other_rep``: contract B1 signed 10 Jan 2025: 7,000.00 due 1 Feb 2025, with
  a 1,000.00 discount on 1 Mar 2025. An advance of 300.00 received on 20 Jun 2025, not allocated.
- 南方科技 (C), owned by ``manager``: contract C1 in USD signed 10 Jan 2025: 100.00 due 15 Jul 2025.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from huikuan.contracts.models import Contract
from huikuan.customers.models import Customer
from huikuan.receivables.models import Receipt

AS_OF = dt.date(2025, 6, 30)


@dataclass
class Company:
    a: Customer
    b: Customer
    c: Customer
    a1: Contract
    a2: Contract
    b1: Contract
    c1: Contract
    receipt_a: Receipt
    advance_b: Receipt


@pytest.fixture
def book(manager, rep, other_rep, make_customer, make_contract):
    from huikuan.receivables.services.adjustments import adjustment_create
    from huikuan.receivables.services.allocations import allocation_create
    from huikuan.receivables.services.receipts import receipt_create

    a = make_customer(owner=rep, name="东方机电有限公司", code="A001")
    b = make_customer(owner=other_rep, name="西部贸易有限公司", code="B001")
    c = make_customer(owner=manager, name="南方科技有限公司", code="C001")
    a1 = make_contract(
        a, [("1000.00", dt.date(2025, 6, 30)), ("2000.00", dt.date(2025, 6, 1)), ("3000.00", dt.date(2025, 4, 15))]
    )
    a2 = make_contract(a, [("500.00", dt.date(2024, 5, 1))], signed_on=dt.date(2024, 1, 10))
    b1 = make_contract(b, [("7000.00", dt.date(2025, 2, 1))])
    c1 = make_contract(c, [("100.00", dt.date(2025, 7, 15))], currency="USD")
    receipt_a = receipt_create(actor=manager, customer=a, received_on=dt.date(2025, 6, 10), amount=D("2500.00"))
    allocation_create(
        actor=manager, receipt=receipt_a, installment=a1.installments.get(sequence=2), amount=D("2000.00")
    )
    adjustment_create(
        actor=manager,
        installment=b1.installments.get(),
        kind="discount",
        amount=D("1000.00"),
        reason="质量折让",
        effective_on=dt.date(2025, 3, 1),
    )
    advance_b = receipt_create(actor=manager, customer=b, received_on=dt.date(2025, 6, 20), amount=D("300.00"))
    return Company(a, b, c, a1, a2, b1, c1, receipt_a, advance_b)
