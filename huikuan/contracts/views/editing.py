"""Creating a contract (with its plan from a template at once, previewed live) and editing one:
a draft's every field, an active contract's title, end date, owner and notes
(``contracts.services.DRAFT_FIELDS`` / ``ACTIVE_FIELDS``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.selectors import users_visible_to
from huikuan.contracts.choices import ContractStatus
from huikuan.contracts.forms import ContractForm
from huikuan.contracts.services import ACTIVE_FIELDS, DRAFT_FIELDS, contract_create, contract_update
from huikuan.contracts.views.common import require_change, visible_contract
from huikuan.core import money
from huikuan.core.errors import DomainError
from huikuan.core.numbers import NumberFormatError, parse_int
from huikuan.customers.models import Customer
from huikuan.customers.selectors import customers_visible_to
from huikuan.terms.selectors import terms_visible_to
from huikuan.web.requests import page_user

CREATE_FIELDS = (
    "customer",
    "number",
    "title",
    "amount",
    "currency",
    "signed_on",
    "starts_on",
    "ends_on",
    "vat_rate",
    "owner",
    "terms",
    "notes",
)


def _owners(user: User) -> Any:
    """Owner choices, for the roles that may hand a contract to someone else (Perm.OWNER_CHANGE)."""
    if not user.has_perm_code(Perm.OWNER_CHANGE):
        return None
    return users_visible_to(user).order_by("username")


def _initial_customer(request: HttpRequest, user: User) -> Customer | None:
    """The customer a page linked from (``?customer=12``), if the user may see it."""
    try:
        pk = parse_int(request.GET.get("customer") or "")
    except NumberFormatError:
        return None
    return customers_visible_to(user).filter(pk=pk).first()


@login_required
def contract_create_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    require_change(user)
    options: dict[str, Any] = {
        "customer_of": user,
        "owners": _owners(user),
        "terms": terms_visible_to(user).filter(is_active=True).order_by("name"),
    }
    currency = user.company.currency if user.company else money.DEFAULT_CURRENCY
    if request.method == "POST":
        form = ContractForm(request.POST, **options)
        if form.is_valid():
            values = {name: value for name, value in form.cleaned_data.items() if name in CREATE_FIELDS}
            if not values.get("owner"):
                values.pop("owner", None)  # the customer's owner (the service's default)
            try:
                contract = contract_create(actor=user, **values)
            except (DomainError, ValidationError) as error:
                form.refuse(error)
            else:
                messages.success(request, _("Contract %(number)s is created as a draft.") % {"number": contract.number})
                return redirect("contract_detail", pk=contract.pk)
    else:
        form = ContractForm(initial={"customer": _initial_customer(request, user), "currency": currency}, **options)
    context = {
        "form": form,
        "contract": None,
        "terms_preview": {"rows": [], "message": _("Choose payment terms to see the installments they make.")},
    }
    return render(request, "contracts/form.html", context)


def _changes(form: ContractForm, contract: Any) -> dict[str, Any]:
    """The fields the user changed, as the service takes them (only those: an unchanged field is
    not rewritten, and the audit row says what did change)."""
    changes = {}
    for name, value in form.cleaned_data.items():
        if name == "owner" and value is None:
            continue  # blank keeps the owner
        if name == "notes":
            value = value or ""
        if value != getattr(contract, name):
            changes[name] = value
    return changes


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    require_change(user)
    contract = visible_contract(user, pk)
    if contract.status == ContractStatus.CANCELLED:
        raise PermissionDenied
    editable = DRAFT_FIELDS if contract.is_draft else ACTIVE_FIELDS
    options: dict[str, Any] = {"owners": _owners(user), "editable": editable}
    if request.method == "POST":
        form = ContractForm(request.POST, **options)
        if form.is_valid():
            try:
                changes = _changes(form, contract)
                if changes:
                    contract_update(actor=user, contract=contract, **changes)
            except (DomainError, ValidationError) as error:
                form.refuse(error)
            else:
                messages.success(request, _("The contract is saved."))
                return redirect("contract_detail", pk=pk)
    else:
        initial = {name: getattr(contract, name) for name in editable}
        form = ContractForm(initial=initial, **options)
    return render(request, "contracts/form.html", {"form": form, "contract": contract})
