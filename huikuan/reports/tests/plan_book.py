"""A hand-built company for plan vs actual, whose figures the tests work out by hand.

Customers (contracts signed 10 Jan 2025, CNY unless said):
- 东方机电有限公司 (A, A001), owned by ``rep``:
  contract A1: #1 1,000.00 due 20 Jan 2025, #2 2,000.00 due 15 Feb 2025, #3 3,000.00 due 10 Apr 2025;
  contract A2 signed 10 Jan 2024: 700.00 due 31 Dec 2024 (before the year);
  a draft A3: 900.00 due 25 Jan 2025 (never activated, so never planned).
  R1 1,500.00 received 18 Jan 2025: 1,000.00 matched to A1 #1 on 18 Jan, 500.00 to A1 #2 on 16 Feb;
  R0 700.00 received 2 Jan 2025, matched to A2 on 2 Jan;
  R2 800.00 received 20 Feb 2025, reversed (bounced) on 25 Feb;
  R3 2,000.00 received 12 Apr 2025: 1,500.00 matched to A1 #2 on 12 Apr, 500.00 left unapplied.
- 西部贸易有限公司 (B, B001), owned by ``other_rep``:
  contract B1: #1 4,000.00 due 31 Mar 2025, #2 6,000.00 due 5 May 2025;
  R4 3,000.00 received 28 Mar 2025, matched to B1 #1 on 28 Mar.
- 南方科技有限公司 (C, C001), owned by ``rep``, in USD:
  contract C1: 100.00 due 1 Feb 2025; R5 60.00 received 3 Feb 2025, matched to C1 on 3 Feb.

Collection targets (set by ``manager``): rep CNY Jan 3,000.00, Feb 2,000.00, Apr 0.00 (set, as 0);
other_rep CNY Mar 5,000.00; rep USD Feb 100.00; ``third_rep`` (no customers) CNY May 1,000.00.

By month in 2025, CNY (planned / collected):
  Jan 1,000.00 / 2,200.00 (R1 1,500.00 + R0 700.00)   Feb 2,000.00 / 0.00 (R2 reversed)
  Mar 4,000.00 / 3,000.00   Apr 3,000.00 / 2,000.00   May 6,000.00 / 0.00   Jun-Dec 0.00 / 0.00
  The year: 16,000.00 / 7,200.00, rate 0.45. USD: Feb 100.00 / 60.00.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

from huikuan.accounts.models import User
from huikuan.accounts.roles import Role
from huikuan.contracts.models import Contract
from huikuan.customers.models import Customer
from huikuan.receivables.models import Receipt

YEAR_START = dt.date(2025, 1, 1)
YEAR_END = dt.date(2025, 12, 1)


def month(number: int) -> dt.date:
    return dt.date(2025, number, 1)


@dataclass
class PlanBook:
    a: Customer
    b: Customer
    c: Customer
    a1: Contract
    a2: Contract
    a3: Contract
    b1: Contract
    c1: Contract
    r2: Receipt
    third_rep: User


def build(manager, rep, other_rep, make_user, team, make_customer, make_contract) -> PlanBook:
    """The company above; each test module makes it its ``plan_book`` fixture."""
    from huikuan.receivables.services.allocations import allocation_create
    from huikuan.receivables.services.receipts import receipt_create, receipt_reverse
    from huikuan.reports.services import target_set

    third_rep = make_user("third_rep", Role.SALES_REP, team=team)
    a = make_customer(owner=rep, name="东方机电有限公司", code="A001")
    b = make_customer(owner=other_rep, name="西部贸易有限公司", code="B001")
    c = make_customer(owner=rep, name="南方科技有限公司", code="C001")
    a1 = make_contract(
        a, [("1000.00", dt.date(2025, 1, 20)), ("2000.00", dt.date(2025, 2, 15)), ("3000.00", dt.date(2025, 4, 10))]
    )
    a2 = make_contract(a, [("700.00", dt.date(2024, 12, 31))], signed_on=dt.date(2024, 1, 10))
    a3 = make_contract(a, [("900.00", dt.date(2025, 1, 25))], activate=False, title="草稿合同")
    b1 = make_contract(b, [("4000.00", dt.date(2025, 3, 31)), ("6000.00", dt.date(2025, 5, 5))])
    c1 = make_contract(c, [("100.00", dt.date(2025, 2, 1))], currency="USD")
    a1_1, a1_2, _a1_3 = a1.installments.order_by("sequence")
    b1_1 = b1.installments.get(sequence=1)

    def receive(customer, day, amount, currency="CNY"):
        return receipt_create(actor=manager, customer=customer, received_on=day, amount=D(amount), currency=currency)

    def match(receipt, installment, amount, day):
        allocation_create(actor=manager, receipt=receipt, installment=installment, amount=D(amount), effective_on=day)

    r0 = receive(a, dt.date(2025, 1, 2), "700.00")
    match(r0, a2.installments.get(), "700.00", dt.date(2025, 1, 2))
    r1 = receive(a, dt.date(2025, 1, 18), "1500.00")
    match(r1, a1_1, "1000.00", dt.date(2025, 1, 18))
    match(r1, a1_2, "500.00", dt.date(2025, 2, 16))
    r2 = receive(a, dt.date(2025, 2, 20), "800.00")
    receipt_reverse(actor=manager, receipt=r2, reason="退票", reversed_on=dt.date(2025, 2, 25))
    r3 = receive(a, dt.date(2025, 4, 12), "2000.00")
    match(r3, a1_2, "1500.00", dt.date(2025, 4, 12))
    r4 = receive(b, dt.date(2025, 3, 28), "3000.00")
    match(r4, b1_1, "3000.00", dt.date(2025, 3, 28))
    r5 = receive(c, dt.date(2025, 2, 3), "60.00", currency="USD")
    match(r5, c1.installments.get(), "60.00", dt.date(2025, 2, 3))

    for owner, on, currency, amount in [
        (rep, month(1), "CNY", "3000.00"),
        (rep, month(2), "CNY", "2000.00"),
        (rep, month(4), "CNY", "0.00"),
        (other_rep, month(3), "CNY", "5000.00"),
        (rep, month(2), "USD", "100.00"),
        (third_rep, month(5), "CNY", "1000.00"),
    ]:
        target_set(actor=manager, owner=owner, month=on, currency=currency, amount=D(amount))
    return PlanBook(a, b, c, a1, a2, a3, b1, c1, r2, third_rep)
