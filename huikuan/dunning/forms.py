"""The forms of the collection pages: they read what was typed; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.models import User
from huikuan.contracts.models import Installment
from huikuan.core import money
from huikuan.core.dates import today
from huikuan.dunning.choices import (
    Channel,
    FeeKind,
    FeeStatus,
    FollowUpKind,
    FollowUpOutcome,
    MessageStatus,
    TaskAssignee,
)
from huikuan.dunning.models import DunningPolicy
from huikuan.web.forms import AmountField, DateInput, StrictDecimalField, StrictIntegerField, WorkbenchForm


def installment_choices(installments: list[Installment]) -> list[tuple[str, str]]:
    return [
        (
            str(installment.pk),
            f"{installment.contract.number} #{installment.sequence} {installment.label} · "
            f"{installment.due_date or ''} · {installment.currency} {money.display(installment.open_amount)}",
        )
        for installment in installments
    ]


class FollowUpForm(WorkbenchForm):
    kind = forms.ChoiceField(label=_("How"), choices=FollowUpKind.choices, initial=FollowUpKind.CALL)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FollowUpOutcome.choices)
    happened_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=today)
    contact_name = forms.CharField(label=_("Spoke with"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)


class PromiseForm(WorkbenchForm):
    amount = AmountField(label=_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"))
    made_on = forms.DateField(label=_("Promised on"), widget=DateInput(), initial=today)
    promised_on = forms.DateField(label=_("To pay by"), widget=DateInput())
    installments = forms.MultipleChoiceField(
        label=_("Installments covered"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the promise covers all the customer's installments."),
    )

    def __init__(self, *args: Any, installments: list[Installment], currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["installments"]).choices = installment_choices(installments)
        currencies = sorted({installment.currency for installment in installments} | {currency})
        cast(forms.ChoiceField, self.fields["currency"]).choices = [(code, code) for code in currencies]
        self.fields["currency"].initial = currency


class DisputeForm(WorkbenchForm):
    installments = forms.MultipleChoiceField(label=_("Installments in dispute"), widget=forms.CheckboxSelectMultiple)
    amount = AmountField(label=_("Amount disputed"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    opened_on = forms.DateField(label=_("Raised on"), widget=DateInput(), initial=today)

    def __init__(self, *args: Any, installments: list[Installment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["installments"]).choices = installment_choices(installments)


class ResolveForm(WorkbenchForm):
    resolution = forms.CharField(label=_("Resolution"), max_length=2000)
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DateInput(), initial=today)


class ReasonForm(WorkbenchForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class SettingsForm(WorkbenchForm):
    policy = forms.ChoiceField(label=_("Dunning policy"), required=False)
    collector = forms.ChoiceField(label=_("Collector"), required=False)
    paused_until = forms.DateField(
        label=_("Paused: dunning resumes on"),
        widget=DateInput(),
        required=False,
        help_text=_("No steps are performed before this date."),
    )
    pause_reason = forms.CharField(label=_("Why paused"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language of messages"), required=False)

    def __init__(self, *args: Any, policies: list[DunningPolicy], collectors: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["policy"]).choices = [("", _("The default policy"))] + [
            (str(p.pk), p.name) for p in policies
        ]
        cast(forms.ChoiceField, self.fields["collector"]).choices = [("", _("Nobody"))] + [
            (str(user.pk), user.get_full_name() or user.username) for user in collectors
        ]
        cast(forms.ChoiceField, self.fields["language"]).choices = [("", _("The default language"))] + list(
            settings.LANGUAGES
        )


class MessageFilters(WorkbenchForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + MessageStatus.choices)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any"))] + Channel.choices)
    q = forms.CharField(label=_("Customer"), required=False, max_length=100)


class FeeFilters(WorkbenchForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("To confirm"))] + FeeStatus.choices[1:]
    )


class PolicyForm(WorkbenchForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    is_default = forms.BooleanField(label=_("Default policy"), required=False)
    working_days_only = forms.BooleanField(
        label=_("Working days only"),
        required=False,
        help_text=_("A step that falls on a weekend or Chinese public holiday waits for the next working day."),
    )


class StepForm(WorkbenchForm):
    """One row of the ladder; a row with neither days nor name is left out."""

    days = StrictIntegerField(label=_("Days from due date"), required=False)
    name = forms.CharField(label=_("Step"), max_length=100, required=False)
    email_customer = forms.BooleanField(label=_("Email"), required=False)
    sms_customer = forms.BooleanField(label=_("Text"), required=False)
    notify_owner = forms.BooleanField(label=_("Notify owner"), required=False)
    task_for = forms.ChoiceField(label=_("Task for"), choices=TaskAssignee.choices, required=False)
    letter = forms.BooleanField(label=_("Letter"), required=False)
    escalate = forms.BooleanField(label=_("Escalate"), required=False)
    credit_hold = forms.BooleanField(label=_("Credit hold"), required=False)
    is_final = forms.BooleanField(label=_("Final"), required=False)
    fee_kind = forms.ChoiceField(label=_("Fee"), choices=FeeKind.choices, required=False)
    fee_value = StrictDecimalField(label=_("Fee amount or rate (percent)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the labels are the table's column headers: each field names itself for screen readers
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = str(field.label)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return data.get("days") is None and not data.get("name")


StepFormSet = forms.formset_factory(StepForm, extra=2, max_num=30, absolute_max=30, validate_max=True)
