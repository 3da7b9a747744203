from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class NumberSequence(models.Model):
    """The last number handed out for one kind of document, per company and period.

    Numbers come from a locked row, so two users never get the same contract number."""

    company = models.ForeignKey("accounts.Company", on_delete=models.CASCADE)
    kind = models.CharField(max_length=32)
    period = models.CharField(max_length=16, blank=True, default="")
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "kind", "period"], name="numbersequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} {self.last_value}"


class IdempotencyRecord(models.Model):
    """The stored answer to a POST made with an Idempotency-Key, replayed on a retry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique"),
        ]

    def __str__(self) -> str:
        return self.key
