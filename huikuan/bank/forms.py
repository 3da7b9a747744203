"""The forms of the bank pages: they read what was typed; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from huikuan.bank.models import BankAccount, LineStatus
from huikuan.bank.parsing import FORMATS
from huikuan.web.forms import AmountField, StrictIntegerField, WorkbenchForm

FORMAT_LABELS = {
    "csv": _("CSV"),
    "xlsx": _("Excel (XLSX)"),
    "mt940": _("SWIFT MT940"),
    "camt053": _("ISO 20022 CAMT.053"),
}


class ImportForm(WorkbenchForm):
    account = forms.ChoiceField(label=_("Bank account"))
    file = forms.FileField(
        label=_("Statement file"), help_text=_("CSV or Excel export of the bank, MT940 or CAMT.053.")
    )
    format = forms.ChoiceField(label=_("Format"), initial="auto")

    def __init__(self, *args: Any, accounts: list[BankAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["account"]).choices = [(str(a.pk), str(a)) for a in accounts]
        cast(forms.ChoiceField, self.fields["format"]).choices = [
            ("auto", _("Recognise")),
            *((name, FORMAT_LABELS[name]) for name in FORMATS),
        ]

    def clean_file(self) -> Any:
        """An upload over the limit is refused before it is read into memory."""
        upload = self.cleaned_data["file"]
        limit = settings.HUIKUAN_BANK_FILE_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024) or 1}
            )
        return upload


class AccountForm(WorkbenchForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    bank_name = forms.CharField(
        label=_("Bank"), max_length=100, help_text=_("Files of one bank share a column mapping.")
    )
    number = forms.CharField(label=_("Account number"), max_length=60, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY", required=False)
    auto_threshold = StrictIntegerField(
        label=_("Apply on its own from (%)"),
        initial=90,
        help_text=_("A proposal at least this sure becomes a receipt without review; 101: never."),
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class LineFilters(WorkbenchForm):
    account = forms.ChoiceField(label=_("Bank account"), required=False)
    q = forms.CharField(label=_("Payer, memo or reference"), max_length=100, required=False)
    min_confidence = StrictIntegerField(label=_("Sure from (%)"), required=False)

    def __init__(self, *args: Any, accounts: list[BankAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["account"]).choices = [
            ("", _("All")),
            *((str(a.pk), a.name) for a in accounts),
        ]


class StatementLineFilters(WorkbenchForm):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *LineStatus.choices])


class ReasonForm(WorkbenchForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AssignForm(WorkbenchForm):
    """A customer, by code or name, and an amount for each of its open installments."""

    customer = forms.CharField(label=_("Customer code"), max_length=30)


class AllocationRow(forms.Form):
    amount = AmountField(label=_("Amount"), required=False)


class MappingForm(WorkbenchForm):
    """Which column of the bank's spreadsheet export holds what: the header texts as in the file."""

    date = forms.CharField(label=_("Date column"), max_length=60)
    amount = forms.CharField(
        label=_("Signed amount column"),
        max_length=60,
        required=False,
        help_text=_("Or the two columns below, or an amount with a debit/credit column."),
    )
    credit = forms.CharField(label=_("Money in column"), max_length=60, required=False)
    debit = forms.CharField(label=_("Money out column"), max_length=60, required=False)
    direction = forms.CharField(label=_("Debit/credit column"), max_length=60, required=False)
    payer_name = forms.CharField(label=_("Payer name column"), max_length=60, required=False)
    payer_account = forms.CharField(label=_("Payer account column"), max_length=60, required=False)
    payer_bank = forms.CharField(label=_("Payer bank column"), max_length=60, required=False)
    reference = forms.CharField(label=_("Reference column"), max_length=60, required=False)
    memo = forms.CharField(
        label=_("Memo columns"),
        max_length=200,
        required=False,
        help_text=_("Several, separated by commas, are joined."),
    )
    balance = forms.CharField(label=_("Balance column"), max_length=60, required=False)
    currency = forms.CharField(label=_("Currency column"), max_length=60, required=False)
    value_date = forms.CharField(label=_("Value date column"), max_length=60, required=False)
    date_format = forms.CharField(
        label=_("Date format"),
        max_length=30,
        required=False,
        help_text=_("Empty: recognised. Otherwise a strptime pattern such as %(example)s.") % {"example": "%Y-%m-%d"},
    )
    decimal_comma = forms.BooleanField(label=_("Decimal comma (1.234,56)"), required=False)
