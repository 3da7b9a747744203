"""Domain errors: every refused business action raises one, with a code, a translated message and,
where the fault lies in one input, the field it concerns. The API turns them into 400s, forms into
field errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A business rule refused the action; nothing was changed."""

    status_code = 400

    def __init__(
        self,
        code: str,
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
        super().__init__("not_permitted", message)


def require_reason(reason: str | None) -> str:
    """The stripped reason a reversal or adjustment must give. Raises DomainError."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Give a reason."), field="reason")
    return reason
