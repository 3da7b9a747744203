"""The cash forecast page (现金流预测): filters, the expected receipts per week or month for each
currency and group, the past weeks' forecast beside what came in, links down to the worklist's
installments and the receipts, and the same report as Excel or PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from huikuan.accounts.selectors import users_visible_to
from huikuan.core.as_of import as_of_from
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.reports.forecast import (
    DEFAULT_LOOKBACK_DAYS,
    CashForecast,
    ForecastGrouping,
    ForecastLine,
    PastWeeks,
    Period,
    cash_forecast,
    label_lines,
    past_weeks,
)
from huikuan.reports.views import forecast_documents, report_pages
from huikuan.reports.views.forecast_forms import ForecastFilters, ForecastView
from huikuan.reports.views.paging import page_of_lines
from huikuan.web.requests import page_user


def period_label(period: Period, view: str) -> str:
    """A column's name: a week by its Monday (06-30), a month as 2025-07; the same in both
    languages, as dates are written on every page."""
    return period.starts_on.strftime("%Y-%m" if view == ForecastView.MONTHS else "%m-%d")


def _periods(report: CashForecast, view: str) -> list[Period]:
    return report.months if view == ForecastView.MONTHS else report.weeks


def _amounts(line: ForecastLine, view: str) -> list[Any]:
    """The line's periods and what is expected after them."""
    if view == ForecastView.MONTHS:
        return [*line.months, line.later_months]
    return [*line.weeks, line.later_weeks]


def _worklist_link(
    report: CashForecast, line: ForecastLine, view: str, column: int, customer_id: int | None
) -> str | None:
    """The open installments behind one amount, by their due dates: for a customer the period's
    dates moved back by its shift (so the list holds exactly the amount's installments, in every
    currency); for a total the period's own dates, since each customer's are moved by its own
    shift. The first period reaches back to everything overdue; the last column is everything
    after the periods. An owner's line has none: the worklist knows no owner."""
    if line.owner_id is not None:
        return None
    params: dict[str, Any] = {}
    shift = 0
    if line.customer_id is not None:
        params["customer"] = line.customer_id
        shift = line.habit.shift_days if line.habit else 0
    elif customer_id:  # the report narrowed to one customer
        params["customer"] = customer_id
    periods = _periods(report, view)
    moved = dt.timedelta(days=shift)
    if column < len(periods):
        if column > 0:
            params["due_from"] = (periods[column].starts_on - moved).isoformat()
        params["due_to"] = (periods[column].ends_on - moved).isoformat()
    else:
        params["due_from"] = (periods[-1].ends_on + dt.timedelta(days=1) - moved).isoformat()
    params["as_of"] = report.as_of.isoformat()
    return f"{reverse('receivables')}?{urlencode(params)}"


def _group_link(request: HttpRequest, report: CashForecast, line: ForecastLine) -> str | None:
    """Where a line's name leads: the customer's page, or for an owner this report narrowed to
    their customers, one line each."""
    if report.grouping == ForecastGrouping.CUSTOMER and line.customer_id:
        return f"{reverse('customer_detail', args=[line.customer_id])}?{urlencode({'as_of': report.as_of.isoformat()})}"
    if report.grouping == ForecastGrouping.OWNER and line.owner_id:
        query = request.GET.copy()
        query.pop("page", None)
        query["owner"], query["grouping"] = str(line.owner_id), ForecastGrouping.CUSTOMER
        return f"?{query.urlencode()}"
    return None


def _rows(
    request: HttpRequest, report: CashForecast, lines: Sequence[ForecastLine], view: str, customer_id: int | None
) -> list[dict[str, Any]]:
    return [
        {
            "line": line,
            "link": _group_link(request, report, line),
            "amounts": [
                (amount, _worklist_link(report, line, view, column, customer_id))
                for column, amount in enumerate(_amounts(line, view))
            ],
        }
        for line in lines
    ]


def _receipts_link(period: Period, currency: str, customer_id: int | None) -> str:
    """The receipts received in a past week (the reversed ones among them are marked as such)."""
    params: dict[str, Any] = {
        "received_from": period.starts_on.isoformat(),
        "received_to": period.ends_on.isoformat(),
        "currency": currency,
    }
    if customer_id:
        params["customer"] = customer_id
    return f"{reverse('receipt_list')}?{urlencode(params)}"


def _past_rows(past: PastWeeks, customer_id: int | None) -> list[dict[str, Any]]:
    return [
        {
            "accuracy": accuracy,
            "weeks": [(week, _receipts_link(week.period, accuracy.currency, customer_id)) for week in accuracy.weeks],
        }
        for accuracy in past.currencies
    ]


def _chart(past: PastWeeks) -> dict[str, Any] | None:
    """The first currency's past weeks: what was forecast for each and what came in."""
    if not past.currencies:
        return None
    first = past.currencies[0]
    return {
        "weeks": [week.period.starts_on.isoformat() for week in first.weeks],
        "forecast": [str(week.forecast) for week in first.weeks],
        "actual": [str(week.actual) for week in first.weeks],
        "labels": {"forecast": _("Forecast"), "actual": _("Received"), "currency": first.currency},
    }


# ``?part=past``: the past weeks alone, a second forecast as of a past date that costs as much as
# the first; the page asks for them after itself (htmx), so that the forecast shows at once
PAST = "past"


@login_required
def forecast(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    owners = list(users_visible_to(user).order_by("username"))
    form = ForecastFilters(request.GET or None, owners=owners)
    checked = form if form.is_bound else ForecastFilters({}, owners=owners)
    report: CashForecast | None = None
    past: PastWeeks | None = None
    view = ForecastView.WEEKS
    customer_id: int | None = None
    fmt = request.GET.get("export")
    exporting = fmt in forecast_documents.FORMATS
    if checked.is_valid():
        data = checked.cleaned_data
        view = data.get("view") or ForecastView.WEEKS
        customer_id = data.get("customer")
        try:
            narrowing: dict[str, Any] = {
                "user": user,
                "as_of": as_of_from(request.GET),
                "currency": data.get("currency"),
                "owner_id": data.get("owner"),
                "customer_id": customer_id,
                "lookback_days": data.get("lookback_days") or DEFAULT_LOOKBACK_DAYS,
                "default_currency": settings.HUIKUAN_DEFAULT_CURRENCY,
            }
            if request.GET.get("part") == PAST and not exporting:
                past = past_weeks(**narrowing)
            else:
                grouping = data.get("grouping") or ForecastGrouping.TOTAL
                report = cash_forecast(**narrowing, grouping=grouping, with_past_weeks=exporting)
        except (DomainError, ValidationError) as error:
            form.refuse(error)
    if report is not None and exporting:
        try:
            document = forecast_documents.forecast_document(report, request=request, compact=fmt == "pdf")
            return forecast_documents.respond(document, fmt=fmt or "")
        except forecast_documents.TooLong as error:
            messages.error(request, str(error))
    context: dict[str, Any] = {
        "form": form,
        "report": report,
        "past": past,
        "as_of": report.as_of if report else (past.as_of if past else today()),
        "view": view,
        "report_pages": report_pages(),
        "page": None,
        "rows": [],
    }
    if past is not None:
        context.update(
            past_rows=_past_rows(past, customer_id),
            past_columns=[period_label(period, ForecastView.WEEKS) for period in past.weeks],
            chart=_chart(past),
        )
    if report is not None:
        periods = _periods(report, view)
        page = page_of_lines(request, report.lines)
        shown = label_lines(list(page.object_list), report.grouping)
        context.update(
            page=page,
            rows=_rows(request, report, shown, view, customer_id),
            totals=_rows(request, report, report.totals, view, customer_id),
            columns=[(period_label(period, view), period) for period in periods],
            scope_habits=sorted(report.scope_habits.items()),
            group_label=dict(ForecastGrouping.choices).get(report.grouping),
        )
    return render(request, "reports/forecast.html", context)


urlpatterns: list[URLPattern] = [path("reports/forecast/", forecast, name="report_forecast")]
