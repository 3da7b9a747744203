"""The aging page (账龄分析): filters, totals per currency, one line per group with links down to
the worklist's installments, and the same report as Excel or PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode

from huikuan.accounts.selectors import users_visible_to
from huikuan.core.as_of import as_of_from
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.receivables.figures import DEFAULT_BUCKETS
from huikuan.reports.aging import AgingLine, AgingReport, AgingSort, Grouping, aging_report, label_lines
from huikuan.reports.buckets import bucket_labels, bucket_ranges, buckets_text
from huikuan.reports.forms import AgingFilters
from huikuan.reports.views import documents, report_pages
from huikuan.reports.views.paging import page_of_lines
from huikuan.web.requests import page_user


def _worklist_link(report: AgingReport, line: AgingLine, column: int) -> str | None:
    """The installments behind one amount: the worklist on the same date, narrowed to the line's
    customer or contract and to the column's days overdue."""
    if report.grouping == Grouping.CONTRACT and line.contract_id:
        params: dict[str, Any] = {"contract": line.contract_id}
    elif report.grouping == Grouping.CUSTOMER and line.customer_id:
        params = {"customer": line.customer_id}
    else:
        return None
    params["as_of"] = report.as_of.isoformat()
    if column == 0:
        params["bucket"] = "0"
    else:
        low, high = bucket_ranges(report.buckets)[column - 1]
        params["status"] = "overdue"
        params["due_to"] = (report.as_of - dt.timedelta(days=low)).isoformat()
        if high is not None:
            params["due_from"] = (report.as_of - dt.timedelta(days=high)).isoformat()
    return f"{reverse('receivables')}?{urlencode(params)}"


def _group_link(request: HttpRequest, report: AgingReport, line: AgingLine) -> str | None:
    """Where a line's name leads: the customer's or contract's page, or for an owner the same
    report narrowed to their customers."""
    if report.grouping == Grouping.CUSTOMER and line.customer_id:
        return f"{reverse('customer_detail', args=[line.customer_id])}?{urlencode({'as_of': report.as_of.isoformat()})}"
    if report.grouping == Grouping.CONTRACT and line.contract_id:
        return f"{reverse('contract_detail', args=[line.contract_id])}?{urlencode({'as_of': report.as_of.isoformat()})}"
    if report.grouping == Grouping.OWNER and line.owner_id:
        query = request.GET.copy()
        query.pop("page", None)
        query["owner"], query["grouping"] = str(line.owner_id), Grouping.CUSTOMER
        return f"?{query.urlencode()}"
    return None


def _rows(request: HttpRequest, report: AgingReport, lines: list[AgingLine]) -> list[dict[str, Any]]:
    return [
        {
            "line": line,
            "link": _group_link(request, report, line),
            "amounts": [(amount, _worklist_link(report, line, i)) for i, amount in enumerate(line.amounts)],
        }
        for line in lines
    ]


@login_required
def aging(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    owners = list(users_visible_to(user).order_by("username"))
    form = AgingFilters(request.GET or None, owners=owners)
    checked = form if form.is_bound else AgingFilters({}, owners=owners)
    report: AgingReport | None = None
    if checked.is_valid():
        data = checked.cleaned_data
        try:
            report = aging_report(
                user=user,
                as_of=as_of_from(request.GET),
                buckets=data["buckets"],
                grouping=data.get("grouping") or Grouping.CUSTOMER,
                currency=data.get("currency"),
                owner_id=data.get("owner"),
                customer_id=data.get("customer"),
                sort=data.get("sort") or AgingSort.TOTAL,
                default_currency=settings.HUIKUAN_DEFAULT_CURRENCY,
            )
        except (DomainError, ValidationError) as error:
            form.refuse(error)
    fmt = request.GET.get("export")
    if report is not None and fmt in documents.FORMATS:
        try:
            return documents.respond(documents.aging_document(report, request=request), fmt=fmt)
        except documents.TooLong as error:
            messages.error(request, str(error))
    buckets = report.buckets if report else DEFAULT_BUCKETS
    page = None
    rows: list[dict[str, Any]] = []
    if report is not None:
        page = page_of_lines(request, report.lines)
        rows = _rows(request, report, list(label_lines(list(page.object_list), report.grouping)))
    context = {
        "form": form,
        "report": report,
        "as_of": report.as_of if report else today(),
        "columns": bucket_labels(buckets),
        "buckets_text": buckets_text(buckets),
        "page": page,
        "rows": rows,
        "has_cash": report is not None and report.grouping != Grouping.CONTRACT,
        "report_pages": report_pages(),
        "group_label": dict(Grouping.choices).get(report.grouping if report else Grouping.CUSTOMER),
    }
    return render(request, "reports/aging.html", context)


urlpatterns: list[URLPattern] = [path("reports/aging/", aging, name="report_aging")]
