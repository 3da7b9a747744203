"""The risk alerts as a ``web.documents.ReportDocument``: every alert the page lists, named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _

from huikuan.reports.risk import Alert, label_alerts
from huikuan.web.documents import FORMATS, ReportDocument, Sheet, TooLong, printed_by, respond

__all__ = ["FORMATS", "TooLong", "alerts_document", "respond"]


def _measure(alert: Alert, value: Decimal) -> Decimal | int | float:
    """An amount stays a Decimal (the sheet's amount format); days are a plain number, whole when
    they are (the amount format would show 149 days as 149.00)."""
    if not alert.in_days:
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def alerts_document(
    alerts: Sequence[Alert], *, as_of: dt.date, kind_label: str = "", request: HttpRequest | None = None
) -> ReportDocument:
    """One table of the alerts: the value measured and the threshold in their unit (days, or the
    currency of an amount), then the amount the alert is about, which orders them."""
    headers = [
        _("Alert"),
        _("Code"),
        _("Customer"),
        _("Value"),
        _("Threshold"),
        _("Unit"),
        _("Amount"),
        _("Currency"),
        _("Description"),
    ]
    rows = [
        [
            alert.label,
            alert.customer_code,
            alert.customer_name or _("Whole scope"),
            _measure(alert, alert.value),
            _measure(alert, alert.threshold),
            _("days") if alert.in_days else alert.currency,
            alert.amount,
            alert.currency,
            alert.message,
        ]
        for alert in label_alerts(alerts)
    ]
    lines = [_("Alert: %(kind)s") % {"kind": kind_label}] if kind_label else []
    return ReportDocument(
        title=_("Risk alerts as of %(day)s") % {"day": as_of.isoformat()},
        name=f"risk-alerts-{as_of.isoformat()}",
        lines=[*lines, *printed_by(request)],
        sheets=[Sheet(_("Risk alerts"), headers, rows, frozenset({3, 4, 6}))],
    )
