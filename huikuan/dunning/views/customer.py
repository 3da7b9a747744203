"""One customer's collection page: its dunning settings, follow-ups, promises, disputes, tasks,
messages and the steps performed. Each form posts its ``action``; a refusal re-renders the page
with the message on its field and what was typed kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm, Role
from huikuan.core.errors import DomainError
from huikuan.customers.models import Customer
from huikuan.dunning.forms import DisputeForm, FollowUpForm, PromiseForm, ReasonForm, ResolveForm, SettingsForm
from huikuan.dunning.models import Dispute, DunningPolicy, PromiseToPay
from huikuan.dunning.selectors import customer_collections
from huikuan.dunning.services import collection, policies
from huikuan.dunning.views import back_to, require_work, visible_customer
from huikuan.dunning.views.messages import with_subjects
from huikuan.web.requests import page_user


def _forms(request: HttpRequest, user: User, customer: Customer, records: Any) -> dict[str, Any]:
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if posted else None
    company_policies = list(DunningPolicy.objects.filter(company_id=customer.company_id).order_by("name"))
    # colleagues' names are no secret: anyone of the company who works on collections may be chosen
    collectors = list(
        User.objects.filter(
            company_id=customer.company_id,
            is_active=True,
            role__in=[Role.COLLECTOR, Role.AR_CLERK, Role.SALES_REP, Role.FINANCE_MANAGER],
        ).order_by("username")
    )
    settings_row = records.settings
    initial = {
        "policy": str(settings_row.policy_id or "") if settings_row else "",
        "collector": str(settings_row.collector_id or "") if settings_row else "",
        "paused_until": settings_row.paused_until if settings_row else None,
        "pause_reason": settings_row.pause_reason if settings_row else "",
        "language": settings_row.language if settings_row else "",
    }
    currency = customer.company.currency
    return {
        "follow_up": FollowUpForm(posted if action == "follow_up" else None, prefix="follow_up"),
        "promise": PromiseForm(
            posted if action == "promise" else None,
            prefix="promise",
            installments=records.open_installments,
            currency=currency,
        ),
        "dispute": DisputeForm(
            posted if action == "dispute" else None, prefix="dispute", installments=records.open_installments
        ),
        "settings": SettingsForm(
            posted if action == "settings" else None,
            prefix="settings",
            initial=initial,
            policies=company_policies,
            collectors=collectors,
        ),
    }


def _save(action: str, form: Any, user: User, customer: Customer, records: Any) -> str | None:
    """Call the service for the posted form; the success message, or None when refused."""
    data = form.cleaned_data
    by_id = {str(installment.pk): installment for installment in records.open_installments}
    try:
        if action == "follow_up":
            collection.follow_up_log(actor=user, customer=customer, **data)
            return _("Follow-up logged.")
        if action == "promise":
            collection.promise_record(
                actor=user,
                customer=customer,
                amount=data["amount"],
                currency=data["currency"],
                made_on=data["made_on"],
                promised_on=data["promised_on"],
                installments=[by_id[pk] for pk in data["installments"]],
            )
            return _("Promise to pay recorded.")
        if action == "dispute":
            collection.dispute_open(
                actor=user,
                customer=customer,
                installments=[by_id[pk] for pk in data["installments"]],
                reason=data["reason"],
                amount=data["amount"],
                opened_on=data["opened_on"],
            )
            return _("Dispute opened: its installments are not dunned until it is resolved.")
        policy = collector = None
        if data["policy"]:
            policy = DunningPolicy.objects.filter(company_id=customer.company_id, pk=data["policy"]).first()
        if data["collector"]:
            collector = User.objects.filter(company_id=customer.company_id, pk=data["collector"]).first()
        policies.customer_dunning_set(
            actor=user,
            customer=customer,
            policy=policy,
            collector=collector,
            paused_until=data["paused_until"],
            pause_reason=data["pause_reason"],
            language=data["language"],
        )
        return _("Dunning settings saved.")
    except DomainError as error:
        form.refuse(error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def customer_collections_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    customer = visible_customer(user, pk)
    records = customer_collections(customer)
    with_subjects(records.messages)
    forms = _forms(request, user, customer, records)
    if request.method == "POST":
        require_work(user)
        action = request.POST.get("action", "")
        form = forms.get(action)
        if form is None:
            raise Http404
        if form.is_valid():
            done = _save(action, form, user, customer, records)
            if done is not None:
                messages.success(request, done)
                return redirect("customer_collections", pk=customer.pk)
    context = {
        "customer": customer,
        "records": records,
        "forms": forms,
        "may_work": user.has_perm_code(Perm.COLLECTION_WORK),
        "may_decide_fees": user.has_perm_code(Perm.FEE_CONFIRM),
        "resolve_form": ResolveForm(prefix="resolve"),
        "cancel_form": ReasonForm(prefix="cancel"),
        "open_action": request.POST.get("action", "") if request.method == "POST" else "",
    }
    return render(request, "dunning/customer.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def promise_cancel_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    require_work(user)
    promise = PromiseToPay.objects.filter(pk=pk).select_related("customer").first()
    if promise is None:
        raise Http404
    customer = visible_customer(user, promise.customer_id)
    form = ReasonForm(request.POST, prefix="cancel")
    if not form.is_valid():
        messages.error(request, _("Say why the promise is cancelled."))
    else:
        try:
            collection.promise_cancel(actor=user, promise=promise, reason=form.cleaned_data["reason"])
            messages.success(request, _("Promise cancelled."))
        except DomainError as error:
            messages.error(request, str(error.message))
    return redirect(back_to(request, "customer_collections", customer.pk))


@login_required
@require_POST
def dispute_resolve_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    require_work(user)
    dispute = Dispute.objects.filter(pk=pk).select_related("customer").first()
    if dispute is None:
        raise Http404
    customer = visible_customer(user, dispute.customer_id)
    form = ResolveForm(request.POST, prefix="resolve")
    if not form.is_valid():
        messages.error(request, _("Say how the dispute was resolved, and when."))
    else:
        try:
            collection.dispute_resolve(actor=user, dispute=dispute, **form.cleaned_data)
            messages.success(request, _("Dispute resolved: dunning of its installments resumes with the next run."))
        except DomainError as error:
            messages.error(request, str(error.message))
    return redirect(back_to(request, "customer_collections", customer.pk))
