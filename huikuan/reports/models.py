"""What the reports keep of their own: the collection targets (回款目标) the finance manager sets per
owner, currency and month, which plan vs actual compares the money collected with; and the
thresholds of the risk alerts (风险预警) of each company."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.core.money import ZERO, currency_field, money_field


class CollectionTarget(models.Model):
    """What an owner's customers should pay in one calendar month, in one currency.

    Set (and changed) only through ``reports.services.target_set``, which audits every change. A
    target is never deleted: clearing it sets 0, so the history of who set what stays in the audit
    trail and a month with a target of 0 is told apart from one never set."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="collection_targets",
        verbose_name=_("owner"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    currency = currency_field()
    amount = money_field(_("target amount"), default=ZERO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("collection target")
        verbose_name_plural = _("collection targets")
        ordering = ["month", "owner_id", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["company", "owner", "currency", "month"], name="target_unique_month"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="target_amount_gte_0"),
        ]
        indexes = [
            # the report reads a company's targets of a range of months (the unique index leads with
            # the owner, for one owner's months)
            models.Index(fields=["company", "month"], name="target_company_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.month:%Y-%m} {self.currency} {self.amount}"


class RiskThresholds(models.Model):
    """The thresholds of the risk alerts (风险预警) of one company, set by its finance manager.

    One row per company, written only by ``reports.services.thresholds_set`` (audited). Every
    threshold is optional: null switches that alert off. A company without a row has the defaults
    (``reports.risk.thresholds_for``): only the credit-limit alert, which needs no number of its
    own (each customer's limit is the threshold). Amounts are in the company's currency."""

    company = models.OneToOneField(
        "accounts.Company", on_delete=models.PROTECT, related_name="risk_thresholds", verbose_name=_("company")
    )
    overdue_amount = money_field(
        _("overdue amount above"),
        null=True,
        blank=True,
        help_text=_("Alert when a customer's overdue amount is above this (empty: off)."),
    )
    overdue_days = models.PositiveIntegerField(
        _("overdue for more than (days)"),
        null=True,
        blank=True,
        help_text=_("Alert when a customer has something overdue for more than this many days (empty: off)."),
    )
    over_credit_limit = models.BooleanField(
        _("balance over the credit limit"),
        default=True,
        help_text=_("Alert when a customer's balance is above the credit limit set for it."),
    )
    dso_days = models.PositiveIntegerField(
        _("DSO above (days)"),
        null=True,
        blank=True,
        help_text=_("Alert when the DSO (countback) is above this many days (empty: off)."),
    )
    worsening_days = models.PositiveIntegerField(
        _("paying later by more than (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Alert when a customer's average days late over the last 90 days exceeds that of the 90 days "
            "before by more than this (empty: off)."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("risk thresholds")
        verbose_name_plural = _("risk thresholds")
        constraints = [
            # the service refuses these with a message; the database keeps a write past it honest
            models.CheckConstraint(
                condition=models.Q(overdue_amount__isnull=True) | models.Q(overdue_amount__gt=0),
                name="risk_overdue_amount_gt_0",
            ),
            models.CheckConstraint(
                condition=models.Q(overdue_days__isnull=True) | models.Q(overdue_days__gte=1),
                name="risk_overdue_days_gte_1",
            ),
            models.CheckConstraint(
                condition=models.Q(dso_days__isnull=True) | models.Q(dso_days__gte=1), name="risk_dso_days_gte_1"
            ),
            models.CheckConstraint(
                condition=models.Q(worsening_days__isnull=True) | models.Q(worsening_days__gte=1),
                name="risk_worsening_days_gte_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} risk thresholds"
