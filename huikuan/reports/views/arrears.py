"""The customer arrears page (客户欠款): customers ranked by what they owe overdue, each with a
link to their statement and to their overdue installments; Excel and PDF of the ranking."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from huikuan.accounts.selectors import users_visible_to
from huikuan.core.as_of import as_of_from
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.reports.arrears import ArrearsSort, arrears_ranking, describe
from huikuan.reports.views import documents, report_pages
from huikuan.reports.views.arrears_forms import ArrearsFilters
from huikuan.reports.views.paging import page_of_lines
from huikuan.web.requests import page_user


@login_required
def arrears(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    owners = list(users_visible_to(user).order_by("username"))
    form = ArrearsFilters(request.GET or None, owners=owners)
    checked = form if form.is_bound else ArrearsFilters({}, owners=owners)
    ranking = None
    as_of = today()
    if checked.is_valid():
        data = checked.cleaned_data
        try:
            as_of = as_of_from(request.GET)
            ranking = arrears_ranking(
                user=user,
                as_of=as_of,
                currency=data.get("currency"),
                owner_id=data.get("owner"),
                sort=data.get("sort") or ArrearsSort.OVERDUE,
                default_currency=settings.HUIKUAN_DEFAULT_CURRENCY,
            )
        except (DomainError, ValidationError) as error:
            form.refuse(error)
    context: dict[str, Any] = {"form": form, "as_of": as_of, "report_pages": report_pages(), "totals": []}
    if ranking is not None:
        lines, totals = ranking
        fmt = request.GET.get("export")
        if fmt in documents.FORMATS:
            try:
                return documents.respond(
                    documents.arrears_document(describe(lines, as_of=as_of), totals, as_of=as_of, request=request),
                    fmt=fmt,
                )
            except documents.TooLong as error:
                messages.error(request, str(error))
        page = page_of_lines(request, lines)
        first = page.start_index()
        context.update(page=page, rows=describe(list(page.object_list), as_of=as_of, first_rank=first), totals=totals)
    return render(request, "reports/arrears.html", context)


urlpatterns: list[URLPattern] = [path("reports/arrears/", arrears, name="report_arrears")]
