"""The customer pages: the list with balances (filtered, sorted, exported as shown), one customer
with its figures, contacts and dated timeline, and the form that creates or changes a customer.

Records come from the selectors (a customer outside the user's scope is a 404, like one that does
not exist); creating and changing go through ``customers.services``, and a role that may not change
customers gets a 403 and sees no button (huikuan/web/DESIGN.md)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.selectors import users_visible_to
from huikuan.api.tools import actor_company
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.core.numbers import NumberFormatError, parse_int
from huikuan.customers import services
from huikuan.customers.forms import EXTRA_CONTACT_ROWS, CustomerFilters, CustomerForm
from huikuan.customers.models import Customer, CustomerStatus
from huikuan.customers.selectors import access_customer
from huikuan.receivables.customer_figures import (
    EventKind,
    companies_visible_to,
    customer_figures,
    customer_list_with_figures,
    customer_timeline,
    row_figures,
    teams_visible_to,
)
from huikuan.terms.selectors import terms_visible_to
from huikuan.web import exports
from huikuan.web.forms import page_as_of, past_as_of
from huikuan.web.lists import Column
from huikuan.web.requests import page_user

# the timeline shows this many events, and "show more" this many more each time
TIMELINE_STEP = 20
FILTER_NAMES = ("q", "owner", "team", "company", "has_overdue", "status", "sort")
_CONTACT_ROW = re.compile(r"^contact_(\d+)_")

EVENT_LABELS = {
    EventKind.CONTRACT_SIGNED: gettext_lazy("Contract signed"),
    EventKind.INSTALLMENT_DUE: gettext_lazy("Installment due"),
    EventKind.RECEIPT: gettext_lazy("Receipt"),
    EventKind.RECEIPT_REVERSED: gettext_lazy("Receipt reversed"),
    EventKind.ALLOCATION: gettext_lazy("Allocation"),
    EventKind.ALLOCATION_REVERSED: gettext_lazy("Allocation reversed"),
    EventKind.ADJUSTMENT: gettext_lazy("Adjustment"),
    EventKind.ADJUSTMENT_REVERSED: gettext_lazy("Adjustment reversed"),
}


def _customer(user: User, pk: int) -> Customer:
    """The customer if the user may see it; otherwise a 404, exactly as for one that does not exist."""
    try:
        return access_customer(user, pk)
    except Customer.DoesNotExist as error:
        raise Http404 from error


def _require_change(user: User) -> None:
    if not user.has_perm_code(Perm.CUSTOMER_CHANGE):
        raise PermissionDenied


def _owner_name(user: User) -> str:
    return user.get_full_name() or user.username


# --- the list -------------------------------------------------------------------------------------


def columns(*, with_company: bool = False) -> list[Column]:
    """The list's columns, for the table and the export alike."""
    detail = lambda row: reverse("customer_detail", args=[row.pk])  # noqa: E731 - one link, two columns
    table = [
        Column("code", gettext_lazy("Code"), lambda r: r.code, link=detail),
        Column("name", gettext_lazy("Name"), lambda r: r.name, link=detail),
        Column("tax_id", gettext_lazy("Tax id"), lambda r: r.tax_id),
        Column("owner", gettext_lazy("Owner"), lambda r: _owner_name(r.owner)),
        Column("status", gettext_lazy("Status"), lambda r: CustomerStatus(r.status).label),
        Column("currency", gettext_lazy("Currency"), lambda r: row_figures(r).currency),
        Column("balance", gettext_lazy("Balance"), lambda r: row_figures(r).balance, numeric=True),
        Column("overdue", gettext_lazy("Overdue"), lambda r: row_figures(r).overdue, numeric=True),
    ]
    if with_company:
        table.insert(2, Column("company", gettext_lazy("Company"), lambda r: r.company.name))
    return table


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    owners = list(users_visible_to(user).order_by("username"))
    teams = list(teams_visible_to(user))
    companies = list(companies_visible_to(user).order_by("code"))

    def filters_form(data: Any) -> CustomerFilters:
        return CustomerFilters(data, owners=owners, teams=teams, companies=companies)

    form = filters_form(request.GET or None)
    # an unbound form (no query string) is the default list: every customer, by code
    checked = form if form.is_bound else filters_form({})
    rows: Any = Customer.objects.none()
    if checked.is_valid():  # otherwise the errors show on the fields and the list stays empty
        try:
            rows = customer_list_with_figures(user=user, filters=checked.selector_filters(), as_of=today())
        except (DomainError, ValidationError) as error:
            form.refuse(error)
    several = len(companies) > 1
    if several:
        rows = rows.select_related("company")
    table = columns(with_company=several)
    listed = exports.export_or_page(
        request, rows, table, name=f"customers-{today().isoformat()}", refused=bool(form.errors)
    )
    if not isinstance(listed, dict):
        return listed
    context = {
        **listed,
        "form": form,
        # the filters stay open on a small screen when some are set (or refused)
        "filtered": bool(form.errors) or any(request.GET.get(name) for name in FILTER_NAMES),
        "can_create": user.has_perm_code(Perm.CUSTOMER_CHANGE),
    }
    return render(request, "customers/list.html", context)


# --- one customer ---------------------------------------------------------------------------------


def _timeline_limit(request: HttpRequest) -> int:
    try:
        asked = parse_int(request.GET.get("events") or str(TIMELINE_STEP))
    except NumberFormatError:
        return TIMELINE_STEP
    return max(TIMELINE_STEP, asked)


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    customer = _customer(user, pk)
    as_of_form, as_of = page_as_of(request)
    limit = _timeline_limit(request)
    timeline = customer_timeline(user=user, customer=customer, limit=limit, as_of=as_of)
    context = {
        "customer": customer,
        "figures": customer_figures(customer, as_of),
        "as_of": as_of,
        "as_of_form": as_of_form,
        # the date the links to the worklist and the contracts carry: empty for today
        "past_as_of": past_as_of(as_of),
        "contacts": list(customer.contacts.order_by("-is_primary", "pk")),
        "tags": sorted(tag.name for tag in customer.tags.all()),
        "events": [(EVENT_LABELS[event.kind], event) for event in timeline.events],
        "more_events": limit + TIMELINE_STEP if timeline.has_more else None,
        "can_edit": user.has_perm_code(Perm.CUSTOMER_CHANGE),
        "can_contract": user.has_perm_code(Perm.CONTRACT_CHANGE),
        "can_receipt": user.has_perm_code(Perm.RECEIPT_CHANGE),
    }
    return render(request, "customers/detail.html", context)


# --- create and change ----------------------------------------------------------------------------


def _contact_rows(request: HttpRequest, existing: int) -> int:
    """Rows for the customer's contacts and one empty row; a posted form keeps the rows it had."""
    posted = [int(m.group(1)) + 1 for key in request.POST if (m := _CONTACT_ROW.match(key))]
    return max([existing + EXTRA_CONTACT_ROWS, *posted])


def _form(request: HttpRequest, user: User, customer: Customer | None) -> CustomerForm:
    owners = list(users_visible_to(user).order_by("username")) if user.has_perm_code(Perm.OWNER_CHANGE) else None
    terms = terms_visible_to(user).filter(is_active=True).order_by("name")
    if customer is not None:
        terms = terms.filter(company_id=customer.company_id)
    elif user.company_id:
        terms = terms.filter(company_id=user.company_id)
    existing = customer.contacts.count() if customer is not None else 0
    options: dict[str, Any] = {
        "customer": customer,
        "owners": owners,
        "terms": list(terms),
        "contact_rows": _contact_rows(request, existing),
    }
    if request.method == "POST":
        return CustomerForm(request.POST, **options)
    if customer is not None:
        return CustomerForm(initial=CustomerForm.initial_for(customer), **options)
    return CustomerForm(initial={"owner": user.pk}, **options)


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    _require_change(user)
    form = _form(request, user, None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(actor=user, company=actor_company(user), **form.values())
        except (DomainError, ValidationError) as error:
            form.refuse(error)
        else:
            messages.success(request, _("Customer %(code)s created.") % {"code": customer.code})
            return redirect("customer_detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": None})


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    _require_change(user)
    customer = _customer(user, pk)
    form = _form(request, user, customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(actor=user, customer=customer, **form.values())
        except (DomainError, ValidationError) as error:
            form.refuse(error)
        else:
            messages.success(request, _("Customer %(code)s saved.") % {"code": customer.code})
            return redirect("customer_detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer})
