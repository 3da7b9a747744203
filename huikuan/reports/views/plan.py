"""The plan vs actual page (收款进度): filters, totals per currency, one line per group with a cell
per period (planned, collected, rate, and for owners the target and its attainment), links down to
the installments and receipts behind a customer's amounts, and the same report as Excel or PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from huikuan.accounts.roles import Perm
from huikuan.accounts.selectors import users_visible_to
from huikuan.core.errors import DomainError
from huikuan.reports.plan import Period, PlanGrouping, PlanLine, PlanReport, label_lines, plan_vs_actual
from huikuan.reports.views import plan_documents, report_pages
from huikuan.reports.views.paging import page_of_lines
from huikuan.reports.views.plan_forms import PlanFilters
from huikuan.web.requests import page_user


def planned_link(report: PlanReport, line: PlanLine, period: Period) -> str | None:
    """The installments behind a planned amount: the worklist in every status, narrowed to the
    line's customer or contract and the period's due dates."""
    if report.grouping == PlanGrouping.CUSTOMER and line.customer_id:
        params: dict[str, Any] = {"customer": line.customer_id}
    elif report.grouping == PlanGrouping.CONTRACT and line.contract_id:
        params = {"contract": line.contract_id}
    else:
        return None
    params.update(status="all", due_from=period.starts_on.isoformat(), due_to=period.ends_on.isoformat())
    return f"{reverse('receivables')}?{urlencode(params)}"


def collected_link(report: PlanReport, line: PlanLine, period: Period) -> str | None:
    """The receipts behind a collected amount: the customer's receipts in the line's currency
    received in the period, not reversed. (A contract's collected is its allocations, which no list
    shows by contract yet: the contract's page lists them.)"""
    if report.grouping != PlanGrouping.CUSTOMER or not line.customer_id:
        return None
    params: dict[str, Any] = {
        "customer": line.customer_id,
        "currency": line.currency,
        "received_from": period.starts_on.isoformat(),
        "received_to": period.ends_on.isoformat(),
        "is_reversed": "false",
    }
    return f"{reverse('receipt_list')}?{urlencode(params)}"


def _group_link(request: HttpRequest, report: PlanReport, line: PlanLine) -> str | None:
    """Where a line's name leads: the customer's or contract's page, or for an owner the same report
    narrowed to their customers."""
    if report.grouping == PlanGrouping.CUSTOMER and line.customer_id:
        return reverse("customer_detail", args=[line.customer_id])
    if report.grouping == PlanGrouping.CONTRACT and line.contract_id:
        return reverse("contract_detail", args=[line.contract_id])
    if report.grouping == PlanGrouping.OWNER and line.owner_id:
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        query["owner"], query["grouping"] = str(line.owner_id), PlanGrouping.CUSTOMER
        return f"?{query.urlencode()}"
    return None


def _rows(request: HttpRequest, report: PlanReport, lines: list[PlanLine]) -> list[dict[str, Any]]:
    return [
        {
            "line": line,
            "link": _group_link(request, report, line),
            "cells": [
                (cell, planned_link(report, line, period), collected_link(report, line, period))
                for cell, period in zip(line.cells, report.periods, strict=True)
            ],
            "whole": line.whole,
        }
        for line in lines
    ]


@login_required
@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    owners = list(users_visible_to(user).order_by("username"))
    data = request.GET.copy()
    for name in ("page", "export"):
        data.pop(name, None)
    # without filters (a first visit, or only a page or a file asked for) the defaults apply
    form = PlanFilters(data or None, owners=owners)
    checked = form if form.is_bound else PlanFilters({}, owners=owners)
    report: PlanReport | None = None
    if checked.is_valid():  # otherwise the errors show on the fields and no report is shown
        try:
            report = plan_vs_actual(
                user=user, default_currency=settings.HUIKUAN_DEFAULT_CURRENCY, **checked.selector_arguments()
            )
        except (DomainError, ValidationError) as error:
            form.refuse(error)
    fmt = request.GET.get("export")
    if report is not None and fmt in plan_documents.FORMATS:
        try:
            document = plan_documents.plan_document(report, request=request, wide=fmt == "xlsx")
            return plan_documents.respond(document, fmt=fmt)
        except plan_documents.TooLong as error:
            messages.error(request, str(error))
    page = None
    rows: list[dict[str, Any]] = []
    if report is not None:
        page = page_of_lines(request, report.lines)
        rows = _rows(request, report, list(label_lines(list(page.object_list), report.grouping)))
    context = {
        "form": form,
        "report": report,
        "page": page,
        "rows": rows,
        "totals": [{"line": t, "cells": t.cells, "whole": t.whole} for t in report.totals] if report else [],
        "report_pages": report_pages(),
        "group_label": dict(PlanGrouping.choices).get(report.grouping if report else PlanGrouping.OWNER),
        "can_set_targets": user.has_perm_code(Perm.TARGET_CHANGE),
    }
    return render(request, "reports/plan.html", context)


urlpatterns: list[URLPattern] = [path("reports/plan/", plan, name="report_plan")]
