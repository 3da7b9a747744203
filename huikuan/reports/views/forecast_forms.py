"""The cash forecast page's filters: checked here, handed to ``reports.forecast.cash_forecast``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.reports.forecast import DEFAULT_LOOKBACK_DAYS, MAX_LOOKBACK_DAYS, ForecastGrouping
from huikuan.reports.views.fields import CurrencyField
from huikuan.web.forms import DateInput, WorkbenchForm


class ForecastView(TextChoices):
    WEEKS = "weeks", _("13 weeks")
    MONTHS = "months", _("12 months")


class ForecastFilters(WorkbenchForm):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    view = forms.ChoiceField(label=_("Forecast periods"), required=False, choices=ForecastView.choices)
    grouping = forms.ChoiceField(label=_("Group by"), required=False, choices=ForecastGrouping.choices)
    currency = CurrencyField()
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    lookback_days = forms.IntegerField(
        label=_("History, days"),
        required=False,
        min_value=1,
        max_value=MAX_LOOKBACK_DAYS,
        help_text=_("How far back payments are read for each customer's habit (default 365)."),
    )
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

    def __init__(self, *args: Any, owners: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lookback_days"].widget.attrs["placeholder"] = str(DEFAULT_LOOKBACK_DAYS)
        choices = [(user.pk, user.get_full_name() or user.username) for user in owners]
        if len(choices) > 1:
            cast(forms.ChoiceField, self.fields["owner"]).choices = [("", _("any")), *choices]
        else:  # a rep sees only their own customers: nothing to choose
            del self.fields["owner"]
