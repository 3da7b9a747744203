"""The strict number reader: only plain ASCII numbers, full-width digits read as ASCII on purpose."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.numbers import NumberFormatError, parse_decimal, parse_int

# What Python's Decimal() and int() accept as 1000 and a person does not mean by a number.
LOOSE_THOUSANDS = [
    "1_000",
    "1e3",
    "1E3",
    "1000e0",
    " 1000 ",
    "1000 ",
    "\t1000",
    "1000\n",
    "+1000",
    "1,000",
    "١٠٠٠",  # Arabic-Indic digits
    "۱۰۰۰",  # Extended Arabic-Indic (Persian) digits
    "१०००",  # Devanagari digits
    "1000.",
    ".5",
    "1.000.000",
    "0x3e8",
    "NaN",
    "Infinity",
    "-Infinity",
    "",
    "-",
    "1 000",
    "1\u00a0000",  # no-break space as thousands separator
    "１０００。５",  # ideographic full stop is not a decimal point
]


@pytest.mark.parametrize("text", LOOSE_THOUSANDS)
def test_loose_numbers_are_refused_as_decimals(text):
    with pytest.raises(NumberFormatError):
        parse_decimal(text, allow_negative=True)


@pytest.mark.parametrize("text", [*LOOSE_THOUSANDS, "1000.0", "10.5"])
def test_loose_numbers_are_refused_as_integers(text):
    with pytest.raises(NumberFormatError):
        parse_int(text, allow_negative=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1000", D("1000")),
        ("1000.50", D("1000.50")),
        ("0.01", D("0.01")),
        ("-5.00", D("-5.00")),
        ("１０００", D("1000")),  # full-width digits, typed by Chinese input methods
        ("１０００．５０", D("1000.50")),  # and the full-width full stop
        ("1０0０.5", D("1000.5")),  # mixed widths are still the same digits
        (1000, D("1000")),
        (D("1000.10"), D("1000.10")),
    ],
)
def test_plain_and_full_width_numbers_are_read(text, expected):
    assert parse_decimal(text, allow_negative=True) == expected


def test_negative_numbers_need_permission():
    with pytest.raises(NumberFormatError):
        parse_decimal("-1")
    with pytest.raises(NumberFormatError):
        parse_int("-1")
    assert parse_int("-1", allow_negative=True) == -1


@pytest.mark.parametrize(
    "value", [True, False, None, [1], {"a": 1}, D("NaN"), D("Infinity"), D("1E+3"), 1e20, "1" * 41]
)
def test_non_numbers_exponents_and_overlong_input_are_refused(value):
    with pytest.raises(NumberFormatError):
        parse_decimal(value)


@pytest.mark.parametrize(("text", "expected"), [("42", 42), ("０４２", 42), (7, 7), ("9223372036854775807", 2**63 - 1)])
def test_whole_numbers_are_read(text, expected):
    assert parse_int(text) == expected


@given(st.decimals(min_value=D("-1e12"), max_value=D("1e12"), places=2))
def test_every_plain_amount_reads_back_unchanged(amount):
    assert parse_decimal(f"{amount:f}", allow_negative=True) == amount


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_every_plain_integer_and_its_full_width_form_read_the_same(number):
    full_width = str(number).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    assert parse_int(str(number)) == parse_int(full_width) == number
