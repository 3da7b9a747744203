"""The KPI page's period and currency."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.core.dates import in_business_range, month_start, today
from huikuan.reports.views.fields import CurrencyField
from huikuan.web.forms import DateInput, WorkbenchForm

# a period of more than ten years is a typing mistake; it would also make the countback meaningless
MAX_DAYS = 3660


def default_period(on: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last whole month before ``on`` (today)."""
    this_month = month_start(on or today())
    last_day = this_month - dt.timedelta(days=1)
    return month_start(last_day), last_day


class KpiFilters(WorkbenchForm):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    currency = CurrencyField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        start, end = default_period()
        data["start"] = data.get("start") or start
        data["end"] = data.get("end") or end
        for name in ("start", "end"):
            if not in_business_range(data[name]) or data[name] > today():
                self.add_error(name, _("Choose a date up to today."))
        if not self.errors and data["end"] < data["start"]:
            self.add_error("end", _("The period ends before it starts."))
        elif not self.errors and (data["end"] - data["start"]).days > MAX_DAYS:
            self.add_error("end", _("Choose a period of at most ten years."))
        return data
