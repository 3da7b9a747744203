"""Money: Decimal amounts with an ISO 4217 currency, one rounding rule, one field factory.

Finance decided on half-up rounding (四舍五入), applied once where an amount is split; the
remainder goes to the last piece so that the pieces sum exactly (DOMAIN.md rule 1).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies
from django.db import models
from django.utils.translation import gettext_lazy as _

ROUNDING = ROUND_HALF_UP
MAX_DIGITS = 18
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal("9999999999999999.99")
ZERO = Decimal("0.00")
DEFAULT_CURRENCY = "CNY"


@lru_cache(maxsize=1)
def supported_currencies() -> frozenset[str]:
    """ISO 4217 codes whose minor unit fits our storage (two decimal places at most)."""
    return frozenset(code for code in list_currencies() if get_currency_precision(code) <= DECIMAL_PLACES)


def is_supported_currency(code: str) -> bool:
    return isinstance(code, str) and code in supported_currencies()


def minor_units(currency: str) -> int:
    """Number of decimal places of the currency's minor unit (CNY 2, JPY 0)."""
    return get_currency_precision(currency)


def quantum(currency: str = DEFAULT_CURRENCY) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def quantize(amount: Decimal | int | str, currency: str = DEFAULT_CURRENCY) -> Decimal:
    """Round to the currency's minor unit, half-up. The one rounding function of the project."""
    return Decimal(amount).quantize(quantum(currency), rounding=ROUNDING)


def round_whole(amount: Decimal) -> Decimal:
    """Round to whole units (yuan), half-up: for plans that avoid 10,000.20 + 9,999.90 splits."""
    return Decimal(amount).quantize(Decimal(1), rounding=ROUNDING)


def is_zero(amount: Decimal) -> bool:
    return Decimal(amount) == 0


def has_valid_precision(amount: Decimal, currency: str = DEFAULT_CURRENCY) -> bool:
    """True when the amount needs no rounding in the currency (no sub-fen amounts)."""
    try:
        return Decimal(amount) == Decimal(amount).quantize(quantum(currency))
    except InvalidOperation:
        return False


def money_field(verbose_name: str | None = None, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)


def currency_field(**kwargs) -> models.CharField:
    kwargs.setdefault("default", DEFAULT_CURRENCY)
    return models.CharField(_("currency"), max_length=3, **kwargs)
