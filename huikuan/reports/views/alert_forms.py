"""The risk alert pages' forms: the list's date and kind, and the thresholds (checked by
``reports.services.thresholds_set``, which the form only reads the numbers for)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from huikuan.core.dates import today
from huikuan.reports.models import RiskThresholds
from huikuan.reports.risk import THRESHOLD_FIELDS, AlertKind
from huikuan.web.forms import AmountField, DateInput, StrictIntegerField, WorkbenchForm


class AlertFilters(WorkbenchForm):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    kind = forms.ChoiceField(label=_("Alert"), required=False, choices=[("", _("any")), *AlertKind.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the alerts are of something that has happened: the date picker offers no day after today
        self.fields["as_of"].widget.attrs["max"] = today().isoformat()


def _labelled(name: str, field: forms.Field) -> forms.Field:
    """``field`` with the model field's label and help, so the page, the admin and the API read
    the same words."""
    model_field = cast(models.Field, RiskThresholds._meta.get_field(name))  # a column, not a relation
    field.label = capfirst(cast(str, model_field.verbose_name))
    field.help_text = cast(str, model_field.help_text)
    return field


class ThresholdsForm(WorkbenchForm):
    """The thresholds as typed: numbers read strictly, empty is "off". The service checks the
    ranges and the amount (sign, places, limit) and its refusal goes on the field."""

    overdue_amount = _labelled("overdue_amount", AmountField(required=False))
    overdue_days = _labelled("overdue_days", StrictIntegerField(required=False))
    over_credit_limit = _labelled("over_credit_limit", forms.BooleanField(required=False))
    dso_days = _labelled("dso_days", StrictIntegerField(required=False))
    worsening_days = _labelled("worsening_days", StrictIntegerField(required=False))

    def __init__(self, *args: Any, thresholds: RiskThresholds, editable: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(thresholds, name) for name in THRESHOLD_FIELDS})
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # read-only for whoever may not set them: shown, never sent (a POST is refused anyway)
            field.disabled = not editable

    def values(self) -> dict[str, Any]:
        """The thresholds to hand to the service."""
        return {name: self.cleaned_data.get(name) for name in THRESHOLD_FIELDS}
