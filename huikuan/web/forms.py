"""Form plumbing shared by the pages: Bootstrap classes on every widget, and a refused service
call (a ``DomainError`` or ``ValidationError``) shown on the field it concerns, with what was typed
kept (the page re-renders the bound form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from huikuan.core.errors import DomainError


class WorkbenchForm(forms.Form):
    """A form styled for the workbench; ``refuse`` puts a service's refusal on the right field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def refuse(self, error: DomainError | ValidationError) -> None:
        refuse(self, error)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        # marked for the eye (Bootstrap's red border) and for screen readers, pointing at the message
        if field:
            names = [field]
        elif isinstance(error, dict):
            names = list(error)
        elif isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            names = list(error.error_dict)
        else:
            names = []
        for name in names:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"


def style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        existing = widget.attrs.get("class", "")
        widget.attrs["class"] = f"{existing} {css}".strip()


def refuse(form: forms.BaseForm, error: DomainError | ValidationError) -> None:
    """Add a service's refusal to ``form``: on its field when the form has that field, otherwise
    above the form."""
    if isinstance(error, DomainError):
        field = error.field if error.field in form.fields else None
        form.add_error(field, str(error.message))
        return
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
        return
    form.add_error(None, error.messages)


class DateInput(forms.DateInput):
    """A date field the browser shows as a date picker (ISO values)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
