"""Form plumbing shared by the pages: Bootstrap classes on every widget, and a refused service
call (a ``DomainError`` or ``ValidationError``) shown on the field it concerns, with what was typed
kept (the page re-renders the bound form)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from huikuan.core import money
from huikuan.core.as_of import as_of_from
from huikuan.core.dates import require_not_future, today
from huikuan.core.errors import DomainError
from huikuan.core.numbers import NumberFormatError, parse_decimal, parse_int

# a service's refusal of one line of a list: ``installments[2].amount``, ``lines[0].percent``
LINE_FIELD = re.compile(r"^\w+\[(\d+)\]\.(\w+)$")
# offered first: the currencies a Chinese company's contracts and receipts are nearly always in
COMMON_CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "GBP")


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


class StrictDecimalField(forms.CharField):
    """A number typed by a person, read strictly (``core.numbers``: no exponents, separators or
    spaces; full-width digits allowed): Django's DecimalField reads ``1e3`` as 1000. A minus is
    read, so that the service's own message says an amount must be positive."""

    default_error_messages = {"invalid": _("Enter a number such as 1234.50 (digits and one point).")}

    def __init__(self, *, places: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.places = places
        # no max_length validator: it would measure the number; core.numbers refuses long input
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("maxlength", "40")

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # a number, not text
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            number = parse_decimal(text, allow_negative=True)
        except NumberFormatError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        if self.places is not None and number != number.quantize(Decimal(1).scaleb(-self.places)):
            raise ValidationError(
                _("Enter at most %(places)s decimal places.") % {"places": self.places}, code="places"
            )
        return number


class AmountField(StrictDecimalField):
    """An amount: the services check it against its currency (sign, places, limit)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=money.DECIMAL_PLACES, **kwargs)


class StrictIntegerField(forms.CharField):
    """A whole number read strictly (``core.numbers``); the services check its range."""

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "maxlength": "12"})

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]  # a number, not text
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_int(text)
        except NumberFormatError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


def typed_amount(value: str) -> Decimal:
    """An amount as typed so far, for a running total: what cannot be read counts as nothing (its
    field says why when the form is sent)."""
    text = value.strip()
    if not text:
        return Decimal(0)
    try:
        return parse_decimal(text, allow_negative=True)
    except NumberFormatError:
        return Decimal(0)


def line_of(error: DomainError) -> tuple[int, str] | None:
    """The line and field a service's refusal names (``lines[2].amount`` → (2, "amount"))."""
    match = LINE_FIELD.match(error.field or "")
    return (int(match[1]), match[2]) if match else None


def currency_choices() -> list[tuple[str, str]]:
    supported = money.supported_currencies()
    common = [code for code in COMMON_CURRENCIES if code in supported]
    rest = sorted(supported - set(common))
    return [(code, code) for code in [*common, *rest]]


class AsOfForm(WorkbenchForm):
    """The date a record's page shows its figures for (the customer and the contract pages): today
    when not given, any past date, never a future one."""

    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attrs = self.fields["as_of"].widget.attrs
        # small, beside the figures' heading; the browser's date picker offers no day after today
        # (the page refuses one anyway)
        attrs["class"] = f"{attrs.get('class', '')} form-control-sm w-auto".strip()
        attrs["max"] = today().isoformat()


def page_as_of(request: HttpRequest) -> tuple[AsOfForm, dt.date]:
    """The ``as_of`` date of a record's page and its form. A malformed, out-of-range or future date
    is refused on the form's field (translated, as the worklist does) and the page shows today's
    figures; without one (or blank) the page is today's, the form showing today's date."""
    if "as_of" not in request.GET:
        return AsOfForm(initial={"as_of": today()}), today()
    form = AsOfForm(request.GET)
    if form.is_valid():  # otherwise Django's message is on the field already
        try:
            as_of = as_of_from(request.GET)
            require_not_future(as_of, field="as_of")
        except DomainError as error:
            form.refuse(error)
        else:
            return form, as_of
    return form, today()


def past_as_of(as_of: dt.date) -> str:
    """The ``as_of`` value the page's links carry to the pages they lead to: the date when it is a
    past one, nothing for today (the links stay as they are)."""
    return as_of.isoformat() if as_of < today() else ""
