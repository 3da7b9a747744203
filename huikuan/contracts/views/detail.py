"""A contract: its header, figures, payment plan with each installment's figures on a date (today,
or any past date the user picks: ``?as_of=``), the milestones reached, and the actions its status
and the user's role allow (each a POST form; a refused one re-renders the page with the service's
message on the form, what was typed kept)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.models import User
from huikuan.contracts.choices import ContractStatus, InstallmentStatus
from huikuan.contracts.forms import ActivateForm, CancelForm, MilestoneForm, TerminateForm, user_label
from huikuan.contracts.models import Contract
from huikuan.contracts.services import (
    contract_activate,
    contract_cancel,
    contract_terminate,
    milestone_record,
)
from huikuan.contracts.views.common import can_change, contract_with_figures, require_change, visible_contract
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.core.money import ZERO
from huikuan.receivables.figures import figures_of, summarize_installments
from huikuan.terms.choices import MilestoneKind
from huikuan.web.forms import AsOfForm, page_as_of, past_as_of
from huikuan.web.requests import page_user

# the form of each action, by the name the template and the views use
ACTION_FORMS: dict[str, type[forms.Form]] = {
    "activate": ActivateForm,
    "milestone": MilestoneForm,
    "terminate": TerminateForm,
    "cancel": CancelForm,
}


def allowed_actions(user: User, contract: Contract) -> set[str]:
    """What the user may do with the contract now: nothing without Perm.CONTRACT_CHANGE; the rest
    by status, as the services allow it."""
    if not can_change(user):
        return set()
    status = contract.status
    actions: set[str] = set()
    if status == ContractStatus.DRAFT:
        actions |= {"edit", "plan", "activate", "cancel"}
    if status in (ContractStatus.ACTIVE, ContractStatus.COMPLETED, ContractStatus.TERMINATED):
        actions.add("edit")
    if status == ContractStatus.ACTIVE:
        actions.add("terminate")
    if status != ContractStatus.CANCELLED:
        actions.add("milestone")
    return actions


def _action_form(name: str, contract: Contract, data: Any = None) -> forms.Form:
    if name == "milestone":
        recorded = {m.kind for m in contract.milestones.all()}
        return MilestoneForm(data, recorded=recorded, prefix=name)
    return ACTION_FORMS[name](data, prefix=name)


def _plan_rows(contract: Contract) -> list[dict[str, Any]]:
    rows = []
    for installment in contract.installments.all():
        row_figures = figures_of(installment)
        rows.append(
            {
                "installment": installment,
                "figures": row_figures,
                "status": InstallmentStatus(row_figures.status).label if row_figures.status else "",
                "overdue": row_figures.status == InstallmentStatus.OVERDUE,
            }
        )
    return rows


def render_detail(
    request: HttpRequest,
    pk: int,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
    as_of: dt.date | None = None,
    as_of_form: AsOfForm | None = None,
) -> HttpResponse:
    """The contract page with its figures on ``as_of`` (today when not given): the plan's
    installments come with their figures on that date from the selector
    (``receivables.selectors.contract_list_with_figures``), a fixed number of queries however long
    the plan."""
    user = page_user(request)
    as_of = as_of or today()
    contract = contract_with_figures(user, pk, as_of)
    actions = allowed_actions(user, contract)
    action_forms = {name: _action_form(name, contract) for name in ACTION_FORMS if name in actions}
    action_forms.update(bound or {})
    recorded = {m.kind for m in contract.milestones.all()}
    context = {
        "contract": contract,
        "as_of": as_of,
        "as_of_form": as_of_form or AsOfForm(initial={"as_of": as_of}),
        # the date the link to the customer carries: empty for today
        "past_as_of": past_as_of(as_of),
        "owner_name": user_label(contract.owner),
        "figures": summarize_installments(contract.amount, contract.installments.all(), as_of),
        "plan": _plan_rows(contract),
        "plan_total": sum((i.amount for i in contract.installments.all()), ZERO),
        "milestones": list(contract.milestones.all()),
        "actions": actions,
        "forms": action_forms,
        # the milestone form only while some milestone is left to record
        "milestones_left": len(recorded) < len(MilestoneKind.choices),
    }
    return render(request, "contracts/detail.html", context, status=status)


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    as_of_form, as_of = page_as_of(request)
    return render_detail(request, pk, as_of=as_of, as_of_form=as_of_form)


def _action(
    request: HttpRequest, pk: int, name: str, call: Callable[[User, Contract, dict[str, Any]], Any], done: str
) -> HttpResponse:
    """Run one action from its POST form: a redirect to the contract with ``done`` when the
    service agrees, the page with the form and its refusal when it does not."""
    user = page_user(request)
    require_change(user)
    contract = visible_contract(user, pk)
    form = _action_form(name, contract, request.POST)
    if form.is_valid():
        try:
            call(user, contract, form.cleaned_data)
        except (DomainError, ValidationError) as error:
            form.refuse(error)  # type: ignore[attr-defined]  # a WorkbenchForm
        else:
            messages.success(request, done)
            return redirect("contract_detail", pk=pk)
    return render_detail(request, pk, bound={name: form})


@login_required
@require_POST
def contract_activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        "activate",
        lambda user, contract, data: contract_activate(actor=user, contract=contract),
        _("The contract is active: its installments are receivable."),
    )


@login_required
@require_POST
def contract_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        "milestone",
        lambda user, contract, data: milestone_record(
            actor=user, contract=contract, kind=data["kind"], reached_on=data["reached_on"], note=data["note"]
        ),
        _("The milestone is recorded; the installments waiting for it have their due dates."),
    )


@login_required
@require_POST
def contract_terminate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        "terminate",
        lambda user, contract, data: contract_terminate(
            actor=user, contract=contract, on=data["on"], reason=data["reason"]
        ),
        _("The contract is terminated. What is still open stays owed."),
    )


@login_required
@require_POST
def contract_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        "cancel",
        lambda user, contract, data: contract_cancel(actor=user, contract=contract, reason=data["reason"]),
        _("The contract is cancelled."),
    )
