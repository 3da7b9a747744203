from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huikuan.core.models import TimeStampedModel
from huikuan.core.money import currency_field, money_field


class BankAccount(TimeStampedModel):
    """An account of the company at a bank, into which customers pay. Its number is stored
    encrypted (``core.crypto``) and shown masked; the digest finds it and keeps it unique."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=100)
    bank_name = models.CharField(_("bank"), max_length=100)
    currency = currency_field()
    number_encrypted = models.TextField(_("account number (encrypted)"))
    number_digest = models.CharField(max_length=64, editable=False)
    number_last_digits = models.CharField(_("last digits"), max_length=4)
    # a line whose best proposal is at least this sure (in percent) is applied without review
    auto_threshold = models.PositiveSmallIntegerField(_("auto-apply threshold (%)"), default=90)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number_digest"], name="bank_account_unique_number"),
            models.UniqueConstraint(fields=["company", "name"], name="bank_account_unique_name"),
            models.CheckConstraint(
                condition=models.Q(auto_threshold__gte=50) & models.Q(auto_threshold__lte=101),
                name="bank_account_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_number})"

    @property
    def masked_number(self) -> str:
        return f"**** {self.number_last_digits}"


class ColumnMappingSetting(TimeStampedModel):
    """How one bank's spreadsheet exports are read (``parsing.ColumnMapping`` as a dict), saved
    when a file of that bank is imported, so the next file of that bank is read the same way."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    bank_name = models.CharField(_("bank"), max_length=100)
    mapping = models.JSONField(_("column mapping"))

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["company", "bank_name"], name="column_mapping_unique_bank"),
        ]

    def __str__(self) -> str:
        return self.bank_name


class BalanceCheck(models.TextChoices):
    OK = "ok", _("Balances agree")
    MISMATCH = "mismatch", _("The lines do not add up to the balances or totals in the file")
    GAP = "gap", _("Opening balance differs from the previous closing balance")
    UNKNOWN = "unknown", _("No balances in the file")


class BankStatement(models.Model):
    """One statement read from an imported file (a file may hold several): its balances, and what
    the import made of its lines."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, related_name="statements", verbose_name=_("bank account")
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    format = models.CharField(_("format"), max_length=10)
    currency = currency_field()
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    opening_balance = money_field(_("opening balance"), null=True, blank=True)
    closing_balance = money_field(_("closing balance"), null=True, blank=True)
    balance_check = models.CharField(_("balance check"), max_length=10, choices=BalanceCheck.choices)
    # the closing balance of the account's statement before this one, when it differs (a gap)
    previous_closing = money_field(_("previous closing balance"), null=True, blank=True)
    # what the lines add up to, beside what the file declares (its totals line, TxsSummry)
    credit_total = money_field(_("money in"), default=0)
    debit_total = money_field(_("money out"), default=0)
    declared_credit_total = money_field(_("money in, as the file says"), null=True, blank=True)
    declared_debit_total = money_field(_("money out, as the file says"), null=True, blank=True)
    lines_read = models.PositiveIntegerField(_("lines read"), default=0)
    lines_new = models.PositiveIntegerField(_("new lines"), default=0)
    lines_duplicate = models.PositiveIntegerField(_("duplicates"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-imported_at", "-pk"]
        indexes = [models.Index(fields=["account", "ends_on", "id"], name="bank_statement_account_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.starts_on} – {self.ends_on})"

    @property
    def computed_closing(self):
        """The opening balance plus the lines: what the closing balance should be."""
        if self.opening_balance is None:
            return None
        return self.opening_balance + self.credit_total - self.debit_total


class LineStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("bank line", "Open")
    MATCHED = "matched", _("Matched")
    PARTLY_MATCHED = "partly_matched", _("Partly matched")
    IGNORED = "ignored", _("Ignored")


class MatchedBy(models.TextChoices):
    AUTO = "auto", _("Automatically")
    USER = "user", pgettext_lazy("matched", "By hand")


class BankLine(models.Model):
    """One transaction of a bank statement (银行流水). A credit (money in) is matched to a customer
    and becomes a receipt allocated to installments; a line that is not a customer's payment is
    ignored with a reason. Lines are never deleted: re-importing finds them by ``dedupe_key``."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, db_index=False, verbose_name=_("company"))
    account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, db_index=False, related_name="lines", verbose_name=_("bank account")
    )
    statement = models.ForeignKey(
        BankStatement, on_delete=models.PROTECT, related_name="lines", verbose_name=_("statement")
    )
    row = models.PositiveIntegerField(_("row in the file"))
    booked_on = models.DateField(_("booked on"))
    value_on = models.DateField(_("value date"), null=True, blank=True)
    amount = money_field(_("amount"))  # signed: money in > 0
    currency = currency_field()
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    payer_account = models.CharField(_("payer account"), max_length=64, blank=True)
    payer_bank = models.CharField(_("payer bank"), max_length=200, blank=True)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    balance = money_field(_("balance"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=LineStatus.choices, default=LineStatus.OPEN)
    # the engine's proposals, best first: [{"customer": id, "lines": [[installment id, "amount"]],
    # "confidence": percent, "reasons": [[code, {params}]]}]; rendered in the reader's language
    proposals = models.JSONField(_("proposals"), default=list, blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence (%)"), default=0)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    receipt = models.OneToOneField(
        "receivables.Receipt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_line",
        verbose_name=_("receipt"),
    )
    matched_by = models.CharField(_("matched"), max_length=8, choices=MatchedBy.choices, blank=True)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    # why a line was ignored, or why the engine could not apply it (a closed month, say)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bank line")
        verbose_name_plural = _("bank lines")
        ordering = ["-booked_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "dedupe_key"], name="bank_line_unique_key"),
            models.CheckConstraint(condition=~models.Q(amount=0), name="bank_line_amount_not_0"),
        ]
        indexes = [
            # the review queue and each status's list, newest first
            models.Index(fields=["company", "status", "booked_on", "id"], name="bank_line_status_idx"),
            models.Index(fields=["account", "booked_on", "id"], name="bank_line_account_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.payer_name}"

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


class PayerKind(models.TextChoices):
    ACCOUNT = "account", _("Payer account")
    NAME = "name", _("Payer name")


class KnownPayer(models.Model):
    """What confirmed matches taught: this payer account (or name) paid for this customer. A parent
    company paying for several subsidiaries has a row per subsidiary."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, db_index=False, verbose_name=_("company"))
    kind = models.CharField(_("kind"), max_length=8, choices=PayerKind.choices)
    key = models.CharField(_("account or name"), max_length=200)  # normalised (matching.normalise_*)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    times = models.PositiveIntegerField(_("times confirmed"), default=1)
    last_confirmed_at = models.DateTimeField(_("last confirmed"), auto_now=True)

    class Meta:
        verbose_name = _("known payer")
        verbose_name_plural = _("known payers")
        constraints = [
            models.UniqueConstraint(fields=["company", "kind", "key", "customer"], name="known_payer_unique"),
        ]

    def __str__(self) -> str:
        return self.key
