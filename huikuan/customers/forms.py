"""The customer pages' forms: the list's filters, and the customer with its contacts and tags.

The customer form only reads and shapes what was typed; every rule (the name, the tax id, the
credit limit, who may own the customer) is the service's, and its refusal is shown on the field it
concerns (``refuse``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.core.errors import DomainError
from huikuan.customers.models import Customer, CustomerStatus
from huikuan.terms.models import PaymentTerms
from huikuan.web.forms import WorkbenchForm

YES, NO = "yes", "no"
SORT_CHOICES = [
    ("code", _("Code")),
    ("name", _("Name")),
    ("balance", _("Balance (largest first)")),
    ("overdue", _("Overdue (largest first)")),
]
CONTACT_FIELDS = ("name", "role", "phone", "email")
# how many contact rows a form shows beyond the customer's contacts (at least the primary one)
EXTRA_CONTACT_ROWS = 1
MIN_CONTACT_ROWS = 2
MAX_CONTACT_ROWS = 50
_TAG_SEPARATORS = re.compile(r"[,，;；、]")
_CONTACT_FIELD = re.compile(r"^contacts\[(\d+)\]\.(\w+)$")


def set_choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def user_label(user: User) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


class CustomerFilters(WorkbenchForm):
    """The list's filters, as the selector's (``receivables.customer_figures.CustomerFiguresFilter``).
    Owner, team and company choices are what the user may see; the company filter is only there for
    someone who sees several companies."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    company = forms.TypedChoiceField(label=_("Company"), required=False, coerce=int, empty_value=None)
    has_overdue = forms.ChoiceField(
        label=_("Overdue"),
        required=False,
        choices=[("", _("any")), (YES, _("Has overdue")), (NO, _("Nothing overdue"))],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("any")), *CustomerStatus.choices])
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(
        self,
        *args: Any,
        owners: Iterable[User],
        teams: Iterable[Any],
        companies: Iterable[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name, code or tax id")
        set_choices(self, "owner", [("", _("any")), *((u.pk, user_label(u)) for u in owners)])
        team_choices = [(t.pk, t.name) for t in teams]
        if team_choices:
            set_choices(self, "team", [("", _("any")), *team_choices])
        else:
            del self.fields["team"]
        company_choices = [(c.pk, c.name) for c in companies]
        if len(company_choices) > 1:
            set_choices(self, "company", [("", _("any")), *company_choices])
        else:
            del self.fields["company"]

    def selector_filters(self) -> dict[str, Any]:
        """The cleaned filters as the selector takes them (only those given)."""
        data = self.cleaned_data
        filters: dict[str, Any] = {}
        for name in ("q", "owner", "team", "company", "status", "sort"):
            value = data.get(name)
            if value not in (None, ""):
                filters[name] = value
        if data.get("has_overdue") in (YES, NO):
            filters["has_overdue"] = data["has_overdue"] == YES
        return filters


def split_tags(text: str) -> list[str]:
    """Tags typed as one line, separated by commas (also the Chinese ，、 and semicolons)."""
    seen: list[str] = []
    for part in _TAG_SEPARATORS.split(text or ""):
        name = part.strip()
        if name and name not in seen:
            seen.append(name)
    return seen


class CustomerForm(WorkbenchForm):
    """A customer with its contacts (rows ``contact_<i>_<field>``, the first one the primary
    contact) and tags (one line). ``owners`` is given when the user may hand the customer to
    someone else (Perm.OWNER_CHANGE); otherwise there is no owner field and the owner is kept (or,
    for a new customer, is the user)."""

    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to use the next number."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    tax_id = forms.CharField(label=_("Unified social credit code"), required=False, max_length=40)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    status = forms.ChoiceField(label=_("Status"), choices=CustomerStatus.choices, initial=CustomerStatus.ACTIVE)
    credit_limit = forms.DecimalField(label=_("Credit limit"), required=False, initial=Decimal("0.00"))
    default_terms = forms.TypedChoiceField(
        label=_("Default payment terms"), required=False, coerce=int, empty_value=None
    )
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500, help_text=_("Separate tags with commas."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        customer: Customer | None = None,
        owners: Iterable[User] | None = None,
        terms: Iterable[PaymentTerms] = (),
        contact_rows: int = MIN_CONTACT_ROWS,
        **kwargs: Any,
    ) -> None:
        self.customer = customer
        self.contact_rows = max(MIN_CONTACT_ROWS, min(contact_rows, MAX_CONTACT_ROWS))
        super().__init__(*args, **kwargs)
        if customer is not None:
            del self.fields["code"]  # a customer's code is fixed once given
        self.owners: dict[int, User] = {}
        if owners is None:
            del self.fields["owner"]
        else:
            self.owners = {user.pk: user for user in owners}
            if customer is not None:
                # the owner it has stays a choice, even one the user could not pick now
                self.owners.setdefault(customer.owner_id, customer.owner)
            set_choices(self, "owner", [(pk, user_label(user)) for pk, user in self.owners.items()])
        self.terms = {t.pk: t for t in terms}
        if customer is not None and customer.default_terms is not None:
            self.terms.setdefault(customer.default_terms.pk, customer.default_terms)
        set_choices(self, "default_terms", [("", "—"), *((pk, t.name) for pk, t in self.terms.items())])
        for index in range(self.contact_rows):
            for name, field in self._contact_fields(index).items():
                # added after WorkbenchForm styled the class's own fields: styled here alike
                field.widget.attrs["class"] = "form-control"
                self.fields[name] = field

    @staticmethod
    def _contact_fields(index: int) -> dict[str, forms.Field]:
        return {
            f"contact_{index}_name": forms.CharField(label=_("Contact name"), required=False, max_length=100),
            f"contact_{index}_role": forms.CharField(label=_("Position"), required=False, max_length=100),
            f"contact_{index}_phone": forms.CharField(label=_("Phone"), required=False, max_length=40),
            f"contact_{index}_email": forms.EmailField(label=_("Email"), required=False, max_length=254),
        }

    def contact_groups(self) -> list[list[forms.BoundField]]:
        """The contact fields by row, for the template."""
        return [[self[f"contact_{i}_{name}"] for name in CONTACT_FIELDS] for i in range(self.contact_rows)]

    @staticmethod
    def initial_for(customer: Customer) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": customer.name,
            "tax_id": customer.tax_id,
            "address": customer.address,
            "owner": customer.owner_id,
            "status": customer.status,
            "credit_limit": customer.credit_limit,
            "default_terms": customer.default_terms_id,
            "tags": ", ".join(sorted(tag.name for tag in customer.tags.all())),
            "notes": customer.notes,
        }
        for index, contact in enumerate(customer.contacts.order_by("-is_primary", "pk")):
            for name in CONTACT_FIELDS:
                initial[f"contact_{index}_{name}"] = getattr(contact, name)
        return initial

    def clean_credit_limit(self) -> Decimal:
        return self.cleaned_data.get("credit_limit") or Decimal("0")

    def contacts(self) -> tuple[list[dict[str, Any]], list[int]]:
        """The filled-in contact rows as the service takes them (the first one primary), and the
        form row of each, to put a refusal about ``contacts[i]`` on the row it came from."""
        contacts: list[dict[str, Any]] = []
        rows: list[int] = []
        for index in range(self.contact_rows):
            values = {name: (self.cleaned_data.get(f"contact_{index}_{name}") or "").strip() for name in CONTACT_FIELDS}
            if not any(values.values()):
                continue
            values["is_primary"] = not contacts
            contacts.append(values)
            rows.append(index)
        return contacts, rows

    def values(self) -> dict[str, Any]:
        """What the service takes (keyword arguments of ``customer_create`` / ``customer_update``)."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            "name": data["name"],
            "tax_id": data.get("tax_id") or "",
            "address": data.get("address") or "",
            "status": data["status"],
            "credit_limit": data["credit_limit"],
            "default_terms": self.terms.get(data["default_terms"]) if data.get("default_terms") else None,
            "notes": data.get("notes") or "",
            "tags": split_tags(data.get("tags") or ""),
        }
        if "owner" in self.fields:
            values["owner"] = self.owners[data["owner"]]
        if "code" in self.fields:
            values["code"] = (data.get("code") or "").strip()
        values["contacts"], self._contact_rows = self.contacts()
        return values

    def refuse(self, error: DomainError | ValidationError) -> None:
        """As ``WorkbenchForm.refuse``, with a refusal about ``contacts[i].name`` put on the row the
        ``i``-th contact was typed in."""
        if isinstance(error, DomainError) and error.field:
            match = _CONTACT_FIELD.match(error.field)
            rows = getattr(self, "_contact_rows", [])
            if match and int(match.group(1)) < len(rows):
                field = f"contact_{rows[int(match.group(1))]}_{match.group(2)}"
                if field in self.fields:
                    self.add_error(field, str(error.message))
                    return
        super().refuse(error)
