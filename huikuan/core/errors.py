"""Domain errors: every refused business action raises one, with a code, a translated message and,
where the fault lies in one input, the field it concerns. The API turns them into 400s, forms into
field errors."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _


class CoreErrorCode(StrEnum):
    """Error codes of the core rules every app shares: amounts, dates, numbers, reasons, roles."""

    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    AMOUNT_TOO_LARGE = "amount_too_large"
    AMOUNT_TOO_PRECISE = "amount_too_precise"
    DATE_IN_FUTURE = "date_in_future"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    DATES_OUT_OF_ORDER = "dates_out_of_order"
    DUPLICATE_NUMBER = "duplicate_number"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_DATE = "invalid_date"
    INVALID_NUMBER_PATTERN = "invalid_number_pattern"
    NOT_PERMITTED = "not_permitted"
    OFFSET_OUT_OF_RANGE = "offset_out_of_range"
    REASON_REQUIRED = "reason_required"
    UNKNOWN_CURRENCY = "unknown_currency"


class DomainError(Exception):
    """A business rule refused the action; nothing was changed."""

    status_code = 400

    def __init__(
        self,
        code: StrEnum,
        message: Any,
        *,
        field: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = str(code)
        self.message = message
        self.field = field
        self.extra = dict(extra or {})

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.field:
            body["fields"] = {self.field: [str(self.message)]}
        if self.extra:
            body["extra"] = {k: str(v) for k, v in self.extra.items()}
        return body


class NotPermitted(DomainError):
    """The actor's role does not allow the action."""

    status_code = 403

    def __init__(self, message: Any) -> None:
        super().__init__(CoreErrorCode.NOT_PERMITTED, message)


def require_reason(reason: str | None) -> str:
    """The stripped reason a reversal or adjustment must give. Raises DomainError."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(CoreErrorCode.REASON_REQUIRED, _("Give a reason."), field="reason")
    return reason
