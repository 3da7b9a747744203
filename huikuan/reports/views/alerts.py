"""The risk alert pages (风险预警): the alerts on a date, filtered by kind, paged, as Excel or PDF;
the thresholds, which only Perm.RISK_CHANGE may set (everyone else reads them, and a POST from
them is answered 403); and the home page's card, a fragment the home page loads after itself,
since the alerts read the whole scope's aging and the home page must answer at once."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from huikuan.accounts.models import Company, User
from huikuan.accounts.roles import Perm
from huikuan.core.as_of import as_of_from
from huikuan.core.dates import require_not_future, today
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.core.paging import LAST_PAGE
from huikuan.reports.models import RiskThresholds
from huikuan.reports.risk import (
    AlertKind,
    company_currency,
    counts_by_kind,
    kinds_on,
    label_alerts,
    risk_alerts,
    thresholds_for,
)
from huikuan.reports.services import check_thresholds, thresholds_set
from huikuan.reports.views import alert_documents, report_pages
from huikuan.reports.views.alert_forms import AlertFilters, ThresholdsForm
from huikuan.web.requests import page_user

LINES_PER_PAGE = 100
# the home page's card: the most severe few, the rest are one click away
HOME_ALERTS = 5


def _thresholds_of(user: User) -> tuple[Company | None, RiskThresholds | None]:
    company = user.company
    return company, (thresholds_for(company) if company is not None else None)


def _summary(company: Company | None, thresholds: RiskThresholds | None) -> dict[str, Any]:
    """What the pages say about the thresholds: which alerts are on, and whether the company has
    set any (until then only the credit-limit alert, on by default, is checked)."""
    if company is None or thresholds is None:
        return {"thresholds": None, "kinds_on": [], "thresholds_set": False}
    on = kinds_on(thresholds)
    labels = dict(AlertKind.choices)
    return {
        "thresholds": thresholds,
        "kinds_on": [str(labels[kind]) for kind in on],
        "thresholds_set": thresholds.pk is not None,
        "currency": company_currency(company),
    }


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = AlertFilters(request.GET or None)
    checked = form if form.is_bound else AlertFilters({})
    as_of = today()
    found = None
    kind = ""
    if checked.is_valid():
        kind = checked.cleaned_data.get("kind") or ""
        try:
            as_of = as_of_from(request.GET)
            require_not_future(as_of, field="as_of")
            found = risk_alerts(user=user, as_of=as_of)
        except (DomainError, ValidationError) as error:
            form.refuse(error)
    company, current = _thresholds_of(user)
    context: dict[str, Any] = {
        "form": form,
        "as_of": as_of,
        "report_pages": report_pages(),
        "page": None,
        "counts": [],
        "can_set": user.has_perm_code(Perm.RISK_CHANGE),
        **_summary(company, current),
    }
    if found is not None:
        # counted before the kind filter: the counts are the filter's choices
        context["counts"] = counts_by_kind(found)
        shown = [alert for alert in found if alert.kind == kind] if kind else found
        fmt = request.GET.get("export")
        if fmt in alert_documents.FORMATS:
            label = str(dict(AlertKind.choices).get(kind, "")) if kind else ""
            try:
                document = alert_documents.alerts_document(shown, as_of=as_of, kind_label=label, request=request)
                return alert_documents.respond(document, fmt=fmt or "")
            except alert_documents.TooLong as error:
                messages.error(request, str(error))
        paginator = Paginator(shown, LINES_PER_PAGE)
        number = request.GET.get("page") or 1
        try:
            page = paginator.page(paginator.num_pages if number == LAST_PAGE else number)
        except InvalidPage as error:
            raise Http404 from error
        context.update(page=page, rows=label_alerts(list(page.object_list)), kind=kind)
    return render(request, "reports/alerts.html", context)


def _checked(form: ThresholdsForm, company: Company) -> bool:
    """Whether the service's checks pass every value; each refusal goes on its field, so that all
    show at once (the service stops at the first)."""
    currency = company_currency(company)
    for name, value in form.values().items():
        try:
            check_thresholds({name: value}, currency)
        except DomainError as error:
            form.refuse(error)
    return not form.errors


@login_required
@require_http_methods(["GET", "POST"])
def thresholds(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    editable = user.has_perm_code(Perm.RISK_CHANGE)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    company, current = _thresholds_of(user)
    if company is None or current is None:
        raise Http404  # an account of no company has no thresholds
    form = ThresholdsForm(request.POST if request.method == "POST" else None, thresholds=current, editable=editable)
    if request.method == "POST" and form.is_valid() and _checked(form, company):
        try:
            thresholds_set(actor=user, company=company, **form.values())
        except NotPermitted as error:
            raise PermissionDenied(str(error.message)) from error
        except DomainError as error:
            form.refuse(error)  # on its field; the service wrote nothing
        else:
            messages.success(request, _("Risk alert thresholds saved."))
            return redirect("report_thresholds")
    context: dict[str, Any] = {
        "form": form,
        "editable": editable,
        "report_pages": report_pages(),
        **_summary(company, current),
    }
    return render(request, "reports/thresholds.html", context)


@login_required
@require_GET
def home_alerts(request: HttpRequest) -> HttpResponse:
    """The home page's card: how many alerts of each kind today, and the most severe few."""
    user = page_user(request)
    company, current = _thresholds_of(user)
    found = risk_alerts(user=user, as_of=today())
    context: dict[str, Any] = {
        "counts": counts_by_kind(found),
        "total": len(found),
        "top": label_alerts(found[:HOME_ALERTS]),
        "can_set": user.has_perm_code(Perm.RISK_CHANGE),
        **_summary(company, current),
    }
    return render(request, "reports/_home_alerts.html", context)


urlpatterns: list[URLPattern] = [
    path("reports/alerts/", alerts, name="report_alerts"),
    path("reports/alerts/thresholds/", thresholds, name="report_thresholds"),
    path("reports/alerts/home/", home_alerts, name="report_home_alerts"),
]
