"""The receipt pages' forms. They read what was typed; the services decide (a refusal comes back on
its field through ``form.refuse``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.contracts.models import Installment
from huikuan.core import money
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.customers.models import Customer
from huikuan.receivables.choices import PaymentMethod
from huikuan.receivables.receipt_pages_selectors import customer_from_text, customer_label
from huikuan.web.forms import AmountField, DateInput, WorkbenchForm, currency_choices, line_of, typed_amount


class CustomerInput(forms.TextInput):
    """A text box suggesting customers as one types (htmx fills the datalist with up to 20
    matches): a select of 50,000 customers would be unusable and heavy."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "list": "customer-options",
            "autocomplete": "off",
            "hx-trigger": "input changed delay:250ms",
            "hx-target": "#customer-options",
            "hx-swap": "innerHTML",
        }
        super().__init__(attrs={**base, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # the lookup's address, read when rendered (the URLconf is loaded by then)
        context["widget"]["attrs"]["hx-get"] = reverse("receipt_customer_options")
        return context


class CustomerField(forms.CharField):
    """The customer typed or picked from the suggestions; the form resolves it with the user's
    scope (``receipt_pages_selectors.customer_from_text``)."""

    widget = CustomerInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 250)
        kwargs.setdefault("help_text", _("Type a code or part of the name, then pick the customer."))
        super().__init__(**kwargs)


def resolve_customer(user: User, text: str) -> Customer:
    """The one customer ``text`` names. Raises ValidationError."""
    matches = customer_from_text(user=user, text=text)
    if not matches:
        raise ValidationError(_("No customer matches this: pick one from the suggestions."), code="unknown")
    if len(matches) > 1:
        raise ValidationError(_("Several customers match this: pick one from the suggestions."), code="ambiguous")
    return matches[0]


class ReceiptForm(WorkbenchForm):
    """A new receipt (``services.receipts.receipt_create``)."""

    customer = CustomerField(label=_("Customer"))
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    amount = AmountField(label=_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices)
    method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)
    bill_maturity_date = forms.DateField(
        label=_("Bill maturity date"),
        required=False,
        widget=DateInput(),
        help_text=_("For bank and commercial acceptance bills."),
    )
    payer_name = forms.CharField(label=_("Payer name"), required=False, max_length=200)
    bank_reference = forms.CharField(label=_("Bank reference"), required=False, max_length=100)
    memo = forms.CharField(
        label=_("Memo"),
        required=False,
        max_length=500,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("A contract number in the memo matches the receipt to that contract first."),
    )
    number = forms.CharField(
        label=_("Number"), required=False, max_length=40, help_text=_("Leave blank to number it automatically.")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["received_on"].initial = today()
        company = user.company
        self.fields["currency"].initial = company.currency if company is not None else money.DEFAULT_CURRENCY
        self.fields["amount"].widget.attrs["autocomplete"] = "off"
        # a customer named by id (``?customer=12`` from a customer's page) shows as its label
        initial = self.initial.get("customer")
        if isinstance(initial, Customer):
            self.initial["customer"] = customer_label(initial)

    def clean_customer(self) -> Customer:
        return resolve_customer(self.user, self.cleaned_data["customer"])

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned fields as ``receipt_create`` takes them."""
        data = self.cleaned_data
        return {
            "customer": data["customer"],
            "received_on": data["received_on"],
            "amount": data["amount"],
            "currency": data["currency"],
            "method": data["method"],
            "bill_maturity_date": data.get("bill_maturity_date"),
            "payer_name": data.get("payer_name") or "",
            "bank_reference": data.get("bank_reference") or "",
            "memo": data.get("memo") or "",
            "number": data.get("number") or "",
        }


REVERSED_CHOICES = [("", _("any")), ("false", _("Not reversed")), ("true", _("Reversed"))]


class ReceiptFilterForm(WorkbenchForm):
    """The receipt list's filters: ``receivables.filters.ReceiptFilter`` plus a text and
    unapplied cash only."""

    q = forms.CharField(
        label=_("Number, payer or bank reference"), required=False, max_length=100, widget=forms.TextInput()
    )
    customer = CustomerField(label=_("Customer"), required=False, help_text="")
    method = forms.ChoiceField(
        label=_("Payment method"), required=False, choices=[("", _("any")), *PaymentMethod.choices]
    )
    currency = forms.ChoiceField(
        label=_("Currency"), required=False, choices=lambda: [("", _("any")), *currency_choices()]
    )
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("Received to"), required=False, widget=DateInput())
    is_reversed = forms.ChoiceField(label=_("Reversed"), required=False, choices=REVERSED_CHOICES)
    unapplied = forms.BooleanField(label=_("With unapplied cash only"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_customer(self) -> Customer | None:
        text = self.cleaned_data.get("customer") or ""
        return resolve_customer(self.user, text) if text.strip() else None

    def selector_filters(self) -> dict[str, Any]:
        """The filters as ``ReceiptFilter`` reads them (a query string's values)."""
        data = self.cleaned_data
        filters: dict[str, Any] = {}
        if data.get("customer") is not None:
            filters["customer"] = str(data["customer"].pk)
        for name in ("method", "currency", "is_reversed"):
            if data.get(name):
                filters[name] = data[name]
        for name in ("received_from", "received_to"):
            if data.get(name):
                filters[name] = data[name].isoformat()
        return filters


class ReverseForm(WorkbenchForm):
    """A reversal of a receipt or an allocation: why, and optionally from when."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,  # the service refuses a blank reason, with its own message
        max_length=2000,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Required: it is kept with the reversal."),
    )
    reversed_on = forms.DateField(
        label=_("Reversed on"), required=False, widget=DateInput(), help_text=_("Blank: today.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["aria-required"] = "true"


@dataclass
class MatchRow:
    """One installment in the matching panel, with its amount field."""

    installment: Installment
    proposed: bool
    field: forms.BoundField

    @property
    def label(self) -> str:
        return installment_label(self.installment)


def installment_label(installment: Installment) -> str:
    """An installment's label, or its place in the plan (as the worklist shows it)."""
    return installment.label or f"#{installment.sequence}"


class MatchForm(WorkbenchForm):
    """The matching panel: one amount per installment shown (prefilled with the proposal), and an
    optional effective date. Blank or zero amounts are left out."""

    effective_on = forms.DateField(
        label=_("Effective on"),
        required=False,
        widget=DateInput(),
        help_text=_("Blank: the receipt date, or the first day the amounts fit."),
    )

    def __init__(
        self,
        *args: Any,
        installments: Sequence[Installment],
        proposal: dict[int, Decimal] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.installments = list(installments)
        self.proposal = proposal or {}
        for installment in self.installments:
            name = self.amount_name(installment.pk)
            proposed = self.proposal.get(installment.pk)
            self.fields[name] = AmountField(
                label=_("Amount to apply"), required=False, initial=str(proposed) if proposed is not None else ""
            )
            attrs = self.fields[name].widget.attrs
            attrs["class"] = "form-control form-control-sm text-end amount-input"
            attrs["autocomplete"] = "off"

    @staticmethod
    def amount_name(pk: int) -> str:
        return f"amount_{pk}"

    def rows(self) -> list[MatchRow]:
        return [MatchRow(i, i.pk in self.proposal, self[self.amount_name(i.pk)]) for i in self.installments]

    def lines(self) -> list[tuple[Installment, Decimal]]:
        """The installments with an amount typed (cleaned), in the order shown."""
        chosen = []
        for installment in self.installments:
            amount = self.cleaned_data.get(self.amount_name(installment.pk))
            if amount is not None and amount != 0:
                chosen.append((installment, amount))
        return chosen

    def typed_total(self) -> Decimal:
        """What the amounts typed so far add up to (the running total)."""
        total = Decimal(0)
        for installment in self.installments:
            total += typed_amount(self.data.get(self.amount_name(installment.pk)) or "")
        return total

    def refuse_line(self, error: DomainError, lines: Sequence[tuple[Installment, Decimal]]) -> bool:
        """Put a refusal of one line (``lines[2].amount``) on that row's amount. False when the error
        names no line."""
        line = line_of(error)
        if line is None or line[0] >= len(lines):
            return False
        installment = lines[line[0]][0]
        self.add_error(self.amount_name(installment.pk), str(error.message))
        return True
