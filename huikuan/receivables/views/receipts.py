"""Receipt pages (收款单): the list, entry, and the detail with its matching panel (核销) and
reversals. Every record comes through the selectors (a receipt outside the user's scope is a 404);
every write goes to a service, whose refusal is shown on its field with what was typed kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.contracts.models import Installment
from huikuan.core.dates import today
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.core.numbers import NumberFormatError, parse_int
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables.forms import (
    MatchForm,
    ReceiptFilterForm,
    ReceiptForm,
    ReverseForm,
    installment_label,
)
from huikuan.receivables.models import Allocation, Receipt
from huikuan.receivables.receipt_pages_selectors import (
    customer_label,
    customer_matches,
    installments_by_pk,
    other_open_installments,
    receipt_page_list,
)
from huikuan.receivables.selectors import allocations_visible_to, receipts_visible_to
from huikuan.receivables.services import allocations as allocation_services
from huikuan.receivables.services import receipts as receipt_services
from huikuan.web import exports
from huikuan.web.forms import typed_amount
from huikuan.web.lists import Column
from huikuan.web.requests import page_user

# ---------------------------------------------------------------------------------------------
# who may do what


def can_record(user: User) -> bool:
    return user.has_perm_code(Perm.RECEIPT_CHANGE)


def can_allocate(user: User) -> bool:
    return user.has_perm_code(Perm.ALLOCATION_CHANGE)


def _require(allowed: bool) -> None:
    """A write address answers 403 to a role that may not make the change."""
    if not allowed:
        raise PermissionDenied


def visible_receipt(user: User, pk: int) -> Receipt:
    """The receipt if the user may see it; otherwise a 404, as for one that does not exist."""
    receipt = receipts_visible_to(user).filter(pk=pk).first()
    if receipt is None:
        raise Http404
    return receipt


# ---------------------------------------------------------------------------------------------
# the list


def receipt_status(receipt: Receipt) -> Any:
    if receipt.is_reversed:
        return gettext_lazy("Reversed")
    if receipt.unallocated_amount == 0:
        return gettext_lazy("Fully allocated")
    if receipt.allocated_amount == 0:
        return gettext_lazy("Unapplied")
    return gettext_lazy("Partly allocated")


def columns() -> list[Column]:
    return [
        Column(
            "number",
            gettext_lazy("Number"),
            lambda r: r.number,
            link=lambda r: reverse("receipt_detail", args=[r.pk]),
        ),
        Column("received_on", gettext_lazy("Received on"), lambda r: r.received_on),
        Column(
            "customer",
            gettext_lazy("Customer"),
            lambda r: r.customer.name,
            link=lambda r: reverse("customer_detail", args=[r.customer_id]),
        ),
        Column("currency", gettext_lazy("Currency"), lambda r: r.currency),
        Column("amount", gettext_lazy("Amount"), lambda r: r.amount, numeric=True),
        Column("allocated", gettext_lazy("Allocated"), lambda r: r.allocated_amount, numeric=True),
        Column("unapplied", gettext_lazy("Unapplied"), lambda r: r.unallocated_amount, numeric=True),
        Column("method", gettext_lazy("Payment method"), lambda r: r.get_method_display()),
        Column("payer", gettext_lazy("Payer name"), lambda r: r.payer_name),
        Column("bank_reference", gettext_lazy("Bank reference"), lambda r: r.bank_reference),
        Column("status", gettext_lazy("Status"), receipt_status),
    ]


@login_required
@require_GET
def receipt_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = ReceiptFilterForm(request.GET or None, user=user)
    # an unbound form (no query string) is the default list: every receipt in scope
    checked = form if form.is_bound else ReceiptFilterForm({}, user=user)
    rows: Any = Receipt.objects.none()
    if checked.is_valid():  # otherwise the errors show on the fields and the list stays empty
        try:
            rows = receipt_page_list(
                user=user,
                filters=checked.selector_filters(),
                text=checked.cleaned_data.get("q") or "",
                unapplied_only=bool(checked.cleaned_data.get("unapplied")),
            )
        except ValidationError as error:
            form.refuse(error)
        customer = checked.cleaned_data.get("customer")
        if customer is not None and form.is_bound:
            # a customer named by id (a link from another page) shows as its code and name
            shown = request.GET.copy()
            shown["customer"] = customer_label(customer)
            form.data = shown
    table = columns()
    listed = exports.export_or_page(
        request, rows, table, name=f"receipts-{today().isoformat()}", refused=bool(form.errors)
    )
    if not isinstance(listed, dict):
        return listed
    context = {
        **listed,
        "form": form,
        "can_record": can_record(user),
    }
    return render(request, "receivables/receipts/list.html", context)


@login_required
@require_GET
def customer_options(request: HttpRequest) -> HttpResponse:
    """The suggestions of the customer box (a datalist's options), up to 20, within scope."""
    user = page_user(request)
    text = request.GET.get("customer") or request.GET.get("q") or ""
    matches = customer_matches(user=user, text=text)
    return render(
        request,
        "receivables/receipts/_customer_options.html",
        {"options": [customer_label(customer) for customer in matches]},
    )


# ---------------------------------------------------------------------------------------------
# entry


@login_required
@require_http_methods(["GET", "POST"])
def receipt_create(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    _require(can_record(user))
    if request.method == "POST":
        form = ReceiptForm(request.POST, user=user)
        if form.is_valid():
            try:
                receipt = receipt_services.receipt_create(actor=user, **form.service_arguments())
            except NotPermitted as error:
                raise PermissionDenied(str(error.message)) from error
            except (DomainError, ValidationError) as error:
                form.refuse(error)
            else:
                messages.success(
                    request,
                    _("Receipt %(number)s recorded: match it to what the customer owes.") % {"number": receipt.number},
                )
                return redirect("receipt_detail", pk=receipt.pk)
    else:
        initial: dict[str, Any] = {}
        try:
            customer_pk = parse_int(request.GET.get("customer") or "")
        except NumberFormatError:
            customer_pk = None
        if customer_pk is not None:
            customer = customers_visible_to(user).filter(pk=customer_pk).first()
            if customer is not None:
                initial["customer"] = customer
                initial["currency"] = customer.company.currency
        form = ReceiptForm(initial=initial, user=user)
    return render(request, "receivables/receipts/form.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# detail and matching


def _allocations(user: User, receipt: Receipt) -> list[Allocation]:
    rows = allocations_visible_to(user).filter(receipt=receipt).select_related("created_by", "reversed_by")
    allocations = list(rows.order_by("effective_on", "pk"))
    for allocation in allocations:
        allocation.installment_label = installment_label(allocation.installment)  # type: ignore[attr-defined]  # shown only
    return allocations


def _match_form(user: User, receipt: Receipt) -> MatchForm:
    """The proposal (``allocation_suggest``) as prefilled rows, then the customer's other open
    installments, oldest due first, with empty amounts."""
    proposal = allocation_services.allocation_suggest(receipt=receipt)
    proposed = {line.installment.pk: line.amount for line in proposal}
    others = other_open_installments(user=user, receipt=receipt, exclude=proposed)
    return MatchForm(installments=[line.installment for line in proposal] + others, proposal=proposed)


def _posted_rows(request: HttpRequest, user: User, receipt: Receipt) -> tuple[list[Installment], set[int]]:
    """The rows the panel showed (posted back as ``row``), in their order, and which of them were
    proposed: the page shows again exactly what the clerk was looking at."""

    def ids(name: str) -> list[int]:
        found = []
        for raw in request.POST.getlist(name):
            try:
                found.append(parse_int(raw))
            except NumberFormatError:
                continue
        return found

    pks = list(dict.fromkeys(ids("row")))
    found = installments_by_pk(user=user, receipt=receipt, pks=pks)
    return [found[pk] for pk in pks if pk in found], set(ids("proposed"))


def _render_detail(
    request: HttpRequest, receipt: Receipt, *, match_form: MatchForm | None = None, status: int = 200
) -> HttpResponse:
    user = page_user(request)
    matching = can_allocate(user) and not receipt.is_reversed and receipt.unallocated_amount > 0
    if matching and match_form is None:
        match_form = _match_form(user, receipt)
    # a refused panel stays, with its message, even if the receipt was matched or reversed meanwhile
    total = None
    if match_form is not None:
        total = _totals(receipt, match_form.typed_total() if match_form.is_bound else _proposed_total(match_form))
    context = {
        "receipt": receipt,
        "allocations": _allocations(user, receipt),
        "can_record": can_record(user) and not receipt.is_reversed,
        "can_allocate": can_allocate(user),
        "match_form": match_form,
        "match_rows": match_form.rows() if match_form is not None else [],
        "total": total,
    }
    return render(request, "receivables/receipts/detail.html", context, status=status)


def _proposed_total(form: MatchForm) -> Decimal:
    return sum(form.proposal.values(), Decimal(0))


def _totals(receipt: Receipt, to_apply: Decimal) -> dict[str, Any]:
    """The panel's running total: what the typed amounts apply and what stays unapplied."""
    left = receipt.unallocated_amount - to_apply
    return {
        "to_apply": to_apply,
        "unapplied": receipt.unallocated_amount,
        "left": left,
        "over": left < 0,
        "currency": receipt.currency,
    }


@login_required
@require_GET
def receipt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, visible_receipt(page_user(request), pk))


@login_required
@require_GET
def allocation_total(request: HttpRequest, pk: int) -> HttpResponse:
    """The running total of the matching panel (htmx): the typed amounts added up here, with
    Decimal, not in the browser."""
    user = page_user(request)
    _require(can_allocate(user))
    receipt = visible_receipt(user, pk)
    # the rows' amount fields by name: only what was typed is added up, no row is read
    typed = sum(
        (typed_amount(request.GET.get(name) or "") for name in request.GET if name.startswith("amount_")),
        Decimal(0),
    )
    return render(request, "receivables/receipts/_match_total.html", {"total": _totals(receipt, typed)})


@login_required
@require_POST
def allocation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the matching panel: every line with an amount, all or nothing
    (``allocations_create``)."""
    user = page_user(request)
    _require(can_allocate(user))
    receipt = visible_receipt(user, pk)
    installments, proposed = _posted_rows(request, user, receipt)
    form = MatchForm(request.POST, installments=installments, proposal=dict.fromkeys(proposed, Decimal(0)))
    if not form.is_valid():
        return _render_detail(request, receipt, match_form=form)
    lines = form.lines()
    try:
        created = allocation_services.allocations_create(
            actor=user,
            receipt=receipt,
            lines=[allocation_services.AllocationLine(installment, amount) for installment, amount in lines],
            effective_on=form.cleaned_data.get("effective_on"),
        )
    except NotPermitted as error:
        raise PermissionDenied(str(error.message)) from error
    except DomainError as error:
        # the service names the line it refuses (lines[2].amount): shown on that row
        if not form.refuse_line(error, lines):
            form.refuse(error)
        return _render_detail(request, receipt, match_form=form)
    total = sum((allocation.amount for allocation in created), Decimal(0))
    messages.success(
        request,
        ngettext(
            "%(amount)s %(currency)s allocated to %(count)d installment.",
            "%(amount)s %(currency)s allocated to %(count)d installments.",
            len(created),
        )
        % {"amount": f"{total:,.2f}", "currency": receipt.currency, "count": len(created)},
    )
    return redirect("receipt_detail", pk=receipt.pk)


# ---------------------------------------------------------------------------------------------
# reversals


def _reversed(request: HttpRequest, form: ReverseForm, undo: Callable[[str, dt.date | None], None]) -> bool:
    """Call ``undo`` with the reason and date posted; False when nothing was posted or the
    service refused (its message is then on the form's field)."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        undo(form.cleaned_data.get("reason") or "", form.cleaned_data.get("reversed_on"))
    except NotPermitted as error:
        raise PermissionDenied(str(error.message)) from error
    except DomainError as error:
        form.refuse(error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def receipt_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    _require(can_record(user))
    receipt = visible_receipt(user, pk)
    form = ReverseForm(request.POST if request.method == "POST" else None)

    def undo(reason: str, reversed_on: dt.date | None) -> None:
        receipt_services.receipt_reverse(actor=user, receipt=receipt, reason=reason, reversed_on=reversed_on)

    if _reversed(request, form, undo):
        messages.success(request, _("Receipt %(number)s reversed.") % {"number": receipt.number})
        return redirect("receipt_detail", pk=receipt.pk)
    context = {"receipt": receipt, "allocation": None, "form": form}
    return render(request, "receivables/receipts/reverse.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def allocation_reverse(request: HttpRequest, pk: int, allocation_pk: int) -> HttpResponse:
    user = page_user(request)
    _require(can_allocate(user))
    receipt = visible_receipt(user, pk)
    allocation = allocations_visible_to(user).filter(receipt=receipt, pk=allocation_pk).first()
    if allocation is None:
        raise Http404
    form = ReverseForm(request.POST if request.method == "POST" else None)

    def undo(reason: str, reversed_on: dt.date | None) -> None:
        allocation_services.allocation_reverse(
            actor=user, allocation=allocation, reason=reason, reversed_on=reversed_on
        )

    if _reversed(request, form, undo):
        messages.success(request, _("The allocation was reversed; its amount is unapplied again."))
        return redirect("receipt_detail", pk=receipt.pk)
    context = {
        "receipt": receipt,
        "allocation": allocation,
        "allocation_label": installment_label(allocation.installment),
        "form": form,
    }
    return render(request, "receivables/receipts/reverse.html", context)


urlpatterns: list[URLPattern] = [
    path("receipts/", receipt_list, name="receipt_list"),
    path("receipts/new/", receipt_create, name="receipt_create"),
    path("receipts/customers/", customer_options, name="receipt_customer_options"),
    path("receipts/<int:pk>/", receipt_detail, name="receipt_detail"),
    path("receipts/<int:pk>/allocate/", allocation_create, name="allocation_create"),
    path("receipts/<int:pk>/allocate/total/", allocation_total, name="allocation_total"),
    path("receipts/<int:pk>/reverse/", receipt_reverse, name="receipt_reverse"),
    path(
        "receipts/<int:pk>/allocations/<int:allocation_pk>/reverse/",
        allocation_reverse,
        name="allocation_reverse",
    ),
]
