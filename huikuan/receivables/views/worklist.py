"""The receivables worklist (应收明细): every open installment with its due date, days overdue,
customer, contract and owner, as of any date; quick filters for what is due this week, overdue,
or in one aging bucket; exported exactly as shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.contracts.choices import InstallmentStatus
from huikuan.contracts.models import Installment
from huikuan.contracts.selectors import contracts_visible_to
from huikuan.core.as_of import as_of_from
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables.figures import DEFAULT_BUCKETS, figures_of
from huikuan.receivables.selectors import installment_list
from huikuan.web import exports
from huikuan.web.forms import DateInput, WorkbenchForm
from huikuan.web.lists import Column
from huikuan.web.requests import page_user

ALL = "all"
NOT_OVERDUE = "0"


def bucket_choices() -> list[tuple[str, Any]]:
    """Days-overdue buckets, as in the aging (figures.DEFAULT_BUCKETS)."""
    choices: list[tuple[str, Any]] = [("", _("any")), (NOT_OVERDUE, _("not overdue"))]
    lower = 1
    for bound in DEFAULT_BUCKETS:
        choices.append((f"{lower}-{bound}", _("%(low)d–%(high)d days overdue") % {"low": lower, "high": bound}))
        lower = bound + 1
    choices.append((f"{lower}-", _("over %(days)d days overdue") % {"days": lower - 1}))
    return choices


class WorklistFilters(WorkbenchForm):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open (not due, due, overdue)")), (ALL, _("All")), *InstallmentStatus.choices],
    )
    bucket = forms.ChoiceField(label=_("Days overdue"), required=False, choices=bucket_choices)
    due_from = forms.DateField(label=_("Due from"), required=False, widget=DateInput())
    due_to = forms.DateField(label=_("Due to"), required=False, widget=DateInput())
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput())
    contract = forms.IntegerField(required=False, widget=forms.HiddenInput())


def selector_filters(form: WorklistFilters, as_of: dt.date) -> dict[str, Any]:
    """The page's filters as the installment list's (receivables.filters.InstallmentFilter)."""
    data = form.cleaned_data
    filters: dict[str, Any] = {}
    status = data.get("status") or ""
    if data.get("bucket") == NOT_OVERDUE:
        filters["overdue"] = False
    elif data.get("bucket"):
        low, _sep, high = data["bucket"].partition("-")
        filters["status"] = InstallmentStatus.OVERDUE
        filters["due_to"] = as_of - dt.timedelta(days=int(low))
        if high:
            filters["due_from"] = as_of - dt.timedelta(days=int(high))
    elif status == "":
        filters["open"] = True
    elif status == ALL:
        filters["receivable"] = True
    else:
        filters["status"] = status
    for name in ("due_from", "due_to"):
        if data.get(name):
            # a bucket and a date range together: the narrower of both
            bound = data[name]
            if name in filters:
                bound = max(bound, filters[name]) if name == "due_from" else min(bound, filters[name])
            filters[name] = bound
    for name in ("customer", "contract"):
        if data.get(name):
            filters[name] = data[name]
    return filters


def days_overdue(row: Installment) -> int | None:
    figures = figures_of(row)
    if figures.status != InstallmentStatus.OVERDUE or row.due_date is None:
        return None
    return (figures.as_of - row.due_date).days


def status_label(row: Installment) -> str:
    status = figures_of(row).status
    return str(InstallmentStatus(status).label) if status else ""


def columns() -> list[Column]:
    return [
        Column("due_date", _("Due date"), lambda r: r.due_date or r.get_milestone_display()),
        Column("days_overdue", _("Days overdue"), days_overdue, numeric=True),
        Column(
            "customer",
            _("Customer"),
            lambda r: r.customer.name,
            link=lambda r: reverse("customer_detail", args=[r.customer_id]),
        ),
        Column(
            "contract",
            _("Contract"),
            lambda r: r.contract.number,
            link=lambda r: reverse("contract_detail", args=[r.contract_id]),
        ),
        Column("label", _("Installment"), lambda r: r.label or f"#{r.sequence}"),
        Column("owner", _("Owner"), lambda r: r.contract.owner.get_full_name() or r.contract.owner.username),
        Column("currency", _("Currency"), lambda r: r.currency),
        Column("amount", _("Amount"), lambda r: r.amount, numeric=True),
        Column("open", _("Open"), lambda r: figures_of(r).open, numeric=True),
        Column("status", _("Status"), status_label),
    ]


def _quick_links(as_of: dt.date) -> list[tuple[str, dict[str, str]]]:
    monday = as_of - dt.timedelta(days=as_of.weekday())
    sunday = monday + dt.timedelta(days=6)
    return [
        (str(_("Open")), {}),
        (str(_("Due this week")), {"due_from": monday.isoformat(), "due_to": sunday.isoformat()}),
        (str(_("Overdue")), {"status": InstallmentStatus.OVERDUE}),
        *[(str(label), {"bucket": value}) for value, label in bucket_choices()[2:]],
    ]


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = WorklistFilters(request.GET or None)
    rows: Any = Installment.objects.none()
    as_of = today()
    # an unbound form (no query string) is the default list: open installments as of today
    checked = form if form.is_bound else WorklistFilters({})
    if checked.is_valid():  # otherwise the errors show on the fields and the list stays empty
        try:
            as_of = as_of_from(request.GET)
            filters = selector_filters(checked, as_of)
            rows = (
                installment_list(user=user, filters=filters, as_of=as_of)
                .select_related("contract__owner")
                .order_by("due_date", "contract_id", "sequence")
            )
        except (DomainError, ValidationError) as error:
            form.refuse(error)
    table = columns()
    listed = exports.export_or_page(
        request, rows, table, name=f"receivables-{as_of.isoformat()}", refused=bool(form.errors)
    )
    if not isinstance(listed, dict):
        return listed
    context = {
        **listed,
        "narrowed": _narrowed(request, user, checked),
        "form": form,
        "as_of": as_of,
        "quick_links": [(label, _link(request, params)) for label, params in _quick_links(as_of)],
    }
    return render(request, "receivables/worklist.html", context)


def _narrowed(request: HttpRequest, user: User, form: WorklistFilters) -> list[tuple[str, str]]:
    """The customer or contract the list is narrowed to (from their pages), each with a link that
    widens it again; a record outside the scope is not named (the list is empty for it anyway)."""
    if not form.is_valid():
        return []
    found = []
    lookups = (("customer", customers_visible_to, "name"), ("contract", contracts_visible_to, "number"))
    for name, visible_to, attribute in lookups:
        pk = form.cleaned_data.get(name)
        record = visible_to(user).filter(pk=pk).first() if pk else None
        if record is not None:
            query = request.GET.copy()
            query.pop(name, None)
            query.pop("page", None)
            found.append((str(getattr(record, attribute)), f"?{query.urlencode()}"))
    return found


def _link(request: HttpRequest, params: dict[str, str]) -> str:
    """A quick filter keeps the as-of date, the customer and the contract, and replaces the rest."""
    kept = {name: request.GET[name] for name in ("as_of", "customer", "contract") if request.GET.get(name)}
    query = request.GET.copy()
    query.clear()
    query.update({**kept, **params})
    return f"?{query.urlencode()}"


urlpatterns: list[URLPattern] = [path("receivables/", worklist, name="receivables")]
