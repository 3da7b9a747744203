"""DOMAIN.md rule 3 holds on every past date, not only today: a back-dated allocation or adjustment
must fit what was open (unallocated) on each day from its date on, so no past figure turns negative."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.core.errors import DomainError
from huikuan.receivables.figures import open_total, unapplied_total
from huikuan.receivables.models import Receipt
from huikuan.receivables.services.adjustments import adjustment_create, adjustment_reverse
from huikuan.receivables.services.allocations import allocation_create, allocation_reverse


def test_a_back_dated_credit_cannot_overlap_a_write_off_that_was_later_reversed(manager, installments):
    # given: the 2,000.00 installment written off on 15 April, the write-off reversed on 10 May
    last = installments[2]
    write_off = adjustment_create(
        actor=manager, installment=last, kind="write_off", amount=D("2000.00"), reason="坏账",
        effective_on=dt.date(2025, 4, 15),
    )  # fmt: skip
    adjustment_reverse(actor=manager, adjustment=write_off, reason="客户恢复付款", reversed_on=dt.date(2025, 5, 10))
    # when: a credit note dated 1 April would have cleared 2,000.01 between 15 April and 10 May
    with pytest.raises(DomainError) as error:
        adjustment_create(
            actor=manager, installment=last, kind="credit_note", amount=D("0.01"), reason="红冲",
            effective_on=dt.date(2025, 4, 1),
        )  # fmt: skip
    # then
    assert (error.value.code, error.value.field) == ("exceeds_installment", "amount")
    assert "0.00" in str(error.value.message)
    # dated after the reversal it fits, and no past date ever shows a negative open amount
    adjustment_create(
        actor=manager, installment=last, kind="credit_note", amount=D("0.01"), reason="红冲",
        effective_on=dt.date(2025, 5, 10),
    )  # fmt: skip
    for day in (dt.date(2025, 4, 1), dt.date(2025, 4, 20), dt.date(2025, 5, 10)):
        assert open_total(type(last).objects.filter(pk=last.pk), day) >= 0


def test_a_back_dated_allocation_cannot_use_money_another_allocation_held_then(clerk, receive, installments):
    # given: 3,000.00 received on 10 Feb, all of it on the first installment from 10 Feb to 1 Mar
    receipt = receive("3000.00")
    first = allocation_create(actor=clerk, receipt=receipt, installment=installments[0], amount=D("3000.00"))
    allocation_reverse(actor=clerk, allocation=first, reason="错配", reversed_on=dt.date(2025, 3, 1))
    # when: the money is matched to the second installment from 15 Feb, while it was still on the first
    with pytest.raises(DomainError) as error:
        allocation_create(
            actor=clerk, receipt=receipt, installment=installments[1], amount=D("3000.00"),
            effective_on=dt.date(2025, 2, 15),
        )  # fmt: skip
    # then
    assert (error.value.code, error.value.field) == ("exceeds_receipt", "amount")
    allocation_create(
        actor=clerk, receipt=receipt, installment=installments[1], amount=D("3000.00"),
        effective_on=dt.date(2025, 3, 1),
    )  # fmt: skip
    receipts = Receipt.objects.filter(pk=receipt.pk)
    assert [unapplied_total(receipts, day) for day in (dt.date(2025, 2, 15), dt.date(2025, 3, 1))] == [D("0.00")] * 2


def test_money_freed_by_a_reversal_is_matched_from_the_reversal_by_default(clerk, receive, installments):
    # given: 3,000.00 received on 10 Feb, matched at once, the match undone on 1 March
    receipt = receive("3000.00")
    first = allocation_create(actor=clerk, receipt=receipt, installment=installments[0], amount=D("3000.00"))
    allocation_reverse(actor=clerk, allocation=first, reason="错配", reversed_on=dt.date(2025, 3, 1))
    # when: matched again without a date
    again = allocation_create(actor=clerk, receipt=receipt, installment=installments[1], amount=D("3000.00"))
    # then: it takes effect when the money became free, not when it arrived
    assert again.effective_on == dt.date(2025, 3, 1)
