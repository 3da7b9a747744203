"""The contract list (销售合同): filtered by status, customer, owner, signing dates, text and the
share collected; each contract with what it has collected and what is still open today; exported
exactly as shown."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.selectors import users_visible_to
from huikuan.contracts.forms import ContractFilterForm, customer_label, user_label
from huikuan.contracts.models import Contract
from huikuan.contracts.views.common import can_change
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables.contract_figures import collected_share_between
from huikuan.receivables.figures import ContractFigures, summarize_installments
from huikuan.receivables.selectors import contract_list_with_figures
from huikuan.web import exports
from huikuan.web.lists import Column
from huikuan.web.requests import page_user

SELECTOR_FILTERS = ("status", "signed_from", "signed_to", "customer")
SHARE_PLACES = Decimal("0.1")


def figures(contract: Contract, as_of: dt.date) -> ContractFigures:
    """The contract's figures from its prefetched plan, worked out once per row (several columns
    read them)."""
    cached: ContractFigures | None = getattr(contract, "page_figures", None)
    if cached is None:
        cached = summarize_installments(contract.amount, contract.installments.all(), as_of)
        contract.page_figures = cached  # type: ignore[attr-defined]  # a per-row cache
    return cached


def collected_share(contract: Contract, as_of: dt.date) -> Decimal:
    """Collected as a percentage of the amount, to a tenth (a figure to read, not to compute with)."""
    share = figures(contract, as_of).collected * 100 / contract.amount
    return share.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def columns(as_of: dt.date) -> list[Column]:
    return [
        Column(
            "number",
            _("Number"),
            lambda c: c.number,
            link=lambda c: reverse("contract_detail", args=[c.pk]),
        ),
        Column("title", _("Title"), lambda c: c.title),
        Column(
            "customer",
            _("Customer"),
            lambda c: c.customer.name,
            link=lambda c: reverse("customer_detail", args=[c.customer_id]),
        ),
        Column("owner", _("Owner"), lambda c: user_label(c.owner)),
        Column("status", _("Status"), lambda c: c.get_status_display()),
        Column("signed_on", _("Signed on"), lambda c: c.signed_on),
        Column("currency", _("Currency"), lambda c: c.currency),
        Column("amount", _("Amount"), lambda c: c.amount, numeric=True),
        Column("collected", _("Collected"), lambda c: figures(c, as_of).collected, numeric=True),
        Column("outstanding", _("Open"), lambda c: figures(c, as_of).outstanding, numeric=True),
        Column("collected_share", _("Collected %"), lambda c: collected_share(c, as_of), numeric=True),
    ]


def contract_rows(user: Any, data: dict[str, Any], as_of: dt.date) -> QuerySet[Contract]:
    """The contracts the filters ask for: the selector's filters, then the text and the share."""
    filters = {name: data[name] for name in SELECTOR_FILTERS if data.get(name)}
    if data.get("owner"):
        filters["owner"] = data["owner"].pk
    rows = contract_list_with_figures(user=user, filters=filters, as_of=as_of)
    text = (data.get("q") or "").strip()
    if text:
        rows = rows.filter(Q(number__icontains=text) | Q(title__icontains=text))
    rows = collected_share_between(rows, at_least=data.get("collected_min"), at_most=data.get("collected_max"))
    # newest signed first: the order of the list index (contract_list_idx), so pages are read from it
    return rows.order_by("-signed_on", "-pk")


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    as_of = today()
    form = ContractFilterForm(request.GET or None, owners=users_visible_to(user).order_by("username"))
    rows: Any = Contract.objects.none()
    checked = form if form.is_bound else ContractFilterForm({}, owners=users_visible_to(user))
    customer = None
    if checked.is_valid():  # otherwise the errors show on the fields and the list stays empty
        try:
            rows = contract_rows(user, checked.cleaned_data, as_of)
        except (DomainError, ValidationError) as error:
            form.refuse(error)
        if checked.cleaned_data.get("customer"):
            customer = customers_visible_to(user).filter(pk=checked.cleaned_data["customer"]).first()
    table = columns(as_of)
    listed = exports.export_or_page(
        request, rows, table, name=f"contracts-{as_of.isoformat()}", refused=bool(form.errors)
    )
    if not isinstance(listed, dict):
        return listed
    context = {
        **listed,
        "form": form,
        "as_of": as_of,
        "customer": customer,
        "customer_name": customer_label(customer) if customer else "",
        "can_change": can_change(user),
        "filtered": any(
            request.GET.get(name) for name in ("signed_from", "signed_to", "collected_min", "collected_max", "owner")
        ),
    }
    return render(request, "contracts/list.html", context)
