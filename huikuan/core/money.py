"""Money: Decimal amounts with an ISO 4217 currency, one rounding rule, one field factory.

Finance decided on half-up rounding (四舍五入), applied once where an amount is split; the
remainder goes to the last piece so that the pieces sum exactly (DOMAIN.md rule 1).
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from babel.numbers import get_currency_precision, list_currencies
from django.db import models
from django.db.models import BigIntegerField, Func
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.core.errors import CoreErrorCode, DomainError
from huikuan.core.numbers import NumberFormatError, parse_decimal

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ROUNDING = ROUND_HALF_UP
MAX_DIGITS = 18
DECIMAL_PLACES = 2
# Limits (README "Limits"). One amount (a contract, an installment, a receipt, an allocation, an
# adjustment, a fixed terms line, a credit limit) is at most one trillion minus a fen: more than any
# real contract, and exact everywhere: SQLite keeps decimals as binary floating point and Django
# reads them back to 15 significant digits; the limit has 14. Sums are computed in whole cents
# (``Cents``), on SQLite as signed 64-bit integers, so one sum per currency is exact up to
# MAX_EXACT_SUM: more than 92,000 amounts at the maximum, a book no company keeps. PostgreSQL sums
# have no such bound. Output fields render any sum.
MAX_AMOUNT = Decimal("999999999999.99")
MAX_EXACT_SUM = Decimal(2**63 - 1).scaleb(-2)
ZERO = Decimal("0.00")
STORAGE_QUANTUM = Decimal(1).scaleb(-DECIMAL_PLACES)
DEFAULT_CURRENCY = "CNY"


# ISO 4217 codes that are not money a customer pays in: test, "no currency", metals, units of account.
NOT_MONEY = frozenset({"XXX", "XTS", "XAU", "XAG", "XPT", "XPD", "XDR", "XBA", "XBB", "XBC", "XBD", "XSU", "XUA"})


@lru_cache(maxsize=1)
def supported_currencies() -> frozenset[str]:
    """ISO 4217 codes whose minor unit fits our storage (two decimal places at most)."""
    return frozenset(
        code for code in list_currencies() if code not in NOT_MONEY and get_currency_precision(code) <= DECIMAL_PLACES
    )


def is_supported_currency(code: str) -> bool:
    return isinstance(code, str) and code in supported_currencies()


def minor_units(currency: str) -> int:
    """Number of decimal places of the currency's minor unit (CNY 2, JPY 0)."""
    return get_currency_precision(currency)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """Round to the currency's minor unit, half-up. The one rounding function of the project."""
    return Decimal(amount).quantize(quantum(currency), rounding=ROUNDING)


def at_storage_scale(amount: Decimal) -> Decimal:
    """An amount written with the two places every amount is stored with (a yen amount as 1000.00).

    Not a rounding of money: the amounts and sums passed in already are whole minor units of their
    currency (validated on the way in, or summed in cents), so this only fixes the exponent, and
    SQLite's float noise (1234.5600000001) on sums it returns. Rounding goes through ``quantize``."""
    return Decimal(amount).quantize(STORAGE_QUANTUM, rounding=ROUNDING)


def round_whole(amount: Decimal) -> Decimal:
    """Round to whole units (yuan), half-up: for plans that avoid 10,000.20 + 9,999.90 splits."""
    return Decimal(amount).quantize(Decimal(1), rounding=ROUNDING)


def has_valid_precision(amount: Decimal, currency: str) -> bool:
    """True when the amount needs no rounding in the currency (no sub-fen amounts)."""
    try:
        return Decimal(amount) == Decimal(amount).quantize(quantum(currency))
    except InvalidOperation:
        return False


class MoneyField(models.DecimalField):
    """The column of an amount: a DecimalField of MAX_DIGITS digits and two places that reads back
    whatever it holds.

    SQLite returns decimals as binary floats; Django rounds them to 15 significant digits and then
    to two places within ``max_digits``. A value near the column's maximum (9999999999999999.99,
    written past the services) comes back as 10000000000000000.00, one digit too many: the read
    failed and every page showing the row answered 500. Two spare digits of precision let it read.
    Everything the services write (at most MAX_AMOUNT, 14 significant digits) reads back exactly.
    Migrations see a plain DecimalField: the column is unchanged."""

    @cached_property
    def context(self) -> decimal.Context:
        return decimal.Context(prec=(self.max_digits or MAX_DIGITS) + 2)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


def money_field(verbose_name: StrOrPromise | None = None, **kwargs: Any) -> models.DecimalField:
    return MoneyField(verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)


def currency_field(**kwargs: Any) -> models.CharField:
    kwargs.setdefault("default", DEFAULT_CURRENCY)
    return models.CharField(gettext_lazy("currency"), max_length=3, **kwargs)


def validate_currency(code: str, *, field: str = "currency") -> str:
    """The code if it is a supported ISO 4217 currency. Raises DomainError."""
    if not is_supported_currency(code):
        raise DomainError(
            CoreErrorCode.UNKNOWN_CURRENCY,
            _("Unknown or unsupported currency: %(code)s.") % {"code": code},
            field=field,
        )
    return code


def validate_amount(amount: object, currency: str, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """The amount, checked positive, at most MAX_AMOUNT and not finer than the currency's minor unit;
    ``amount`` may be any input (a string read strictly by ``core.numbers``, an int, None).
    The one amount check of every service. Raises DomainError."""
    if isinstance(amount, int | str) and not isinstance(amount, bool):
        try:
            amount = parse_decimal(amount, allow_negative=True)
        except NumberFormatError:
            amount = None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise DomainError(CoreErrorCode.INVALID_AMOUNT, _("Enter an amount."), field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError(CoreErrorCode.AMOUNT_NOT_POSITIVE, _("The amount must be positive."), field=field)
    if not has_valid_precision(amount, currency):
        raise DomainError(
            CoreErrorCode.AMOUNT_TOO_PRECISE,
            _("%(currency)s amounts have at most %(places)s decimal places.")
            % {"currency": currency, "places": minor_units(currency)},
            field=field,
        )
    if amount > MAX_AMOUNT:
        raise DomainError(CoreErrorCode.AMOUNT_TOO_LARGE, amount_limit_message(), field=field)
    return at_storage_scale(amount)


def display(amount: Decimal | int | str) -> str:
    """An amount as people read it, on the pages and in messages: thousands separators and two
    places (12,345.67; -1,234.50), the same in both languages (Chinese finance writes amounts this
    way too). The one formatter: the pages' ``amount`` filter and the services' refusals use it."""
    return f"{Decimal(amount):,.2f}"


def amount_limit_message() -> str:
    return _("An amount can be at most %(max)s.") % {"max": display(MAX_AMOUNT)}


class Cents(Func):
    """An amount as whole cents (fen) inside the database, so that sums over it are integer sums,
    exact on every database. SQLite keeps decimals as binary floating point: a million of them
    summed as such can be off by cents. Storage is exact to 1e13 per amount on SQLite."""

    template = "CAST(ROUND((%(expressions)s) * 100) AS BIGINT)"
    output_field = BigIntegerField()


def cents_sql(column: str) -> str:
    """``Cents`` of a column as SQL text, for the plain-SQL statements of the write path."""
    return Cents.template % {"expressions": column}


def from_cents(cents: int | Decimal | None) -> Decimal:
    """The amount of a sum of ``Cents`` (None, the sum of nothing, is zero)."""
    return at_storage_scale(Decimal(cents or 0).scaleb(-2))


def to_cents(amount: Decimal) -> int:
    """A stored amount (two places at most) as whole cents, the unit of running totals."""
    cents = amount.scaleb(2)
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has more than two places")
    return int(cents)
