"""Fees and late-payment interest: worked out exactly, shown on the reminder and the letter,
owed only once finance confirms them (then a receivable like any other)."""

import datetime as dt
from decimal import Decimal

import pytest

from huikuan.contracts.models import Installment
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.dunning.choices import Channel, FeeStatus
from huikuan.dunning.models import DunningFee, Message
from huikuan.dunning.selectors import fee_actions
from huikuan.dunning.services.fees import fee_cancel, fee_confirm
from huikuan.dunning.services.policies import policy_save
from huikuan.dunning.services.run import dunning_run
from huikuan.dunning.texts import message_text
from huikuan.receivables.figures import customer_balance

pytestmark = pytest.mark.django_db

STEPS = [
    {"days": 10, "name": "催收手续费", "email_customer": True, "fee_kind": "fixed", "fee_value": "50"},
    {"days": 30, "name": "违约金", "email_customer": True, "fee_kind": "percent", "fee_value": "1.5"},
    {"days": 60, "name": "滞纳金", "letter": True, "email_customer": True, "fee_kind": "interest", "fee_value": "18"},
]


@pytest.fixture
def fee_policy(manager, company):
    return policy_save(actor=manager, company=company, name="收费", steps=STEPS, is_default=True)


def test_each_kind_of_fee_worked_out_exactly(company, fee_policy, debtor):
    # 12 Apr 2025: the first installment (6,000.00, due 10 Feb) is 61 days overdue, the second
    # (4,000.00, due 10 Mar) 33 days
    dunning_run(company=company, as_of=dt.date(2025, 4, 12))
    fees = {fee.step.name: fee for fee in DunningFee.objects.select_related("step")}
    assert fees["催收手续费"].amount == Decimal("50.00")  # once per step and currency
    assert fees["违约金"].amount == Decimal("150.00")  # 1.5 % of 10,000.00
    # 18 % a year on 6,000.00 for 61 days = 180.493150… → 180.49 (only the first is 60 days overdue)
    assert fees["滞纳金"].amount == Decimal("180.49")
    assert fees["滞纳金"].basis == "年利率 18%，本金 CNY 6,000.00，按逾期天数计"  # in the customer's language
    assert {fee.status for fee in fees.values()} == {FeeStatus.PROPOSED}
    assert sorted(action.installment.sequence for action in fee_actions(fees["违约金"])) == [1, 2]
    # shown on the reminder, not yet owed
    email = Message.objects.get(channel=Channel.EMAIL)
    assert "滞纳金：CNY 180.49" in message_text(email)[1]
    assert customer_balance(debtor.pk).open_installments == Decimal("10000.00")


def test_confirmed_a_fee_becomes_a_receivable(company, fee_policy, debtor, manager):
    dunning_run(company=company, as_of=dt.date(2025, 2, 20))
    fee = DunningFee.objects.get()
    fee_confirm(actor=manager, fee=fee, on=dt.date(2025, 2, 21))
    fee.refresh_from_db()
    assert fee.status == FeeStatus.CONFIRMED
    installment = Installment.objects.get(contract=fee.contract)
    assert (installment.amount, installment.due_date, installment.open_amount) == (
        Decimal("50.00"),
        dt.date(2025, 2, 21),
        Decimal("50.00"),
    )
    assert customer_balance(debtor.pk).open_installments == Decimal("10050.00")
    with pytest.raises(DomainError):
        fee_confirm(actor=manager, fee=fee, on=dt.date(2025, 2, 21))


def test_a_fee_for_a_customer_on_credit_hold_can_still_be_confirmed(company, fee_policy, debtor, manager):
    from huikuan.customers.services import customers_hold

    dunning_run(company=company, as_of=dt.date(2025, 2, 20))
    customers_hold(customer_ids=[debtor.pk], actor=manager, reason="逾期")
    fee_confirm(actor=manager, fee=DunningFee.objects.get(), on=dt.date(2025, 2, 21))
    assert DunningFee.objects.get().contract is not None


def test_only_finance_decides_and_a_waived_fee_is_never_owed(company, fee_policy, debtor, rep, manager):
    dunning_run(company=company, as_of=dt.date(2025, 2, 20))
    fee = DunningFee.objects.get()
    with pytest.raises(NotPermitted):
        fee_confirm(actor=rep, fee=fee, on=dt.date(2025, 2, 21))
    fee_cancel(actor=manager, fee=fee, reason="老客户，免收")
    fee.refresh_from_db()
    assert (fee.status, fee.contract) == (FeeStatus.CANCELLED, None)
    assert customer_balance(debtor.pk).open_installments == Decimal("10000.00")


def test_fee_settings_are_checked(manager, company):
    bad = [
        ({"fee_kind": "fine", "fee_value": "1"}, "steps[0].fee_kind"),
        ({"fee_kind": "fixed", "fee_value": "0"}, "steps[0].fee_value"),
        ({"fee_kind": "percent", "fee_value": "101"}, "steps[0].fee_value"),
        ({"fee_kind": "interest", "fee_value": "1.00001"}, "steps[0].fee_value"),
        ({"fee_kind": "fixed", "fee_value": "1.001"}, "steps[0].fee_value"),
    ]
    for fee, field in bad:
        with pytest.raises(DomainError) as refused:
            policy_save(
                actor=manager,
                company=company,
                name="x",
                steps=[{"days": 1, "name": "费", "email_customer": True, **fee}],
            )
        assert refused.value.field == field, fee
