"""The report pages. Each module lists its own addresses (``urlpatterns``)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# the reports' own tabs, in the order finance reads them
REPORTS = (
    ("report_aging", _("Aging")),
    ("report_plan", _("Plan vs actual")),
    ("report_arrears", _("Customer arrears")),
    ("report_kpis", _("KPIs")),
    ("report_forecast", _("Cash forecast")),
    ("report_alerts", _("Risk alerts")),
)


def report_pages() -> list[tuple[str, str]]:
    """The report tabs that are installed (a report not built yet has no address)."""
    pages = []
    for name, label in REPORTS:
        try:
            reverse(name)
        except NoReverseMatch:
            continue
        pages.append((name, str(label)))
    return pages
