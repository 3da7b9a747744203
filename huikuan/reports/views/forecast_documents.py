"""The cash forecast as a ``web.documents.ReportDocument``: the figures the page shows, every line,
in three tables: the 13 weeks, the 12 months and the past weeks' forecast beside what came in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from huikuan.reports.forecast import CashForecast, ForecastGrouping, ForecastLine, PastWeeks, Period, label_lines
from huikuan.web.documents import FORMATS, ReportDocument, Sheet, TooLong, printed_by, respond

__all__ = ["FORMATS", "TooLong", "forecast_document", "respond"]


def _lead_headers(grouping: str, *, compact: bool) -> list[str]:
    if grouping == ForecastGrouping.CUSTOMER:
        return [_("Customer"), _("Currency")] if compact else [_("Code"), _("Customer"), _("Currency")]
    if grouping == ForecastGrouping.OWNER:
        return [_("Owner"), _("Currency")]
    return [_("Currency")]


def _lead(line: ForecastLine, grouping: str, *, compact: bool) -> list[Any]:
    if grouping == ForecastGrouping.CUSTOMER:
        return [line.label, line.currency] if compact else [line.code, line.label, line.currency]
    if grouping == ForecastGrouping.OWNER:
        return [line.label, line.currency]
    return [line.currency]


def _habit(line: ForecastLine) -> list[Any]:
    habit = line.habit
    if habit is None:
        return [None, None, None]
    return [habit.days_late, habit.shift_days, habit.share_never_paid]


def _sheet(report: CashForecast, caption: str, periods: list[Period], *, months: bool, compact: bool) -> Sheet:
    """One table of the periods. ``compact`` (the PDF, where 13 weeks fill a landscape page) names
    the weeks by day and month and leaves out the code, the expected and open totals and the
    customer's habit, which the Excel file holds."""
    grouping = report.grouping
    lead = _lead_headers(grouping, compact=compact)
    later = _("After %(day)s") % {"day": periods[-1].ends_on.isoformat()}
    week_format = "%m-%d" if compact else "%Y-%m-%d"
    labels = [period.starts_on.strftime("%Y-%m" if months else week_format) for period in periods]
    with_habit = grouping == ForecastGrouping.CUSTOMER and not compact
    tail = [_("Never paid"), _("Not dated")] if compact else [_("Expected"), _("Never paid"), _("Not dated"), _("Open")]
    habit_headers = [_("Days late"), _("Shift, days"), _("Share never paid")] if with_habit else []
    headers = [*lead, *labels, later, *tail, *habit_headers]

    def amounts(line: ForecastLine) -> list[Any]:
        spread = [*line.months, line.later_months] if months else [*line.weeks, line.later_weeks]
        if compact:
            return [*spread, line.never_paid, line.not_dated]
        return [*spread, line.expected, line.never_paid, line.not_dated, line.open]

    # grouped by total the lines are the totals: shown once, as total rows
    lines = [] if grouping == ForecastGrouping.TOTAL else label_lines(report.lines, grouping)
    rows = [
        [*_lead(line, grouping, compact=compact), *amounts(line), *(_habit(line) if with_habit else [])]
        for line in lines
    ]
    # one total row per currency: "Total" in the first column, the currency in its own
    padding = [""] * (len(lead) - 2)
    totals = [
        [
            *([_("Total"), *padding] if len(lead) > 1 else []),
            total.currency,
            *amounts(total),
            *([None] * len(habit_headers)),
        ]
        for total in report.totals
    ]
    numeric = frozenset(range(len(lead), len(headers)))
    return Sheet(caption, headers, rows, numeric, totals)


def _past_sheet(past: PastWeeks) -> Sheet:
    headers = [_("Week from"), _("Week to"), _("Currency"), _("Forecast"), _("Received"), _("Difference")]
    rows = [
        [week.period.starts_on, week.period.ends_on, accuracy.currency, week.forecast, week.actual, week.difference]
        for accuracy in past.currencies
        for week in accuracy.weeks
    ]
    totals = [
        [_("Total"), "", accuracy.currency, accuracy.forecast, accuracy.actual, accuracy.actual - accuracy.forecast]
        for accuracy in past.currencies
    ]
    return Sheet(_("Past weeks"), headers, rows, frozenset({3, 4, 5}), totals)


def forecast_document(
    report: CashForecast, *, request: HttpRequest | None = None, compact: bool = False
) -> ReportDocument:
    """The forecast as a file; ``compact`` for a PDF (see ``_sheet``)."""
    grouping = dict(ForecastGrouping.choices)[report.grouping]
    lines = [
        _("Grouped by %(grouping)s") % {"grouping": grouping},
        _(
            "Each open installment is expected on its due date plus its customer's average days late over the "
            "last %(days)s days, less the share the customer never paid; what waits on a milestone is not dated."
        )
        % {"days": report.lookback_days},
        *(
            [
                _("Past weeks: the forecast made on %(day)s beside the receipts of each week not reversed by its end.")
                % {"day": report.past.made_on.isoformat()}
            ]
            if report.past
            else []
        ),
        *printed_by(request),
    ]
    sheets = [
        _sheet(report, _("13 weeks"), report.weeks, months=False, compact=compact),
        _sheet(report, _("12 months"), report.months, months=True, compact=compact),
    ]
    if report.past is not None:
        sheets.append(_past_sheet(report.past))
    return ReportDocument(
        title=_("Cash forecast as of %(day)s") % {"day": report.as_of.isoformat()},
        name=f"forecast-{report.as_of.isoformat()}",
        lines=lines,
        sheets=sheets,
    )
