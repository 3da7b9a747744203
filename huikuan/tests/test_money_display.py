"""``money.display``: the one way an amount is written for people, on the pages (the ``amount``
filter) and in the services' refusals: thousands separators and two places, in both languages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from huikuan.contracts.models import Contract
from huikuan.contracts.services import contract_activate, contract_create, contract_set_installments
from huikuan.core import money
from huikuan.core.errors import DomainError


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (Decimal("12345.67"), "12,345.67"),
        (Decimal("1234.5"), "1,234.50"),
        (Decimal("999.99"), "999.99"),
        (Decimal(0), "0.00"),
        (Decimal("-1234.50"), "-1,234.50"),
        (money.MAX_AMOUNT, "999,999,999,999.99"),
        (1000, "1,000.00"),
        ("2500.5", "2,500.50"),
    ],
)
def test_an_amount_as_people_read_it(amount, written):
    assert money.display(amount) == written
    # the pages' filter writes the same, in either language
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert Template("{% load workbench %}{{ a|amount }}").render(Context({"a": amount})) == written


def test_the_limit_message_uses_it():
    assert money.display(money.MAX_AMOUNT) in money.amount_limit_message()


@pytest.mark.django_db
def test_the_plan_refusals_write_amounts_so(manager, make_customer):
    due = dt.date(2025, 4, 1)
    contract: Contract = contract_create(
        actor=manager,
        customer=make_customer(),
        title="项目",
        signed_on=dt.date(2025, 3, 14),
        amount=Decimal("12345.67"),
    )
    with pytest.raises(DomainError) as over:
        contract_set_installments(
            actor=manager,
            contract=contract,
            installments=[{"amount": Decimal("12845.67"), "due_date": due}],
        )
    assert str(over.value.message) == "The installments add up to 12,845.67, more than the contract amount 12,345.67."
    contract_set_installments(
        actor=manager,
        contract=contract,
        installments=[{"amount": Decimal("11845.67"), "due_date": due}],
    )
    with pytest.raises(DomainError) as short:
        contract_activate(actor=manager, contract=contract)
    assert str(short.value.message) == "The installments add up to 11,845.67, but the contract amount is 12,345.67."
    # the Chinese message keeps its translation, with the amounts written the same way
    with translation.override("zh-hans"), pytest.raises(DomainError) as chinese:
        contract_activate(actor=manager, contract=contract)
    assert "11,845.67" in str(chinese.value.message)
    assert "12,345.67" in str(chinese.value.message)
    assert "installments" not in str(chinese.value.message)
