"""Sign-in lockouts in the audit trail: django-axes signals when a user name or an address crosses
the failure limit (``accounts.lockout`` answers the refused request)."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction


@receiver(user_locked_out, dispatch_uid="huikuan.audit.signins.lockout")
def record_lockout(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """One audit row when a user or an address crosses the limit. Axes sends the signal again for
    every refused attempt during the lockout; those are counted by axes, not written to the trail."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures != get_failure_limit(request, getattr(request, "axes_credentials", None)):
        return
    target: Any = User.objects.filter(username=username).first() if username else None
    if target is None:
        target = AccessAttempt.objects.filter(username=username, ip_address=ip_address).order_by("-pk").first()
    if target is None:
        return
    audit.record(
        action=AuditAction.AUTH_LOCKED_OUT,
        target=target,
        actor=None,
        reason=_("Too many failed sign-ins"),
        data={"username": username or "", "ip_address": ip_address or "", "failures": failures, "path": request.path},
    )
