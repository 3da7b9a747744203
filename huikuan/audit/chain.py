"""The hash chain that makes the audit trail tamper-evident.

Each event's hash covers its own content and the hash of the event before it (by ``sequence``),
so changing, inserting or removing a row breaks every link from there on. The functions here are
pure: the same row gives the same hash on SQLite and PostgreSQL, today and in a migration."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """One spelling for a JSON value whatever the database gave back (jsonb reorders keys)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def timestamp(value: dt.datetime) -> str:
    """UTC with microseconds: both databases store exactly this much."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    sequence: int,
    prev_hash: str,
    created_at: dt.datetime,
    company_id: int | None,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    target_label: str,
    reason: str,
    data: Any,
) -> str:
    """SHA-256 over the event's content and the previous event's hash."""
    content = {
        "sequence": sequence,
        "prev_hash": prev_hash,
        "created_at": timestamp(created_at),
        "company": company_id,
        "actor": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label,
        "reason": reason,
        "data": data,
    }
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def hash_of_row(row: Any, *, prev_hash: str | None = None) -> str:
    """The hash a stored event (model instance or migration's historical instance) should carry."""
    return event_hash(
        sequence=row.sequence,
        prev_hash=row.prev_hash if prev_hash is None else prev_hash,
        created_at=row.created_at,
        company_id=row.company_id,
        actor_id=row.actor_id,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        target_label=row.target_label,
        reason=row.reason,
        data=row.data,
    )
