"""Receipts: validation, numbering, reversal."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.audit.models import AuditEvent
from huikuan.core.errors import DomainError
from huikuan.receivables.choices import PaymentMethod
from huikuan.receivables.models import Receipt
from huikuan.receivables.services.allocations import receipt_auto_allocate
from huikuan.receivables.services.receipts import receipt_reverse

pytestmark = pytest.mark.django_db


def test_receipts_are_numbered_and_audited(clerk, receive):
    # when
    first, second = receive("1.00"), receive("2.00")
    # then
    assert (first.number, second.number) == ("SK-2025-000001", "SK-2025-000002")
    assert (first.currency, first.created_by) == ("CNY", clerk)
    assert AuditEvent.objects.filter(action="receipt.created", actor=clerk).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"amount": "0"}, "amount_not_positive", "amount"),
        ({"amount": "-3"}, "amount_not_positive", "amount"),
        ({"amount": "3.001"}, "amount_too_precise", "amount"),
        ({"amount": "3", "currency": "ABC"}, "unknown_currency", "currency"),
        ({"amount": "3", "on": dt.date(2999, 1, 1)}, "date_in_future", "received_on"),
        ({"amount": "3", "method": "barter"}, "invalid_method", "method"),
        ({"amount": "3", "method": PaymentMethod.BANK_ACCEPTANCE}, "bill_maturity_required", "bill_maturity_date"),
        (
            {"amount": "3", "method": PaymentMethod.COMMERCIAL_ACCEPTANCE, "bill_maturity_date": dt.date(2025, 1, 1)},
            "dates_out_of_order",
            "bill_maturity_date",
        ),
    ],
)
def test_bad_receipts_are_refused_and_nothing_is_saved(receive, kwargs, code, field):
    amount = kwargs.pop("amount")
    with pytest.raises(DomainError) as error:
        receive(amount, **kwargs)
    assert (error.value.code, error.value.field) == (code, field)
    assert Receipt.objects.count() == 0


def test_an_acceptance_bill_keeps_its_maturity_date(receive):
    receipt = receive("50000.00", method=PaymentMethod.BANK_ACCEPTANCE, bill_maturity_date=dt.date(2025, 8, 10))
    assert receipt.bill_maturity_date == dt.date(2025, 8, 10)


def test_a_maturity_date_is_dropped_for_a_bank_transfer(receive):
    receipt = receive("5.00", bill_maturity_date=dt.date(2025, 8, 10))
    assert receipt.bill_maturity_date is None


def test_reversing_a_receipt_reverses_its_allocations(clerk, receive, installments):
    # given
    receipt = receive("4000.00")
    receipt_auto_allocate(actor=clerk, receipt=receipt)
    # when
    receipt_reverse(actor=clerk, receipt=receipt, reason="银行退汇", reversed_on=dt.date(2025, 2, 12))
    # then
    receipt.refresh_from_db()
    assert (receipt.reversed_on, receipt.allocated_amount, receipt.unallocated_amount) == (
        dt.date(2025, 2, 12),
        D("0.00"),
        D("0.00"),
    )
    assert [i.open_amount for i in installments[0].contract.installments.all()] == [
        D("3000.00"),
        D("5000.00"),
        D("2000.00"),
    ]
    assert set(receipt.allocations.values_list("reversed_on", flat=True)) == {dt.date(2025, 2, 12)}


def test_a_reversed_receipt_cannot_be_reversed_or_allocated_again(clerk, receive):
    receipt = receive("10.00")
    receipt_reverse(actor=clerk, receipt=receipt, reason="重复录入")
    with pytest.raises(DomainError) as error:
        receipt_reverse(actor=clerk, receipt=receipt, reason="again")
    assert error.value.code == "already_reversed"
    with pytest.raises(DomainError) as error:
        receipt_auto_allocate(actor=clerk, receipt=receipt)
    assert error.value.code == "receipt_reversed"
