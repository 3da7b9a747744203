"""Dunning policies (催收策略): everyone reads them; finance managers and administrators
(Perm.DUNNING_POLICY_CHANGE) create and change them, a ladder of steps edited as rows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.api.tools import actor_company
from huikuan.core.errors import DomainError
from huikuan.dunning.forms import PolicyForm, StepFormSet
from huikuan.dunning.models import DunningPolicy
from huikuan.dunning.selectors import policies_of
from huikuan.dunning.services.policies import STEP_FLAGS, policy_save
from huikuan.web.forms import line_of
from huikuan.web.requests import page_user


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    context = {
        "policies": policies_of(user).order_by("name"),
        "may_change": user.has_perm_code(Perm.DUNNING_POLICY_CHANGE),
    }
    return render(request, "dunning/policies.html", context)


def _steps_initial(policy: DunningPolicy | None) -> list[dict[str, Any]]:
    if policy is None:
        return []
    return [
        {"days": step.days, "name": step.name, "task_for": step.task_for, "fee_kind": step.fee_kind}
        | {"fee_value": step.fee_value.normalize() if step.fee_kind else None}
        | {flag: getattr(step, flag) for flag in STEP_FLAGS}
        for step in policy.steps.order_by("days")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = page_user(request)
    if not user.has_perm_code(Perm.DUNNING_POLICY_CHANGE):
        raise PermissionDenied
    policy = None
    if pk is not None:
        policy = policies_of(user).filter(pk=pk).first()
        if policy is None:
            raise Http404
    posted = request.POST if request.method == "POST" else None
    initial = (
        {"name": policy.name, "is_default": policy.is_default, "working_days_only": policy.working_days_only}
        if policy
        else {}
    )
    form = PolicyForm(posted, initial=initial)
    steps = StepFormSet(posted, initial=_steps_initial(policy), prefix="steps")
    if posted is not None and form.is_valid() and steps.is_valid():
        saved = _save(user, policy, form, steps)
        if saved is not None:
            messages.success(request, _("Policy saved."))
            return redirect("policy_list")
    status = 400 if posted is not None else 200
    return render(request, "dunning/policy_form.html", {"form": form, "steps": steps, "policy": policy}, status=status)


def _save(user: User, policy: DunningPolicy | None, form: PolicyForm, steps: Any) -> DunningPolicy | None:
    rows = [step for step in steps.forms if step.cleaned_data and not step.is_blank()]
    values = [
        {key: value for key, value in step.cleaned_data.items() if key != "DELETE"}
        | {"task_for": step.cleaned_data["task_for"] or ""}
        for step in rows
    ]
    try:
        return policy_save(
            actor=user,
            company=policy.company if policy else actor_company(user),
            policy=policy,
            steps=values,
            **form.cleaned_data,
        )
    except DomainError as error:
        line = line_of(error)
        if line is not None and line[0] < len(rows) and line[1] in rows[line[0]].fields:
            rows[line[0]].add_error(line[1], str(error.message))
        else:
            form.refuse(error)
        return None
