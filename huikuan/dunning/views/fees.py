"""Fees and interest to confirm (催收费用): the proposed ones within the user's scope; finance
(Perm.FEE_CONFIRM) confirms one (it becomes a receivable) or waives it with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huikuan.accounts.roles import Perm
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.dunning.choices import FeeStatus
from huikuan.dunning.forms import FeeFilters, ReasonForm
from huikuan.dunning.models import DunningFee
from huikuan.dunning.selectors import fees_visible_to
from huikuan.dunning.services.fees import fee_cancel, fee_confirm
from huikuan.dunning.views import back_to
from huikuan.web.lists import page_of
from huikuan.web.requests import page_user


@login_required
@require_GET
def fee_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    filters = FeeFilters(request.GET or None)
    status = FeeStatus.PROPOSED
    if filters.is_valid():
        status = filters.cleaned_data["status"] or status
    rows = fees_visible_to(user).filter(status=status).select_related("customer", "step", "contract")
    context = {
        "filters": filters,
        "page": page_of(request, rows.order_by("-created_at", "-pk")),
        "may_decide": user.has_perm_code(Perm.FEE_CONFIRM),
        "today": today(),
    }
    return render(request, "dunning/fees.html", context)


def _fee(request: HttpRequest, pk: int) -> DunningFee:
    user = page_user(request)
    if not user.has_perm_code(Perm.FEE_CONFIRM):
        raise PermissionDenied
    fee = fees_visible_to(user).filter(pk=pk).first()
    if fee is None:
        raise Http404
    return fee


@login_required
@require_POST
def fee_confirm_page(request: HttpRequest, pk: int) -> HttpResponse:
    fee = _fee(request, pk)
    try:
        fee_confirm(actor=page_user(request), fee=fee, on=today())
        messages.success(request, _("Fee confirmed: the customer owes it from today."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect(back_to(request, "fee_list"))


@login_required
@require_POST
def fee_cancel_page(request: HttpRequest, pk: int) -> HttpResponse:
    fee = _fee(request, pk)
    form = ReasonForm(request.POST, prefix="waive")
    if not form.is_valid():
        messages.error(request, _("Say why the fee is waived."))
    else:
        try:
            fee_cancel(actor=page_user(request), fee=fee, reason=form.cleaned_data["reason"])
            messages.success(request, _("Fee waived."))
        except DomainError as error:
            messages.error(request, str(error.message))
    return redirect(back_to(request, "fee_list"))
