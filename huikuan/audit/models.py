from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huikuan.audit.actions import action_label


class AuditTrailImmutable(Exception):
    """An attempt to change or remove an audit event, or to write one around the chain."""


class AuditEventQuerySet(models.QuerySet):
    """Audit events are appended by ``services.record`` one at a time and never changed: every
    bulk write is refused here, and the database triggers refuse what gets past the ORM."""

    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditTrailImmutable("audit events cannot be updated")

    def delete(self):  # type: ignore[no-untyped-def]
        raise AuditTrailImmutable("audit events cannot be deleted")

    def bulk_update(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditTrailImmutable("audit events cannot be updated")

    def bulk_create(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditTrailImmutable("audit events are appended through huikuan.audit.services.record")


class AuditEvent(models.Model):
    """Who did what to which record, when, and why. Appended by ``services.record``, never edited
    or deleted; ``hash`` chains it to the event before it (``sequence`` − 1), see chain.py."""

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("company")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("actor")
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action_label} {self.target_label}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise AuditTrailImmutable("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditTrailImmutable("audit events cannot be deleted")

    @property
    def action_label(self) -> str:
        return str(action_label(self.action))


class ChainHead(models.Model):
    """The last link of the audit chain, one row. Appending locks it (last of all locks in a
    transaction, see DESIGN.md), so two writers never chain onto the same event."""

    sequence = models.PositiveBigIntegerField(_("sequence"), default=0)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"
