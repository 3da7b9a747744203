"""Each report as a ``web.documents.ReportDocument``: the same figures the page shows, every line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from huikuan.core.capitals import amount_in_words
from huikuan.reports.aging import AgingLine, AgingReport, Grouping, label_lines
from huikuan.reports.arrears import ArrearsLine
from huikuan.reports.buckets import bucket_labels
from huikuan.reports.kpis import Kpis, TrendMonth
from huikuan.reports.statement import Statement
from huikuan.web.documents import FORMATS, ReportDocument, Sheet, TooLong, printed_by, respond, text

__all__ = [
    "FORMATS",
    "TooLong",
    "aging_document",
    "arrears_document",
    "kpi_cards",
    "kpi_document",
    "respond",
    "statement_document",
]


def aging_document(report: AgingReport, *, request: HttpRequest | None = None) -> ReportDocument:
    grouping = dict(Grouping.choices)[report.grouping]
    labels = bucket_labels(report.buckets)
    has_cash = report.grouping != Grouping.CONTRACT
    cash_headers = [_("Total"), _("Unapplied cash"), _("Net")] if has_cash else [_("Total")]
    if report.grouping == Grouping.CURRENCY:
        lead = [_("Currency")]
    elif report.grouping == Grouping.OWNER:
        lead = [_("Owner"), _("Currency")]
    else:
        lead = [_("Code") if report.grouping == Grouping.CUSTOMER else _("Contract"), str(grouping), _("Currency")]
        if report.grouping == Grouping.CONTRACT:
            lead[1] = _("Customer")
    headers = [*lead, *labels, *cash_headers]

    def money(line: AgingLine) -> list[Any]:
        return [line.total, line.unapplied, line.net] if has_cash else [line.total]

    rows = []
    for line in label_lines(report.lines, report.grouping):
        if report.grouping == Grouping.CURRENCY:
            start = [line.currency]
        elif report.grouping == Grouping.OWNER:
            start = [line.label, line.currency]
        else:
            start = [line.code, line.label, line.currency]
        rows.append([*start, *line.amounts, *money(line)])
    # one total row per currency: "Total" in the first column, the currency in its own
    padding = [""] * (len(lead) - 2)
    totals = [
        [*([_("Total"), *padding] if len(lead) > 1 else []), total.currency, *total.amounts, *money(total)]
        for total in report.totals
    ]
    numeric = frozenset(range(len(lead), len(headers)))
    title = _("Aging as of %(day)s") % {"day": report.as_of.isoformat()}
    return ReportDocument(
        title=title,
        name=f"aging-{report.as_of.isoformat()}",
        lines=[_("Grouped by %(grouping)s") % {"grouping": grouping}, *printed_by(request)],
        sheets=[Sheet(str(_("Aging")), headers, rows, numeric, totals)],
    )


def statement_document(statement: Statement, *, request: HttpRequest | None = None) -> ReportDocument:
    """A statement ready to send: the ledger, the closing balance also in Chinese capitals (大写
    金额, as on Chinese financial documents), and a block for the customer to confirm it."""
    customer = statement.customer
    headers = [_("Date"), _("Reference"), _("Description"), _("Charges"), _("Credits"), _("Balance")]
    rows: list[list[Any]] = [[statement.start, "", _("Opening balance"), None, None, statement.opening]]
    for line in statement.lines:
        rows.append([line.on, line.reference, line.description, line.charge or None, line.credit or None, line.balance])
    totals = [[statement.end, "", _("Closing balance"), statement.charges, statement.credits, statement.closing]]
    closing_words = amount_in_words(statement.closing) if statement.currency == "CNY" else ""
    lines = [
        _("From: %(company)s") % {"company": customer.company.name},
        _("Customer: %(name)s (%(code)s)") % {"name": customer.name, "code": customer.code},
        _("Period: %(start)s to %(end)s, in %(currency)s")
        % {"start": statement.start.isoformat(), "end": statement.end.isoformat(), "currency": statement.currency},
        *printed_by(request),
    ]
    closing = {"amount": text(statement.closing), "currency": statement.currency, "words": closing_words}
    footer = [
        (
            _("Closing balance: %(amount)s %(currency)s (in words: %(words)s)") % closing
            if closing_words
            else _("Closing balance: %(amount)s %(currency)s") % closing
        ),
        _("Booked but not yet due on the last day: %(due)s. Balance including it: %(balance)s.")
        % {"due": text(statement.not_yet_due), "balance": text(statement.balance)},
        _("Please check this statement and confirm it, or tell us of any difference, within 15 days."),
        _("Confirmed by the customer (signature and company seal): ________________    Date: ____________"),
    ]
    return ReportDocument(
        title=_("Customer statement"),
        name=f"statement-{customer.code or customer.pk}-{statement.start.isoformat()}-{statement.end.isoformat()}",
        lines=lines,
        sheets=[Sheet(str(_("Statement")), headers, rows, frozenset({3, 4, 5}), totals)],
        footer=footer,
        landscape=False,
    )


def arrears_document(
    lines: Sequence[ArrearsLine], totals: Sequence[AgingLine], *, as_of: dt.date, request: HttpRequest | None = None
) -> ReportDocument:
    headers = [
        _("Rank"),
        _("Code"),
        _("Customer"),
        _("Owner"),
        _("Currency"),
        _("Open"),
        _("Overdue"),
        _("Overdue share %"),
        _("Oldest overdue, days"),
        _("Unapplied cash"),
        _("Balance"),
        _("Credit limit"),
        _("Over the limit"),
        _("Last payment"),
    ]
    rows = [
        [
            line.rank,
            line.aging.code,
            line.aging.label,
            line.owner,
            line.aging.currency,
            line.aging.total,
            line.aging.overdue,
            line.overdue_share,
            line.days_overdue,
            line.aging.unapplied,
            line.aging.net,
            line.credit_limit or None,
            line.over_limit or None,
            line.last_payment,
        ]
        for line in lines
    ]
    total_rows = [
        ["", _("Total"), "", "", t.currency, t.total, t.overdue, None, None, t.unapplied, t.net, None, None, None]
        for t in totals
    ]
    return ReportDocument(
        title=_("Customer arrears as of %(day)s") % {"day": as_of.isoformat()},
        name=f"arrears-{as_of.isoformat()}",
        lines=printed_by(request),
        sheets=[Sheet(str(_("Customer arrears")), headers, rows, frozenset(range(5, 13)) | {0}, total_rows)],
    )


def kpi_cards(found: Kpis) -> list[tuple[str, Decimal | None, str, str]]:
    """The KPIs as the page's cards: label, value (None: nothing to divide by), unit and a hint."""
    dso_hint = _("more than two years of sales") if found.dso_capped else _("countback")
    return [
        (_("DSO"), found.dso, _(" days"), dso_hint),
        (_("Best possible DSO"), found.best_dso, _(" days"), ""),
        (_("Average days delinquent"), found.average_days_delinquent, _(" days"), ""),
        (_("CEI"), found.cei, "%", _("collection effectiveness")),
        (_("AR turnover"), found.turnover, "×", _("%(days)s days") % {"days": found.turnover_days or "–"}),
        (_("Overdue share"), found.overdue_share, "%", ""),
        (_("Bad-debt rate"), found.bad_debt_rate, "%", _("written off of sales")),
        (_("Average days to pay"), found.days_to_pay, _(" days"), _("after the due date")),
    ]


def kpi_document(found: Kpis, months: Sequence[TrendMonth], *, request: HttpRequest | None = None) -> ReportDocument:
    rows = [[label, value, unit.strip(), hint] for label, value, unit, hint in kpi_cards(found)]
    figures: list[list[Any]] = [
        [_("Open receivable"), found.ar_start.total, found.ar_end.total],
        [_("Not overdue"), found.ar_start.current, found.ar_end.current],
        [_("Overdue"), found.ar_start.overdue, found.ar_end.overdue],
        [_("Sales (booked)"), None, found.sales],
        [_("Collected"), None, found.collected],
        [_("Written off"), None, found.written_off],
    ]
    trend_rows = [
        [
            month.month.strftime("%Y-%m"),
            month.kpis.ar_end.total,
            month.kpis.overdue_share,
            month.kpis.dso,
            month.kpis.cei,
            month.kpis.sales,
            month.kpis.collected,
            month.kpis.days_to_pay,
        ]
        for month in months
    ]
    return ReportDocument(
        title=_("KPIs %(start)s – %(end)s") % {"start": found.start.isoformat(), "end": found.end.isoformat()},
        name=f"kpis-{found.start.isoformat()}-{found.end.isoformat()}",
        lines=[_("Currency: %(currency)s") % {"currency": found.currency}, *printed_by(request)],
        sheets=[
            Sheet(str(_("KPIs")), [_("KPI"), _("Value"), _("Unit"), _("Note")], rows, frozenset({1})),
            Sheet(str(_("Receivable")), ["", _("Start"), _("End")], figures, frozenset({1, 2})),
            Sheet(
                str(_("Twelve months")),
                [
                    _("Month"),
                    _("Open receivable"),
                    _("Overdue share %"),
                    _("DSO"),
                    _("CEI %"),
                    _("Sales (booked)"),
                    _("Collected"),
                    _("Average days to pay"),
                ],
                trend_rows,
                frozenset(range(1, 8)),
            ),
        ],
    )
