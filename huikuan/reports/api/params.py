"""Query parameters the report endpoints share."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from huikuan.core import money


class CurrencyParam(serializers.CharField):
    """An optional ISO 4217 code in any case; None (blank or absent) means every currency."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(max_length=3, **kwargs)

    def to_internal_value(self, data: Any) -> str | None:  # type: ignore[override]  # None: every currency
        code = str(super().to_internal_value(data)).strip().upper()
        if not code:
            return None
        if not money.is_supported_currency(code):
            raise serializers.ValidationError(_("Enter a currency code such as CNY or USD."))
        return code
