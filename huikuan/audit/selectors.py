from django.db.models import QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import restrict
from huikuan.audit.models import AuditEvent


def can_read_audit_trail(user: User) -> bool:
    """Auditors, finance managers and administrators read the trail; nobody else does."""
    return bool(user.is_authenticated and user.is_active and user.has_perm_code(Perm.AUDIT_READ))


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """The events of the user's companies, for those who may read the trail at all. Events that
    belong to no company (a group without one, say) are the superusers' alone."""
    if not can_read_audit_trail(user):
        return AuditEvent.objects.none()
    return restrict(AuditEvent.objects.select_related("actor", "company"), user, owner=None)
