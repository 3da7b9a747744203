"""The contract pages' forms. They parse what was typed; the services decide (a refusal comes back
on its field through ``form.refuse``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.contracts.choices import ContractStatus
from huikuan.core.errors import DomainError
from huikuan.customers.models import Customer
from huikuan.receivables.forms import CustomerField, resolve_customer
from huikuan.receivables.receipt_pages_selectors import customer_label as lookup_label
from huikuan.terms.choices import MilestoneKind
from huikuan.terms.models import PaymentTerms
from huikuan.web.forms import (
    AmountField,
    DateInput,
    StrictDecimalField,
    StrictIntegerField,
    WorkbenchForm,
    currency_choices,
    line_of,
    style,
)


def refuse_line(
    formset: forms.BaseFormSet, error: DomainError, *, positions: list[int], fallback: forms.Form | None = None
) -> bool:
    """Put a service's refusal of one line (``installments[2].amount``) on the field of the form it
    came from; ``positions`` maps the lines sent to the service to the formset's forms (blank rows
    are not sent). False when the error names no line: the caller shows it above the list."""
    line = line_of(error)
    if line is None:
        if fallback is not None:
            fallback.add_error(None, str(error.message))
        return False
    index, name = line
    if index >= len(positions):
        return False
    form = formset.forms[positions[index]]
    form.add_error(name if name in form.fields else None, str(error.message))
    return True


class ContractForm(WorkbenchForm):
    """A contract's fields. The create form has them all; an edit form keeps only the fields the
    contract's status lets change (``contracts.services.DRAFT_FIELDS`` / ``ACTIVE_FIELDS``)."""

    # typed, with suggestions (the receipts' lookup): a select of every customer would be a
    # 50,000-option page (0.7 s to serve at the bench size)
    customer = CustomerField(label=_("Customer"))
    number = forms.CharField(
        label=_("Number"), max_length=40, required=False, help_text=_("Leave blank to number it automatically.")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    amount = AmountField(label=_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput())
    vat_rate = StrictDecimalField(
        label=_("VAT rate"), places=4, initial="0.13", help_text=_("A fraction: 0.13 is 13%.")
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Blank: the customer's owner."),
    )
    terms = forms.ModelChoiceField(
        label=_("Payment terms"),
        queryset=PaymentTerms.objects.none(),
        required=False,
        help_text=_("The plan is made from it at once; it can be changed while the contract is a draft."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=10_000, widget=forms.Textarea({"rows": 3}))

    def __init__(
        self,
        *args: Any,
        customer_of: User | None = None,
        owners: QuerySet[User] | None = None,
        terms: QuerySet[PaymentTerms] | None = None,
        editable: tuple[str, ...] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # the customer is chosen within this user's scope; no user, no customer field (an edit)
        self.customer_of = customer_of
        if customer_of is None:
            del self.fields["customer"]
        elif isinstance(self.initial.get("customer"), Customer):
            self.initial["customer"] = lookup_label(self.initial["customer"])
        for name, queryset in (("owner", owners), ("terms", terms)):
            if queryset is None:
                del self.fields[name]
            else:
                self.fields[name].queryset = queryset  # type: ignore[attr-defined]  # a ModelChoiceField
        if "owner" in self.fields:
            self.fields["owner"].label_from_instance = user_label  # type: ignore[attr-defined]
        if editable is not None:
            for name in list(self.fields):
                if name not in editable:
                    del self.fields[name]

    def clean_customer(self) -> Customer:
        if self.customer_of is None:  # the field is removed then; never called
            raise ValidationError(_("Choose a customer."))
        return resolve_customer(self.customer_of, self.cleaned_data["customer"])


def user_label(user: User) -> str:
    return user.get_full_name() or user.username


def customer_label(customer: Customer) -> str:
    return f"{customer.name} ({customer.code})"


class ContractFilterForm(WorkbenchForm):
    """The contract list's filters (``contracts.filters.ContractFilter`` plus the text and the
    collected share)."""

    q = forms.CharField(label=_("Number or title"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("any")), *ContractStatus.choices])
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("any"))
    signed_from = forms.DateField(label=_("Signed from"), required=False, widget=DateInput())
    signed_to = forms.DateField(label=_("Signed to"), required=False, widget=DateInput())
    collected_min = StrictDecimalField(label=_("Collected at least (%)"), required=False, places=2)
    collected_max = StrictDecimalField(label=_("Collected at most (%)"), required=False, places=2)
    customer = StrictIntegerField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["owner"].label_from_instance = user_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("collected_min", "collected_max"):
            value = data.get(name)
            if value is not None and value > 100:
                self.add_error(name, _("A share is from 0 to 100%."))
        low, high = data.get("collected_min"), data.get("collected_max")
        if low is not None and high is not None and low > high:
            self.add_error("collected_max", _("The upper bound is below the lower one."))
        return data


class MilestoneForm(WorkbenchForm):
    kind = forms.ChoiceField(label=_("Milestone"), choices=MilestoneKind.choices)
    reached_on = forms.DateField(label=_("Reached on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, recorded: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # a milestone is recorded once per contract: offer the others
        kinds = [(value, label) for value, label in MilestoneKind.choices if value not in (recorded or set())]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]  # a ChoiceField


class TerminateForm(WorkbenchForm):
    on = forms.DateField(label=_("Terminated on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea({"rows": 2}))


class CancelForm(WorkbenchForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea({"rows": 2}))


class ActivateForm(WorkbenchForm):
    """No fields: carries the refusal of an activation (the plan does not sum, ...)."""


class ApplyTermsForm(WorkbenchForm):
    terms = forms.ModelChoiceField(label=_("Payment terms"), queryset=PaymentTerms.objects.none())
    base_date = forms.DateField(
        label=_("Base date"), required=False, widget=DateInput(), help_text=_("Blank: the signing date.")
    )

    def __init__(self, *args: Any, terms: QuerySet[PaymentTerms], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["terms"].queryset = terms  # type: ignore[attr-defined]  # a ModelChoiceField


class InstallmentLineForm(forms.Form):
    """One installment typed by hand: an amount, and a due date or a milestone with its offset."""

    label = forms.CharField(label=_("Label"), max_length=100, required=False)
    amount = AmountField(label=_("Amount"))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    milestone = forms.ChoiceField(label=_("or milestone"), required=False, choices=[("", "—"), *MilestoneKind.choices])
    offset_months = StrictIntegerField(label=_("+ months"), required=False)
    offset_days = StrictIntegerField(label=_("+ days"), required=False)
    is_retention = forms.BooleanField(label=_("Retention"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def line(self) -> dict[str, Any]:
        """The line as ``contract_set_installments`` takes it."""
        data = self.cleaned_data
        return {
            "label": data.get("label") or "",
            "amount": data["amount"],
            "due_date": data.get("due_date"),
            "milestone": data.get("milestone") or "",
            "offset_months": data.get("offset_months") or 0,
            "offset_days": data.get("offset_days") or 0,
            "is_retention": bool(data.get("is_retention")),
        }


class BasePlanFormSet(forms.BaseFormSet):
    """Rows of a list typed on a page. Every row counts as an extra row (none is "initial"), so a
    row left or made blank is skipped rather than refused; the page sets ``extra`` to the rows it
    shows."""

    def initial_form_count(self) -> int:
        return 0

    def filled(self) -> list[tuple[int, forms.Form]]:
        """The rows typed in (index, form); blank rows are left out."""
        return [(index, form) for index, form in enumerate(self.forms) if form.has_changed()]


def rows_formset(
    formset_class: type[forms.BaseFormSet],
    data: Any = None,
    *,
    initial: list[dict[str, Any]] | None = None,
    blank: int = 3,
    prefix: str,
) -> forms.BaseFormSet:
    """A bound formset of typed rows, or an unbound one showing ``initial`` and ``blank`` empty rows."""
    if data is not None:
        return formset_class(data, prefix=prefix)
    formset = formset_class(initial=initial or [], prefix=prefix)
    formset.extra = len(initial or []) + blank
    return formset


def typed_formset(formset_class: type[forms.BaseFormSet], data: Any, *, prefix: str, blank: int) -> forms.BaseFormSet:
    """The rows of ``data`` shown as they were typed, and ``blank`` empty rows after them: an
    unbound formset whose initial values are the raw typed values, so nothing is validated and no
    error is shown (a row half typed, an amount that is not a number). For "More rows"."""
    typed = formset_class(data, prefix=prefix)  # only read: its rows are never cleaned
    rows = [{name: form[name].data for name in form.fields} for form in typed.forms]
    return rows_formset(formset_class, initial=rows, blank=blank, prefix=prefix)


PlanFormSet = forms.formset_factory(
    InstallmentLineForm, formset=BasePlanFormSet, extra=0, max_num=1000, absolute_max=1000, validate_max=True
)
