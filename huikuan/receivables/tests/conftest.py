import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.receivables.services.receipts import receipt_create


@pytest.fixture
def customer(make_customer, rep):
    return make_customer(owner=rep, name="杭州云帆网络科技有限公司")


@pytest.fixture
def contract(make_contract, customer):
    """Signed 10 Jan 2025: 3,000.00 due 1 Feb, 5,000.00 due 1 Mar, 2,000.00 due 1 Apr."""
    return make_contract(
        customer,
        [("3000.00", dt.date(2025, 2, 1)), ("5000.00", dt.date(2025, 3, 1)), ("2000.00", dt.date(2025, 4, 1))],
    )


@pytest.fixture
def installments(contract):
    return list(contract.installments.order_by("sequence"))


@pytest.fixture
def receive(clerk, customer):
    def make(amount, on=dt.date(2025, 2, 10), **kwargs):
        return receipt_create(
            actor=kwargs.pop("actor", clerk),
            customer=kwargs.pop("customer", customer),
            received_on=on,
            amount=D(amount),
            **kwargs,
        )

    return make
