"""The one strict reading of numbers typed by people: amounts, percentages, offsets and ids.

Python's ``Decimal()`` and ``int()`` (and so DRF's and Django's number fields) accept far more than
a person means by a number: ``"1_000"``, ``"1e3"``, ``" 1000 "`` and Arabic-Indic or other
non-ASCII digits are all read as 1000. A receivables product must not guess: such input is refused.

One deliberate normalisation: full-width digits and the full-width full stop (``１０００．５０``),
which Chinese input methods type, are read as their ASCII forms. Nothing else is normalised.

Accepted after that normalisation: ASCII digits, an optional leading ``-`` where the caller allows
negative numbers, and for decimals at most one ``.`` with digits on both sides. No spaces, signs
other than that minus, exponents, underscores, thousands separators, ``NaN`` or ``Infinity``.
"""

from __future__ import annotations

import re
from decimal import Decimal

# Full-width digits U+FF10..U+FF19 and the full-width full stop U+FF0E (．).
FULL_WIDTH = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)}, "\uff0e": "."})

# Longer input is refused before it is parsed: no amount, percentage, offset or id needs 40
# characters, and a million-digit string would cost time to convert.
MAX_LENGTH = 40

_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class NumberFormatError(ValueError):
    """The text is not a number written the way we accept numbers."""


def normalize(text: str) -> str:
    """Full-width digits and full stop as ASCII; everything else unchanged."""
    return text.translate(FULL_WIDTH)


def _text_of(value: object) -> str:
    if isinstance(value, bool):
        raise NumberFormatError("a boolean is not a number")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NumberFormatError("not a finite number")
        # A JSON number read as Decimal keeps the way it was written: 1E+3 stays an exponent.
        return str(value)
    if isinstance(value, float):
        # JSON numbers parsed by another parser; repr keeps exponents visible (1e+20) so they fail.
        return repr(value)
    if isinstance(value, str):
        return value
    raise NumberFormatError("not a number")


def _checked(value: object, pattern: re.Pattern[str], allow_negative: bool) -> str:
    text = _text_of(value)
    if len(text) > MAX_LENGTH:
        raise NumberFormatError("too long")
    text = normalize(text)
    if pattern.fullmatch(text) is None:
        raise NumberFormatError("not a plain number")
    if text.startswith("-") and not allow_negative:
        raise NumberFormatError("negative")
    return text


def parse_decimal(value: object, *, allow_negative: bool = False) -> Decimal:
    """A Decimal from a plain decimal number (string, int or finite Decimal). Raises NumberFormatError."""
    return Decimal(_checked(value, _DECIMAL, allow_negative))


def parse_int(value: object, *, allow_negative: bool = False) -> int:
    """An int from a plain whole number (string or int; ``1.0`` is refused). Raises NumberFormatError."""
    return int(_checked(value, _INTEGER, allow_negative))
