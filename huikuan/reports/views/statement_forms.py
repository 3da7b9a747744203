"""The statement page's form: customer, period and currency."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.core.dates import month_start, today
from huikuan.reports.views.fields import CurrencyField
from huikuan.web.forms import DateInput, WorkbenchForm


def default_period(on: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last whole month before ``on`` (today): what a statement sent at the start of a month
    covers."""
    this_month = month_start(on or today())
    last_day = this_month - dt.timedelta(days=1)
    return month_start(last_day), last_day


class StatementForm(WorkbenchForm):
    customer = forms.IntegerField(widget=forms.HiddenInput())
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    currency = CurrencyField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = default_period()
        data["start"] = data.get("start") or start
        data["end"] = data.get("end") or end
        return data
