"""The reports' filter forms: what each page asks for, checked here and handed to the selectors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.core.errors import DomainError
from huikuan.receivables.figures import DEFAULT_BUCKETS
from huikuan.reports.aging import AgingSort, Grouping
from huikuan.reports.buckets import buckets_text, parse_buckets
from huikuan.reports.views.fields import CurrencyField
from huikuan.web.forms import DateInput, WorkbenchForm


def _user_label(user: User) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


class AgingFilters(WorkbenchForm):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    grouping = forms.ChoiceField(label=_("Group by"), required=False, choices=Grouping.choices)
    buckets = forms.CharField(
        label=_("Buckets (days overdue)"),
        required=False,
        max_length=100,
        help_text=_("Upper bounds, for example 30, 60, 90, 180, 365"),
    )
    currency = CurrencyField()
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput())
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=AgingSort.choices)

    def __init__(self, *args: Any, owners: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buckets"].widget.attrs["placeholder"] = buckets_text(DEFAULT_BUCKETS)
        choices = [(user.pk, _user_label(user)) for user in owners]
        if len(choices) > 1:
            cast(forms.ChoiceField, self.fields["owner"]).choices = [("", _("any")), *choices]
        else:  # a rep sees only their own customers: nothing to choose
            del self.fields["owner"]

    def clean_buckets(self) -> tuple[int, ...]:
        try:
            return parse_buckets(self.cleaned_data.get("buckets"))
        except DomainError as error:
            raise forms.ValidationError(str(error.message)) from error
