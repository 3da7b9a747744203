"""Form fields the report pages share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.core import money


class CurrencyField(forms.CharField):
    """An optional ISO 4217 code, typed in any case; cleans to the code or None (every currency)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Currency"))
        kwargs.setdefault("required", False)
        super().__init__(max_length=3, **kwargs)

    def clean(self, value: Any) -> str | None:  # type: ignore[override]  # None for "every currency"
        code = (super().clean(value) or "").strip().upper()
        if not code:
            return None
        if not money.is_supported_currency(code):
            raise forms.ValidationError(_("Enter a currency code such as CNY or USD."))
        return code
