"""What the reports keep of their own: the collection targets (回款目标) the finance manager sets per
owner, currency and month, which plan vs actual compares the money collected with."""

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
