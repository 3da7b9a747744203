"""The forms of plan vs actual (收款进度) and of the collection targets (回款目标): what the pages
ask for, read here and handed to the selector and the service, which check the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.core.dates import today
from huikuan.reports.plan import PlanGrouping, PlanPeriod
from huikuan.reports.views.fields import CurrencyField
from huikuan.web.forms import AmountField, WorkbenchForm

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class MonthInput(forms.DateInput):
    """A month picker (``<input type="month">``, values like 2025-01)."""

    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m")


def month_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=MONTH_FORMATS,
        widget=MonthInput(),
        error_messages={"invalid": _("Enter a month as YYYY-MM.")},
    )


def user_label(user: User) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def default_range(day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The report's range when none is asked for: the twelve months of the current year."""
    year = (day or today()).year
    return dt.date(year, 1, 1), dt.date(year, 12, 1)


class PlanFilters(WorkbenchForm):
    first_month = month_field(_("From month"))
    last_month = month_field(_("To month"))
    period = forms.ChoiceField(label=_("Period"), required=False, choices=PlanPeriod.choices)
    grouping = forms.ChoiceField(label=_("Group by"), required=False, choices=PlanGrouping.choices)
    currency = CurrencyField()
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

    def __init__(self, *args: Any, owners: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, last = default_range()
        self.fields["first_month"].widget.attrs["placeholder"] = f"{first:%Y-%m}"
        self.fields["last_month"].widget.attrs["placeholder"] = f"{last:%Y-%m}"
        choices = [(user.pk, user_label(user)) for user in owners]
        if len(choices) > 1:
            cast(forms.ChoiceField, self.fields["owner"]).choices = [("", _("any")), *choices]
        else:  # a rep sees only their own customers: nothing to choose
            del self.fields["owner"]

    def selector_arguments(self) -> dict[str, Any]:
        """The cleaned filters as ``plan.plan_vs_actual``'s arguments, with the defaults: the
        current year, by month, grouped by owner."""
        data = self.cleaned_data
        first, last = data.get("first_month"), data.get("last_month")
        # a range open at one end runs to the end (or from the start) of that end's year
        if first is None and last is None:
            first, last = default_range()
        elif first is None:
            first = default_range(last)[0]
        elif last is None:
            last = default_range(first)[1]
        return {
            "first_month": first,
            "last_month": last,
            "period": data.get("period") or PlanPeriod.MONTH,
            "grouping": data.get("grouping") or PlanGrouping.OWNER,
            "currency": data.get("currency"),
            "owner_id": data.get("owner"),
            "customer_id": data.get("customer"),
        }


class TargetChoice(WorkbenchForm):
    """Which targets the grid shows: a year and a currency."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2099)
    currency = CurrencyField()


def cell_name(owner_id: int, month: int) -> str:
    return f"t_{owner_id}_{month}"


class TargetGrid(WorkbenchForm):
    """One amount field per owner and month of a year (``t_<owner id>_<month>``), filled with the
    targets set. A blank cell is no target; blanking a target that was set sets it to 0 (targets
    are never deleted)."""

    def __init__(
        self,
        *args: Any,
        owners: Iterable[User],
        current: Mapping[tuple[int, int], Decimal],
        editable: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owners = list(owners)
        self.current = dict(current)
        for owner in self.owners:
            for month in range(1, 13):
                name = cell_name(owner.pk, month)
                amount = AmountField(label=f"{user_label(owner)} {month}", required=False, disabled=not editable)
                amount.widget.attrs.update({"class": "form-control form-control-sm text-end", "size": "10"})
                self.fields[name] = amount
                value = self.current.get((owner.pk, month))
                if value is not None:
                    self.initial[name] = value

    def rows(self) -> list[tuple[User, list[forms.BoundField]]]:
        return [(owner, [self[cell_name(owner.pk, month)] for month in range(1, 13)]) for owner in self.owners]

    def changes(self) -> list[tuple[str, User, int, Decimal]]:
        """(field name, owner, month, amount) of every cell whose amount differs from the target
        set (a blank cell of a target set: 0)."""
        changed = []
        for owner in self.owners:
            for month in range(1, 13):
                name = cell_name(owner.pk, month)
                if name in self.errors:  # not read: left as it was
                    continue
                typed = self.cleaned_data.get(name)
                before = self.current.get((owner.pk, month))
                if typed is None:
                    if before is None or before == 0:
                        continue
                    typed = Decimal(0)
                if before is None or typed != before:
                    changed.append((name, owner, month, typed))
        return changed
