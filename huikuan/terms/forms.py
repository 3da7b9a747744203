"""The settings page's forms: a payment terms template, its lines (as the API takes them,
terms/api/serializers.py) and the sample a preview is made for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.contracts.forms import BasePlanFormSet
from huikuan.terms.choices import AmountKind, DueRule, MilestoneKind, Period
from huikuan.terms.models import LINE_DISPLAY_FIELDS
from huikuan.web.forms import AmountField, DateInput, StrictDecimalField, StrictIntegerField, WorkbenchForm, style

# the fields of a line a page sends to the services, in the order people read them
LINE_FIELDS = tuple(name for name in LINE_DISPLAY_FIELDS if name != "sequence")


class TermsForm(WorkbenchForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=10_000, widget=forms.Textarea({"rows": 2})
    )
    whole_units = forms.BooleanField(
        label=_("Round to whole yuan"),
        required=False,
        help_text=_("Every installment but the last in whole units; the last takes the rest."),
    )
    is_active = forms.BooleanField(
        label=_("Active"), required=False, initial=True, help_text=_("Inactive templates are not offered.")
    )

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["is_active"]  # a new template is active


class TermsLineForm(forms.Form):
    """One line: how much (a percentage, a fixed amount or the remainder) and when (the rule)."""

    label = forms.CharField(label=_("Label"), max_length=100, required=False)
    amount_kind = forms.ChoiceField(label=_("How much"), choices=AmountKind.choices)
    percent = StrictDecimalField(label=_("Percent"), required=False, places=4)
    fixed_amount = AmountField(label=_("Fixed amount"), required=False)
    due_rule = forms.ChoiceField(label=_("When"), choices=DueRule.choices)
    days = StrictIntegerField(label=_("Days"), required=False)
    months = StrictIntegerField(label=_("Months"), required=False)
    day_of_month = StrictIntegerField(label=_("Day of month"), required=False)
    fixed_date = forms.DateField(label=_("Fixed date"), required=False, widget=DateInput())
    milestone = forms.ChoiceField(label=_("Milestone"), required=False, choices=[("", "—"), *MilestoneKind.choices])
    periods = StrictIntegerField(label=_("Periods"), required=False)
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[("", "—"), *Period.choices])
    is_retention = forms.BooleanField(label=_("Retention"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def has_changed(self) -> bool:
        # the two choices always have a value: a row counts as typed in when anything else is
        return any(name not in ("amount_kind", "due_rule") and name in self.changed_data for name in self.fields)

    def line(self) -> dict[str, Any]:
        """The line as ``terms_create`` / ``terms_update`` / ``terms_preview`` take it: blank numbers
        are left to the line's defaults."""
        data = self.cleaned_data
        line: dict[str, Any] = {name: data.get(name) for name in LINE_FIELDS}
        line["label"] = line["label"] or ""
        line["milestone"] = line["milestone"] or ""
        line["period"] = line["period"] or ""
        line["is_retention"] = bool(line["is_retention"])
        return {name: value for name, value in line.items() if value is not None}


LinesFormSet = forms.formset_factory(
    TermsLineForm, formset=BasePlanFormSet, extra=0, max_num=200, absolute_max=200, validate_max=True
)


def line_initial(line: Any) -> dict[str, Any]:
    """A stored line as the line form shows it (zeros and defaults left blank)."""
    initial = {name: getattr(line, name) for name in LINE_FIELDS}
    for name in ("days", "months"):
        initial[name] = initial[name] or None
    if initial["periods"] == 1:
        initial["periods"] = None
    return initial


class SampleForm(WorkbenchForm):
    """The amount and date a preview is made for; nothing is saved."""

    sample_amount = AmountField(label=_("Sample amount"), initial="100000.00")
    sample_date = forms.DateField(label=_("Signed on"), widget=DateInput())

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sample_date"].initial = today
