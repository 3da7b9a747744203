"""Amounts in Chinese financial capitals (大写金额): examples from the PBOC rules, and a round trip."""

import re
from decimal import Decimal as D

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from huikuan.core.capitals import amount_in_words

EXAMPLES = [
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("11", "壹拾壹元整"),
    ("20", "贰拾元整"),
    ("100.50", "壹佰元伍角"),
    ("1001.01", "壹仟零壹元零壹分"),
    ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("100000000", "壹亿元整"),
    ("100010000", "壹亿零壹万元整"),
    ("100000001", "壹亿零壹元整"),
    ("1000000000", "壹拾亿元整"),
    ("0.05", "伍分"),
    ("0.5", "伍角"),
    ("0.55", "伍角伍分"),
    ("0.01", "壹分"),
    ("1.05", "壹元零伍分"),
    ("10.3", "壹拾元叁角"),
    ("10.05", "壹拾元零伍分"),
    ("1000000.00", "壹佰万元整"),
    ("100000", "壹拾万元整"),
    ("1010", "壹仟零壹拾元整"),
    ("1000100", "壹佰万零壹佰元整"),
    ("1001000", "壹佰万壹仟元整"),
    ("1010000", "壹佰零壹万元整"),
    ("20005", "贰万零伍元整"),
    ("5002", "伍仟零贰元整"),
    ("5003020.50", "伍佰万叁仟零贰拾元伍角"),
    # The PBOC examples (支付结算办法, 正确填写票据和结算凭证的基本规定), where it gives a choice the first form.
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    # Round-trip examples of a public converter (rmbconvert).
    ("5390021.35", "伍佰叁拾玖万零贰拾壹元叁角伍分"),
    ("76089231.02", "柒仟陆佰零捌万玖仟贰佰叁拾壹元零贰分"),
    ("325991", "叁拾贰万伍仟玖佰玖拾壹元整"),
    ("10101010.67", "壹仟零壹拾万壹仟零壹拾元陆角柒分"),
    ("3250801390", "叁拾贰亿伍仟零捌拾万壹仟叁佰玖拾元整"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("100000000000", "壹仟亿元整"),
    ("100000000000.01", "壹仟亿元零壹分"),
    # Trailing zeros beyond the fen are the same amount.
    ("1.000", "壹元整"),
    ("1E+2", "壹佰元整"),
]


@pytest.mark.parametrize(("amount", "words"), EXAMPLES)
def test_examples(amount, words):
    assert amount_in_words(D(amount)) == words


@pytest.mark.parametrize(
    ("amount", "words"), [("-1", "负壹元整"), ("-0.05", "负伍分"), ("-12345.67", "负壹万贰仟叁佰肆拾伍元陆角柒分")]
)
def test_negative_amounts_are_prefixed(amount, words):
    assert amount_in_words(D(amount)) == words


def test_negative_zero_is_zero():
    assert amount_in_words(D("-0.00")) == "零元整"


@pytest.mark.parametrize("amount", ["1.001", "0.005", "-12.345", "999999999999.981", "1E-3"])
def test_more_than_two_decimal_places_is_refused(amount):
    with pytest.raises(ValueError, match="decimal places"):
        amount_in_words(D(amount))


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_not_finite_is_refused(amount):
    with pytest.raises(ValueError, match="finite"):
        amount_in_words(D(amount))


@pytest.mark.parametrize("amount", ["1000000000000", "-1000000000000", "999999999999.999", "1E+30"])
def test_beyond_the_limit_is_refused(amount):
    with pytest.raises(ValueError, match="beyond"):
        amount_in_words(D(amount))


@pytest.mark.parametrize("amount", [1.5, 1, "1", None])
def test_only_decimals(amount):
    with pytest.raises(TypeError):
        amount_in_words(amount)


# An independent reader of the words, written the way a person reads them: digits multiply the unit
# that follows, 万/亿 close the section before them, 零 only fills a gap.
_DIGIT = {ch: value for value, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
_UNIT = {"拾": 10, "佰": 100, "仟": 1000}
_WORDS = re.compile(r"(负)?(?:(.+)元)?(?:(.)角)?零?(?:(.)分)?(整)?")


def _read_integer(text):
    total = section = digit = 0
    for ch in text:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
        elif ch in _UNIT:
            section += digit * _UNIT[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {text!r}")
    return total + section + digit


def read_words(words):
    match = _WORDS.fullmatch(words)
    assert match, words
    negative, integer, jiao, fen, whole = match.groups()
    cents = _read_integer(integer or "") * 100 + _DIGIT[jiao or "零"] * 10 + _DIGIT[fen or "零"]
    assert bool(whole) == (cents % 100 == 0), words
    return D(-cents if negative else cents).scaleb(-2)


def _digits_with_many_zeros(n):
    # Amounts like 100,010,000.05 exercise the rules for zeros far more than uniform random amounts.
    return st.lists(st.one_of(st.just("0"), st.sampled_from("0123456789")), min_size=n, max_size=n).map("".join)


amounts = st.one_of(
    st.integers(min_value=0, max_value=99_999_999_999_999).map(lambda cents: D(cents).scaleb(-2)),
    _digits_with_many_zeros(14).map(lambda digits: D(digits).scaleb(-2)),
)


@given(amounts)
@example(D("0.00"))
@example(D("999999999999.99"))
@example(D("100010000.05"))
def test_words_read_back_as_the_amount(amount):
    words = amount_in_words(amount)
    assert read_words(words) == amount
    # The shape the rules ask for: one 零 for a run of zeros, never before a unit or at the end.
    assert "零零" not in words
    assert not re.search("零[元万亿角分整]", words) or words == "零元整"
    assert not words.endswith("零")
    assert not words.startswith("零") or words == "零元整"
    assert ("元" in words) == (amount >= 1 or amount == 0)


@given(amounts.filter(lambda amount: amount > 0))
def test_negative_is_the_positive_with_a_prefix(amount):
    assert amount_in_words(-amount) == "负" + amount_in_words(amount)
    assert read_words(amount_in_words(-amount)) == -amount
