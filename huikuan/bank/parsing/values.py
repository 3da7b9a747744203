"""Reading the money, dates and currencies written in statement files, whatever their local habits."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

CENT = Decimal("0.01")

# what banks write around an amount that is not part of it
_NOISE = re.compile(r"人民币|RMB|CNY|[¥￥$€£元]|\s|\u00a0|\u3000|'|’|^[A-Z]{3}(?=[\d+\-(.])|(?<=[\d.])[A-Z]{3}$")
_PLAIN = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_GROUPED_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_MASK = re.compile(r"[xXyYzZ*#]")


class ValueProblem(ValueError):
    """A cell or field that cannot be read; the message is translated and ready to show."""


def clean_cell(value: object) -> str:
    """A spreadsheet cell as text: padding, TABs and placeholder dashes ('-', '-----') removed."""
    if value is None:
        return ""
    text = str(value).strip().strip("\t\u3000\u00a0 ").strip()
    if text and not text.strip("-—_ "):
        return ""
    return text


def parse_amount(text: str, *, decimal_comma: bool = False) -> Decimal:
    """'1,234.56', '+10000.00', '-50,00', '¥ 1,234.00', '(12.00)', '1.234,56' → Decimal with at most 2 places."""
    raw = text
    text = _NOISE.sub("", text.upper()) if text else ""
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text[:1] in "+-" and text:
        negative, text = negative or text[0] == "-", text[1:]
    elif text.endswith("-"):  # some banks write the sign after the number
        negative, text = True, text[:-1]
    if not text:
        raise ValueProblem(_("The amount is missing."))
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        if "." in text and text.rfind(",") > text.rfind("."):  # 1.234,56
            text = text.replace(".", "").replace(",", ".")
        elif _GROUPED_COMMA.fullmatch(text):
            text = text.replace(",", "")
        elif _DECIMAL_COMMA.fullmatch(text):  # -50,00: a comma with 1 or 2 digits after it can only be decimal
            text = text.replace(",", ".")
    if not _PLAIN.fullmatch(text):
        raise ValueProblem(_("“%(value)s” is not an amount.") % {"value": raw.strip()})
    return to_cents(Decimal(text), raw, negative)


def to_cents(value: Decimal, raw: str = "", negative: bool = False) -> Decimal:
    """Two decimal places; more are accepted only when they are zeros (CAMT writes 18.150)."""
    try:
        cents = value.quantize(CENT)
    except InvalidOperation as exc:
        raise ValueProblem(_("“%(value)s” is not an amount.") % {"value": raw or str(value)}) from exc
    if cents != value:
        raise ValueProblem(_("“%(value)s” has more than 2 decimal places.") % {"value": (raw or str(value)).strip()})
    return -cents if negative else cents


def is_masked(text: str) -> bool:
    """A figure the bank hid ('xx,yyyy.zz', '****'): treated as absent."""
    return bool(_MASK.search(text)) and bool(re.fullmatch(r"[\dxXyYzZ*#,.\s+-]+", text))


_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"), "ymd"),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"), "ymd"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "ymd"),
    (re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})"), "dmy"),
    (re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})"), "dmy2"),
]
# a time after the date: '2024-01-01 10:20:30', '2024-01-01T10:20', '20240101 102030'
_TIME_TAIL = re.compile(r"(?:[ T]+\d{1,2}:?\d{2}(?::?\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def parse_date(value: object, date_format: str = "") -> dt.date:
    """A date cell: date/datetime objects, or text in the layouts Chinese and European banks use."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_cell(value)
    if not text:
        raise ValueProblem(_("The date is missing."))
    if date_format:
        try:
            return dt.datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a calendar date, no zone
        except ValueError as exc:
            raise ValueProblem(
                _("“%(value)s” is not a date in the layout %(layout)s.") % {"value": text, "layout": date_format}
            ) from exc
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match or not _TIME_TAIL.fullmatch(text, match.end()):
            continue
        a, b, c = (int(part) for part in match.groups())
        try:
            if order == "ymd":
                return dt.date(a, b, c)
            year = c if order == "dmy" else 2000 + c if c < 70 else 1900 + c
            return dt.date(year, b, a)
        except ValueError:
            break
    raise ValueProblem(_("“%(value)s” is not a date.") % {"value": text})


_CURRENCY_NAMES = {
    "人民币": "CNY",
    "人民幣": "CNY",
    "RMB": "CNY",
    "美元": "USD",
    "美金": "USD",
    "港币": "HKD",
    "港元": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
}


def parse_currency(text: str) -> str:
    """'人民币', 'RMB', 'cny' → 'CNY'; '' when the cell says nothing readable."""
    text = clean_cell(text).upper()
    for name, code in _CURRENCY_NAMES.items():
        if name in text:
            return code
    match = re.search(r"\b[A-Z]{3}\b", text)
    return match.group(0) if match else ""
