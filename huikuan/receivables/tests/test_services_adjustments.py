"""Adjustments (调整): credit notes, discounts and write-offs."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.core.errors import DomainError, NotPermitted
from huikuan.receivables.choices import AdjustmentKind
from huikuan.receivables.models import Adjustment
from huikuan.receivables.services.adjustments import adjustment_create, adjustment_reverse
from huikuan.receivables.services.allocations import allocation_create

pytestmark = pytest.mark.django_db


def test_a_credit_note_reduces_the_open_amount(clerk, installments):
    # when
    adjustment = adjustment_create(
        actor=clerk,
        installment=installments[0],
        kind=AdjustmentKind.CREDIT_NOTE,
        amount=D("500.00"),
        reason="红冲：退货",
        effective_on=dt.date(2025, 2, 5),
    )
    # then
    installments[0].refresh_from_db()
    assert installments[0].open_amount == D("2500.00")
    assert (adjustment.created_by, adjustment.reason) == (clerk, "红冲：退货")


def test_payment_plus_discount_settles_an_installment(clerk, receive, installments):
    allocation_create(actor=clerk, receipt=receive("2950.00"), installment=installments[0], amount=D("2950.00"))
    adjustment_create(
        actor=clerk,
        installment=installments[0],
        kind=AdjustmentKind.DISCOUNT,
        amount=D("50.00"),
        reason="提前付款折让",
        effective_on=dt.date(2025, 2, 11),
    )
    installments[0].refresh_from_db()
    assert (installments[0].open_amount, installments[0].settled_on) == (D("0.00"), dt.date(2025, 2, 11))


def test_an_adjustment_cannot_exceed_the_open_amount(clerk, installments):
    with pytest.raises(DomainError) as error:
        adjustment_create(
            actor=clerk, installment=installments[0], kind=AdjustmentKind.DISCOUNT, amount=D("3000.01"), reason="x"
        )
    assert error.value.code == "exceeds_installment"
    assert Adjustment.objects.count() == 0


def test_an_adjustment_needs_a_reason(clerk, installments):
    with pytest.raises(DomainError) as error:
        adjustment_create(
            actor=clerk, installment=installments[0], kind=AdjustmentKind.DISCOUNT, amount=D("1.00"), reason=""
        )
    assert error.value.code == "reason_required"


def test_only_finance_managers_write_off(clerk, manager, installments):
    # when a clerk tries
    with pytest.raises(NotPermitted):
        adjustment_create(
            actor=clerk, installment=installments[0], kind=AdjustmentKind.WRITE_OFF, amount=D("3000.00"), reason="破产"
        )
    # then a manager can
    adjustment_create(
        actor=manager, installment=installments[0], kind=AdjustmentKind.WRITE_OFF, amount=D("3000.00"), reason="破产"
    )
    installments[0].refresh_from_db()
    assert installments[0].open_amount == D("0.00")


def test_reversing_an_adjustment_reopens_the_amount(clerk, installments):
    adjustment = adjustment_create(
        actor=clerk, installment=installments[1], kind=AdjustmentKind.DISCOUNT, amount=D("100.00"), reason="折让"
    )
    adjustment_reverse(actor=clerk, adjustment=adjustment, reason="折让取消")
    installments[1].refresh_from_db()
    adjustment.refresh_from_db()
    assert installments[1].open_amount == D("5000.00")
    assert adjustment.reversal_reason == "折让取消"
    with pytest.raises(DomainError):
        adjustment_reverse(actor=clerk, adjustment=adjustment, reason="again")


def test_unknown_adjustment_kind_is_refused(clerk, installments):
    with pytest.raises(DomainError) as error:
        adjustment_create(actor=clerk, installment=installments[0], kind="gift", amount=D("1.00"), reason="x")
    assert (error.value.code, error.value.field) == ("invalid_kind", "kind")
