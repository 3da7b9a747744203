from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClosedPeriod(models.Model):
    """A month a finance manager closed for a company (结账): nothing is posted, reversed or re-dated
    into it. Reopening fills the reopen fields; the row stays as history, and closing the month
    again adds a new row."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    month = models.DateField(_("month"), help_text=_("The first day of the closed month."))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reopen reason"), blank=True)

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["-month", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "month"],
                condition=models.Q(reopened_at__isnull=True),
                name="closedperiod_one_open_close_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.month:%Y-%m}"

    @property
    def is_reopened(self) -> bool:
        return self.reopened_at is not None
