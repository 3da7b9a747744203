import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core import money
from huikuan.core.errors import DomainError
from huikuan.core.numbering import next_number, validate_pattern


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [("0.005", "CNY", "0.01"), ("0.015", "CNY", "0.02"), ("2.5", "JPY", "3"), ("-0.005", "CNY", "-0.01")],
)
def test_rounding_is_half_up(amount, currency, expected):
    assert money.quantize(D(amount), currency) == D(expected)


def test_whole_unit_rounding_is_half_up():
    assert (money.round_whole(D("10000.50")), money.round_whole(D("10000.49"))) == (D("10001"), D("10000"))


@pytest.mark.parametrize("code", ["CNY", "USD", "EUR", "HKD", "JPY"])
def test_common_currencies_are_supported(code):
    assert money.validate_currency(code) == code


@pytest.mark.parametrize("code", ["XYZ", "cny", "", "KWD", "XXX", "XAU"])
def test_unknown_lowercase_and_three_decimal_currencies_are_refused(code):
    with pytest.raises(DomainError) as error:
        money.validate_currency(code)
    assert error.value.code == "unknown_currency"


@pytest.mark.parametrize("value", [D("NaN"), D("Infinity"), 1.5, None, "abc"])
def test_non_amounts_are_refused(value):
    with pytest.raises(DomainError) as error:
        money.validate_amount(value, "CNY")
    assert error.value.code == "invalid_amount"


@given(st.decimals(min_value=D("0.01"), max_value=money.MAX_AMOUNT, places=2))
def test_every_fen_amount_is_accepted_unchanged(amount):
    assert money.validate_amount(amount, "CNY") == amount


@pytest.mark.parametrize("pattern", ["HT-{year}", "{seq:05d}-{customer}", "{seq", "plain"])
def test_invalid_number_patterns_are_refused(pattern):
    with pytest.raises(DomainError) as error:
        validate_pattern(pattern)
    assert error.value.code == "invalid_number_pattern"


@pytest.mark.django_db
def test_numbers_restart_each_period(company):
    on = dt.date(2025, 12, 31)
    assert next_number(company=company, kind="x", pattern="X{year}{month:02d}{seq:03d}", on=on) == "X202512001"
    assert next_number(company=company, kind="x", pattern="X{year}{month:02d}{seq:03d}", on=on) == "X202512002"
    next_month = dt.date(2026, 1, 1)
    assert next_number(company=company, kind="x", pattern="X{year}{month:02d}{seq:03d}", on=next_month) == "X202601001"


@pytest.mark.django_db
def test_a_block_of_numbers_follows_on_from_single_ones(company):
    from huikuan.core.numbering import next_numbers

    day = dt.date(2026, 11, 2)
    first = next_number(company=company, kind="receipt", pattern="SK{year}{month:02d}-{seq:04d}", on=day)
    block = next_numbers(company=company, kind="receipt", pattern="SK{year}{month:02d}-{seq:04d}", on=day, count=3)
    after = next_number(company=company, kind="receipt", pattern="SK{year}{month:02d}-{seq:04d}", on=day)
    assert [first, *block, after] == [f"SK202611-{n:04d}" for n in range(1, 6)]
    # none asked for, none handed out (the row of a new series is made and held)
    assert next_numbers(company=company, kind="x", pattern="{seq}", on=day, count=0) == []
    assert next_number(company=company, kind="x", pattern="{seq}", on=day) == "1"
