"""The one audit call every service makes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Model

from huikuan.audit.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def record(*, action: str, target: Model, actor: Any, reason: str = "", data: dict | None = None) -> AuditEvent:
    """Write one audit row inside the caller's transaction, so it commits or rolls back with the change."""
    return AuditEvent.objects.create(
        company_id=getattr(target, "company_id", None),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        reason=reason or "",
        data=_jsonable(data or {}),
    )
