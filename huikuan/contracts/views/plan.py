"""The plan editor of a draft: a payment terms template applied to the contract amount (previewed
live before it is applied), or installments typed by hand with a live check of their sum against
the amount. The server works the sums out (Decimal), not the browser; the plan is checked again,
exactly, at activation (``contract_activate``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.models import User
from huikuan.contracts.forms import ApplyTermsForm, PlanFormSet, refuse_line, rows_formset, typed_formset
from huikuan.contracts.models import Contract
from huikuan.contracts.services import contract_apply_terms, contract_set_installments
from huikuan.contracts.views.common import require_change, visible_contract
from huikuan.core import money
from huikuan.core.errors import DomainError
from huikuan.core.numbers import NumberFormatError, parse_decimal, parse_int
from huikuan.terms.choices import MilestoneKind
from huikuan.terms.models import PaymentTerms
from huikuan.terms.schedule import PlannedInstallment
from huikuan.terms.selectors import terms_visible_to
from huikuan.terms.services import terms_preview
from huikuan.web.requests import page_user

PREFIX = "plan"
MORE_ROWS = 3


def _terms_choices(user: User) -> Any:
    return terms_visible_to(user).filter(is_active=True).order_by("name")


def _initial_rows(contract: Contract) -> list[dict[str, Any]]:
    return [
        {
            "label": i.label,
            "amount": i.amount,
            "due_date": None if i.milestone else i.due_date,
            "milestone": i.milestone,
            "offset_months": i.offset_months or None,
            "offset_days": i.offset_days or None,
            "is_retention": i.is_retention,
        }
        for i in contract.installments.order_by("sequence")
    ]


def plan_check(data: QueryDict | None, contract: Contract, formset: forms.BaseFormSet) -> dict[str, Any]:
    """The sum of the amounts typed so far against the contract amount, in Decimal; rows whose
    amount cannot be read are counted apart (the page says so rather than guess). Without ``data``
    the amounts are the rows' initial values (the plan so far, or the rows as typed before "More
    rows")."""
    total, unreadable, rows = Decimal(0), 0, 0
    if data is None:
        amounts = [form.initial.get("amount") for form in formset.forms]
    else:
        amounts = [data.get(f"{PREFIX}-{index}-amount") for index in range(formset.total_form_count())]
    for amount in amounts:
        if amount in (None, ""):
            continue
        rows += 1
        try:
            total += parse_decimal(str(amount))
        except NumberFormatError:
            unreadable += 1
    total = money.at_storage_scale(total)
    return {
        "total": total,
        "amount": contract.amount,
        "difference": contract.amount - total,
        "matches": total == contract.amount and not unreadable,
        "unreadable": unreadable,
        "rows": rows,
        "currency": contract.currency,
    }


def _page(
    request: HttpRequest,
    contract: Contract,
    *,
    apply_form: ApplyTermsForm | None = None,
    formset: forms.BaseFormSet | None = None,
    data: QueryDict | None = None,
    plan_error: str = "",
) -> HttpResponse:
    user = page_user(request)
    if apply_form is None:
        apply_form = ApplyTermsForm(initial={"terms": contract.terms_id}, terms=_terms_choices(user), prefix="apply")
    if formset is None:
        formset = rows_formset(PlanFormSet, initial=_initial_rows(contract), prefix=PREFIX)
    context = {
        "contract": contract,
        "apply_form": apply_form,
        "formset": formset,
        "plan_error": plan_error,
        "check": plan_check(data, contract, formset),
        "preview": _preview(user, contract.terms, contract.amount, contract.currency, contract.signed_on),
    }
    return render(request, "contracts/plan.html", context)


@login_required
def contract_plan(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    require_change(user)
    contract = visible_contract(user, pk)
    if not contract.is_draft:
        messages.error(request, _("The plan of a contract can only be changed while it is a draft."))
        return redirect("contract_detail", pk=pk)
    return _page(request, contract)


@login_required
@require_POST
def contract_plan_apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    require_change(user)
    contract = visible_contract(user, pk)
    form = ApplyTermsForm(request.POST, terms=_terms_choices(user), prefix="apply")
    if form.is_valid():
        try:
            installments = contract_apply_terms(
                actor=user,
                contract=contract,
                terms=form.cleaned_data["terms"],
                base_date=form.cleaned_data["base_date"],
            )
        except (DomainError, ValidationError) as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                _("The plan is made from %(terms)s: %(count)s installments.")
                % {"terms": form.cleaned_data["terms"].name, "count": len(installments)},
            )
            return redirect("contract_detail", pk=pk)
    return _page(request, contract, apply_form=form)


@login_required
@require_POST
def contract_plan_set(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    require_change(user)
    contract = visible_contract(user, pk)
    data: QueryDict = request.POST
    if "more" in data:
        # more blank rows, what was typed shown as it was typed: nothing is checked (so no error is
        # shown, not even for a row half typed) and nothing is saved
        return _page(request, contract, formset=typed_formset(PlanFormSet, data, prefix=PREFIX, blank=MORE_ROWS))
    formset = PlanFormSet(data, prefix=PREFIX)
    plan_error = ""
    if formset.is_valid():
        filled = formset.filled()  # type: ignore[attr-defined]  # BasePlanFormSet
        try:
            contract_set_installments(
                actor=user, contract=contract, installments=[form.line() for _index, form in filled]
            )
        except DomainError as error:
            if not refuse_line(formset, error, positions=[index for index, _form in filled]):
                plan_error = str(error.message)
        else:
            messages.success(
                request, _("The plan is saved. Activate the contract once the installments add up to its amount.")
            )
            return redirect("contract_detail", pk=pk)
    elif formset.non_form_errors():
        plan_error = " ".join(str(message) for message in formset.non_form_errors())
    return _page(request, contract, formset=formset, data=data, plan_error=plan_error)


@login_required
@require_POST
def contract_plan_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The sum check of the hand-typed rows (htmx partial, re-rendered as the user types)."""
    user = page_user(request)
    require_change(user)
    contract = visible_contract(user, pk)
    formset = PlanFormSet(request.POST, prefix=PREFIX)
    return render(
        request, "contracts/partials/_plan_check.html", {"check": plan_check(request.POST, contract, formset)}
    )


def _preview(
    user: User, terms: PaymentTerms | None, amount: Any, currency: str | None, base_date: dt.date | None
) -> dict[str, Any]:
    """What a template makes of an amount from a base date, for the preview partial; a refusal
    (an amount the currency does not allow, ...) is shown in its place."""
    if terms is None:
        return {"rows": [], "message": _("Choose payment terms to see the installments they make.")}
    if amount in (None, ""):
        return {"rows": [], "message": _("Enter the amount to see the installments.")}
    if base_date is None:
        return {"rows": [], "message": _("Enter the signing date to see the due dates.")}
    try:
        planned = terms_preview(
            amount=amount, base_date=base_date, terms=terms, currency=currency or None, company=user.company
        )
    except DomainError as error:
        return {"rows": [], "message": str(error.message), "refused": True}
    return {"rows": preview_rows(planned), "total": sum((p.amount for p in planned), Decimal(0)), "terms": terms}


def preview_rows(planned: list[PlannedInstallment]) -> list[dict[str, Any]]:
    """Planned installments as the due-date partial reads installments."""
    return [
        {**asdict(p), "get_milestone_display": MilestoneKind(p.milestone).label if p.milestone else ""} for p in planned
    ]


def _date(text: str | None) -> dt.date | None:
    try:
        return forms.DateField().clean(text) if text else None
    except ValidationError:
        return None


@login_required
def contract_terms_preview(request: HttpRequest) -> HttpResponse:
    """The installments a template makes of an amount (htmx partial of the contract form and the
    plan editor): ``terms``, ``amount``, ``currency``, and ``base_date`` or else ``signed_on``.
    Writes nothing."""
    user = page_user(request)
    require_change(user)
    params = request.GET
    terms = None
    try:
        terms_id = parse_int(params.get("terms") or params.get("apply-terms") or "")
    except NumberFormatError:
        terms_id = None
    if terms_id is not None:
        terms = terms_visible_to(user).filter(pk=terms_id).first()
    amount: Any = params.get("amount", "")
    try:
        amount = parse_decimal(amount) if amount else None
    except NumberFormatError:
        return render(
            request,
            "contracts/partials/_terms_preview.html",
            {
                "preview": {"rows": [], "message": _("Enter the amount as digits, e.g. 1234.50."), "refused": True},
            },
        )
    base_date = _date(params.get("apply-base_date") or params.get("base_date")) or _date(params.get("signed_on"))
    preview = _preview(user, terms, amount, params.get("currency"), base_date)
    return render(request, "contracts/partials/_terms_preview.html", {"preview": preview})
