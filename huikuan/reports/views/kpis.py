"""The KPI page (关键指标): the period's KPIs, the customers who paid most and how late, and the
twelve-month trend (its own request, loaded after the page: it computes an AR per month end)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from huikuan.reports.kpis import kpis, trend
from huikuan.reports.views import documents, report_pages
from huikuan.reports.views.kpi_forms import KpiFilters
from huikuan.web.requests import page_user


@login_required
def kpi_page(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = KpiFilters(request.GET or None)
    checked = form if form.is_bound else KpiFilters({})
    context: dict[str, Any] = {"form": form, "report_pages": report_pages(), "kpis": None}
    if checked.is_valid():
        data = checked.cleaned_data
        currency = data.get("currency") or settings.HUIKUAN_DEFAULT_CURRENCY
        found = kpis(user=user, start=data["start"], end=data["end"], currency=currency)
        fmt = request.GET.get("export")
        if fmt in documents.FORMATS:
            months = trend(user=user, end=data["end"], currency=currency)
            return documents.respond(documents.kpi_document(found, months, request=request), fmt=fmt)
        context["kpis"] = found
        context["kpi_cards"] = documents.kpi_cards(found)
    return render(request, "reports/kpis.html", context)


@login_required
def kpi_trend(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = KpiFilters(request.GET or None)
    checked = form if form.is_bound else KpiFilters({})
    months = []
    if checked.is_valid():
        data = checked.cleaned_data
        currency = data.get("currency") or settings.HUIKUAN_DEFAULT_CURRENCY
        months = trend(user=user, end=data["end"], currency=currency)
    return render(request, "reports/_kpi_trend.html", {"months": months})


urlpatterns: list[URLPattern] = [
    path("reports/kpis/", kpi_page, name="report_kpis"),
    path("reports/kpis/trend/", kpi_trend, name="report_kpi_trend"),
]
