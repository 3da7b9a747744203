"""The review queue and one line: accept, reject, ignore, assign by hand, undo."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huikuan.bank.forms import AllocationRow, AssignForm, LineFilters, ReasonForm
from huikuan.bank.models import BankLine
from huikuan.bank.selectors import (
    accounts_visible_to,
    lines_visible_to,
    open_installments_of,
    proposals_of,
    review_queue,
)
from huikuan.bank.services.matching import (
    line_accept,
    line_assign,
    line_ignore,
    line_reject,
    line_reopen,
    line_unmatch,
    lines_accept,
)
from huikuan.bank.views import bank_user, visible_line
from huikuan.core.errors import DomainError
from huikuan.customers.selectors import customers_visible_to
from huikuan.dunning.views import back_to
from huikuan.web.lists import page_of

_BULK_MAX = 500


@login_required
@require_GET
def review_page(request: HttpRequest) -> HttpResponse:
    user = bank_user(request)
    accounts = list(accounts_visible_to(user))
    filters = LineFilters(request.GET or None, accounts=accounts)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    rows = review_queue(user=user, filters={k: v for k, v in wanted.items() if v not in ("", None)})
    page = page_of(request, rows)
    lines = [(line, proposals_of(line)[:1]) for line in page.object_list]
    context = {"filters": filters, "page": page, "lines": lines, "accounts": accounts}
    return render(request, "bank/review.html", context)


@login_required
@require_GET
def line_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = bank_user(request)
    line = visible_line(user, pk)
    return render(request, "bank/line.html", _line_context(request, user, line))


def _line_context(request: HttpRequest, user, line: BankLine, assign: AssignForm | None = None) -> dict:
    customer = None
    installments = []
    code = request.GET.get("customer") or (request.POST.get("customer") if request.method == "POST" else None)
    assign = assign or AssignForm(initial={"customer": code or (line.customer.code if line.customer else "")})
    if code:
        customer = customers_visible_to(user).filter(company_id=line.company_id, code=code.strip()).first()
        if customer is None:
            assign.add_error("customer", _("No customer has this code."))
    elif line.customer_id:
        customer = line.customer
    if customer is not None:
        installments = list(open_installments_of(customer, line.currency)[:200])
    return {
        "line": line,
        "proposals": proposals_of(line),
        "assign": assign,
        "customer": customer,
        "installments": installments,
        "reason_form": ReasonForm(prefix="ignore"),
        "undo_form": ReasonForm(prefix="undo"),
    }


def _done(request: HttpRequest, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(back_to(request, "bank_review"))


@login_required
@require_POST
def accept_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = bank_user(request)
    line = visible_line(user, pk)
    try:
        index = int(request.POST.get("proposal", "0"))
        line = line_accept(actor=user, line=line, proposal=index)
    except ValueError:
        messages.error(request, _("The line has no such proposal."))
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        return _done(request, _("Matched: receipt %(number)s.") % {"number": _receipt_number(line)})
    return redirect(back_to(request, "bank_review"))


@login_required
@require_POST
def bulk_accept_page(request: HttpRequest) -> HttpResponse:
    user = bank_user(request)
    ids = [int(v) for v in request.POST.getlist("line")[:_BULK_MAX] if v.isdigit()]
    lines = list(lines_visible_to(user).filter(pk__in=ids).order_by("booked_on", "pk"))
    if not lines:
        messages.error(request, _("Tick the lines to accept."))
        return redirect(back_to(request, "bank_review"))
    result = lines_accept(actor=user, lines=lines)
    if result.accepted:
        messages.success(
            request,
            ngettext("%(count)s line matched.", "%(count)s lines matched.", len(result.accepted))
            % {"count": len(result.accepted)},
        )
    for line, reason in result.refused[:10]:
        messages.error(
            request,
            _("%(payer)s %(amount)s: %(reason)s")
            % {"payer": line.payer_name or "–", "amount": line.amount, "reason": reason},
        )
    return redirect(back_to(request, "bank_review"))


def _act(request: HttpRequest, call: Callable[[], object], done: str) -> HttpResponse:
    """Run a line's action; its refusal, or ``done``, is the message on the page it came from."""
    try:
        call()
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect(back_to(request, "bank_review"))
    return _done(request, done)


@login_required
@require_POST
def reject_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = bank_user(request)
    line = visible_line(user, pk)
    return _act(
        request,
        lambda: line_reject(actor=user, line=line),
        _("Proposals rejected: match the line by hand or ignore it."),
    )


@login_required
@require_POST
def ignore_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = bank_user(request)
    line = visible_line(user, pk)
    form = ReasonForm(request.POST, prefix="ignore")
    if not form.is_valid():
        messages.error(request, _("Say why the line is no customer payment."))
        return redirect(back_to(request, "bank_review"))
    return _act(
        request, lambda: line_ignore(actor=user, line=line, reason=form.cleaned_data["reason"]), _("Line ignored.")
    )


@login_required
@require_POST
def reopen_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = bank_user(request)
    line = visible_line(user, pk)
    return _act(request, lambda: line_reopen(actor=user, line=line), _("Line back in the review queue."))


@login_required
@require_POST
def unmatch_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = bank_user(request)
    line = visible_line(user, pk)
    form = ReasonForm(request.POST, prefix="undo")
    if not form.is_valid():
        messages.error(request, _("Say why the match is undone."))
        return redirect("bank_line", pk)
    try:
        line_unmatch(actor=user, line=line, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("bank_line", pk)
    messages.success(request, _("Match undone: the receipt is reversed and the line is open again."))
    return redirect("bank_line", pk)


@login_required
@require_http_methods(["POST"])
def assign_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Match by hand: the customer (by code) and an amount for any of its open installments."""
    user = bank_user(request)
    line = visible_line(user, pk)
    assign = AssignForm(request.POST)
    context = _line_context(request, user, line, assign)
    customer = context["customer"]
    if not assign.is_valid() or customer is None:
        return render(request, "bank/line.html", context, status=400)
    allocations = []
    errors = False
    for installment in context["installments"]:
        installment.typed = request.POST.get(f"amount_{installment.pk}", "")[:40]
        row = AllocationRow({"amount": installment.typed})
        if not row.is_valid():
            errors = True
            installment.row_error = "; ".join(str(e) for e in row.errors.get("amount", []))
            continue
        amount = row.cleaned_data["amount"]
        if amount not in (None, ""):
            allocations.append((installment, Decimal(amount)))
    if errors:
        return render(request, "bank/line.html", context, status=400)
    try:
        line = line_assign(actor=user, line=line, customer=customer, allocations=allocations)
    except DomainError as error:
        assign.add_error(None, str(error.message))
        return render(request, "bank/line.html", context, status=400)
    messages.success(request, _("Matched: receipt %(number)s.") % {"number": _receipt_number(line)})
    return redirect("bank_line", pk)


def _receipt_number(line: BankLine) -> str:
    return line.receipt.number if line.receipt else ""
