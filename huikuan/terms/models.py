from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.core.models import TimeStampedModel
from huikuan.core.money import money_field
from huikuan.terms.choices import AmountKind, DueRule, MilestoneKind, Period


class PaymentTerms(TimeStampedModel):
    """A reusable payment terms template (收款条件模板): ordered lines that turn a contract amount
    into installments."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    whole_units = models.BooleanField(
        _("round to whole yuan"),
        default=False,
        help_text=_("Round every installment but the last to whole units; the last takes the rest."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("payment terms template")
        verbose_name_plural = _("payment terms templates")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="terms_unique_name")]

    def __str__(self) -> str:
        return self.name


# The fields of a line in the order people read them (admin, API).
LINE_DISPLAY_FIELDS = (
    "sequence",
    "label",
    "amount_kind",
    "percent",
    "fixed_amount",
    "due_rule",
    "days",
    "months",
    "day_of_month",
    "fixed_date",
    "milestone",
    "periods",
    "period",
    "is_retention",
)


class PaymentTermsLine(models.Model):
    """One line of a template: how much (percent, fixed or remainder) and when (the due rule)."""

    terms = models.ForeignKey(PaymentTerms, on_delete=models.CASCADE, related_name="lines")
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    label = models.CharField(_("label"), max_length=100, blank=True)
    amount_kind = models.CharField(_("amount kind"), max_length=10, choices=AmountKind.choices)
    percent = models.DecimalField(_("percent"), max_digits=7, decimal_places=4, null=True, blank=True)
    fixed_amount = money_field(_("fixed amount"), null=True, blank=True)
    due_rule = models.CharField(_("due rule"), max_length=20, choices=DueRule.choices)
    days = models.PositiveIntegerField(_("days"), default=0)
    months = models.PositiveSmallIntegerField(_("months"), default=0)
    day_of_month = models.PositiveSmallIntegerField(
        _("day of month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    fixed_date = models.DateField(_("fixed date"), null=True, blank=True)
    milestone = models.CharField(_("milestone"), max_length=20, choices=MilestoneKind.choices, blank=True)
    periods = models.PositiveSmallIntegerField(_("periods"), default=1)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, blank=True)
    is_retention = models.BooleanField(_("retention"), default=False)

    class Meta:
        verbose_name = _("payment terms line")
        verbose_name_plural = _("payment terms lines")
        ordering = ["terms", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["terms", "sequence"], name="termsline_unique_sequence"),
        ]

    def __str__(self) -> str:
        return self.label or f"#{self.sequence}"
