"""Plan vs actual as a ``web.documents.ReportDocument``: the figures the page shows, every line.

Excel gets the page's layout, a row per line with the columns of every period (wide); a PDF page
cannot hold 36 amounts side by side, so it gets a row per line and period instead (long), with the
whole range as each line's last row. Rates are percentages (81.25 for 81.25%)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from huikuan.reports.plan import Period, PlanCell, PlanGrouping, PlanLine, PlanReport, label_lines
from huikuan.web.documents import FORMATS, ReportDocument, Sheet, TooLong, printed_by, respond

__all__ = ["FORMATS", "TooLong", "plan_document", "respond"]

HUNDRED = Decimal(100)


def percent(rate: Decimal | None) -> Decimal | None:
    """A rate as a percentage with two places (0.8125 -> 81.25), None where there is none."""
    return None if rate is None else (rate * HUNDRED).quantize(Decimal("0.01"))


def _lead(report: PlanReport) -> list[str]:
    """The columns that name a line."""
    if report.grouping == PlanGrouping.TOTAL:
        return [_("Currency")]
    if report.grouping == PlanGrouping.OWNER:
        return [_("Owner"), _("Currency")]
    if report.grouping == PlanGrouping.CONTRACT:
        return [_("Contract"), _("Customer"), _("Currency")]
    return [_("Code"), _("Customer"), _("Currency")]


def _names(report: PlanReport, line: PlanLine) -> list[Any]:
    if report.grouping == PlanGrouping.TOTAL:
        return [line.currency]
    if report.grouping == PlanGrouping.OWNER:
        return [line.label, line.currency]
    return [line.code, line.label, line.currency]


def _figure_headers(report: PlanReport) -> list[str]:
    headers = [_("Planned"), _("Collected"), _("Rate %")]
    if report.has_targets:
        headers += [_("Target"), _("Attainment %")]
    return headers


def _figures(report: PlanReport, cell: PlanCell) -> list[Any]:
    values: list[Any] = [cell.planned, cell.collected, percent(cell.rate)]
    if report.has_targets:
        values += [cell.target, percent(cell.attainment)]
    return values


def _total_names(report: PlanReport, line: PlanLine) -> list[Any]:
    """A totals row's naming cells: "Total" in the first column, the currency in its own."""
    width = len(_lead(report))
    if width == 1:
        return [line.currency]
    return [_("Total"), *[""] * (width - 2), line.currency]


def _range_text(report: PlanReport) -> str:
    return f"{report.first_month:%Y-%m} – {report.last_month:%Y-%m}"


def plan_document(report: PlanReport, *, request: HttpRequest | None = None, wide: bool = True) -> ReportDocument:
    """Every line of ``report`` (named here) and the totals per currency: wide (a column group per
    period, then the whole range) or long (a row per period, then the whole range)."""
    grouping = str(dict(PlanGrouping.choices)[report.grouping])
    lead = _lead(report)
    figures = _figure_headers(report)
    whole_label = _("Whole range")
    lines = label_lines(report.lines, report.grouping)
    if wide:
        columns = [period.label for period in report.periods] + [whole_label]
        headers = [*lead, *(f"{label} {name}" for label in columns for name in figures)]

        def row(names: list[Any], line: PlanLine) -> list[Any]:
            return [*names, *(v for cell in [*line.cells, line.whole] for v in _figures(report, cell))]

        rows = [row(_names(report, line), line) for line in lines]
        totals = [row(_total_names(report, total), total) for total in report.totals]
    else:
        headers = [*lead, _("Period"), *figures]

        def long_rows(names: list[Any], line: PlanLine) -> list[list[Any]]:
            periods: list[tuple[Period | None, PlanCell]] = [*zip(report.periods, line.cells, strict=True)]
            periods.append((None, line.whole))
            return [
                [*names, period.label if period else whole_label, *_figures(report, cell)] for period, cell in periods
            ]

        rows = [row for line in lines for row in long_rows(_names(report, line), line)]
        totals = [row for total in report.totals for row in long_rows(_total_names(report, total), total)]
    # the figures: everything after the naming columns (and the period's, in the long layout)
    numeric = frozenset(range(len(lead) + (0 if wide else 1), len(headers)))
    title = _("Plan vs actual %(range)s") % {"range": _range_text(report)}
    period_name = _("by quarter") if report.period == "quarter" else _("by month")
    return ReportDocument(
        title=title,
        name=f"plan-{report.first_month:%Y-%m}-{report.last_month:%Y-%m}",
        lines=[
            _("Grouped by %(grouping)s, %(period)s") % {"grouping": grouping, "period": period_name},
            *printed_by(request),
        ],
        sheets=[Sheet(str(_("Plan vs actual")), headers, rows, numeric, totals)],
    )
