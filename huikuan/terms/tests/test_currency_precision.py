"""Every rounding and precision check uses the currency's own minor unit, never an assumed CNY:
a template's fixed amount is checked in the currency it is used in (issue 11, item 17)."""

import datetime as dt
import inspect
from decimal import Decimal as D

import pytest

from huikuan.accounts.models import Company
from huikuan.core import money
from huikuan.core.errors import DomainError
from huikuan.terms.choices import AmountKind, DueRule
from huikuan.terms.schedule import LineSpec, build_schedule
from huikuan.terms.services import terms_create

SIGNED = dt.date(2025, 1, 10)


def fixed(amount: str) -> LineSpec:
    return LineSpec(amount_kind=AmountKind.FIXED, fixed_amount=D(amount), due_rule=DueRule.AFTER_BASE)


def rest() -> LineSpec:
    return LineSpec(amount_kind=AmountKind.REMAINDER, due_rule=DueRule.AFTER_BASE, days=30)


def test_a_fixed_amount_finer_than_the_contract_currency_is_refused_not_rounded():
    # 100.50 is a valid CNY amount, but yen have no minor unit: the plan must not quietly make it 101
    assert [p.amount for p in build_schedule([fixed("100.50"), rest()], total=D("1000"), currency="CNY",
                                            base_date=SIGNED)] == [D("100.50"), D("899.50")]  # fmt: skip
    with pytest.raises(DomainError) as error:
        build_schedule([fixed("100.50"), rest()], total=D("1000"), currency="JPY", base_date=SIGNED)
    assert (error.value.code, error.value.field) == ("amount_too_precise", "lines[0].fixed_amount")
    assert "JPY" in str(error.value.message)


def test_a_yen_company_cannot_save_a_template_with_sen(make_user, db):
    from huikuan.accounts.roles import Role

    tokyo = Company.objects.create(code="JP", name="東京支社", currency="JPY")
    manager = make_user("tokyo_manager", Role.FINANCE_MANAGER, company=tokyo)
    lines = [{"amount_kind": "fixed", "fixed_amount": D("100.50"), "due_rule": "after_base"},
             {"amount_kind": "remainder", "due_rule": "after_base", "days": 30}]  # fmt: skip
    with pytest.raises(DomainError) as error:
        terms_create(actor=manager, company=tokyo, name="前払い", lines=lines)
    assert (error.value.code, error.value.field) == ("amount_too_precise", "lines[0].fixed_amount")


def test_no_rounding_function_assumes_a_currency():
    for function in (money.quantize, money.quantum, money.has_valid_precision):
        parameter = inspect.signature(function).parameters["currency"]
        assert parameter.default is inspect.Parameter.empty, function.__name__
    assert money.quantize(D("2.5"), "JPY") == D("3")
    assert money.quantize(D("2.345"), "CNY") == D("2.35")
