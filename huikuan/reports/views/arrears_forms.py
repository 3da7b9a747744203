"""The arrears page's filters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.reports.arrears import ArrearsSort
from huikuan.reports.views.fields import CurrencyField
from huikuan.web.forms import DateInput, WorkbenchForm


class ArrearsFilters(WorkbenchForm):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    currency = CurrencyField()
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=ArrearsSort.choices)

    def __init__(self, *args: Any, owners: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(user.pk, user.get_full_name() or user.username) for user in owners]
        if len(choices) > 1:
            cast(forms.ChoiceField, self.fields["owner"]).choices = [("", _("any")), *choices]
        else:
            del self.fields["owner"]
