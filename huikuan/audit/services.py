"""The one audit call every service makes, and the check of the chain it builds."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from huikuan.audit import chain
from huikuan.audit.actions import AuditAction
from huikuan.audit.models import AuditEvent, ChainHead
from huikuan.core import rows

HEAD_PK = 1


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date | uuid.UUID):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, QuerySet):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _company_id(target: Model) -> int | None:
    if target._meta.label_lower == "accounts.company":
        return target.pk
    return getattr(target, "company_id", None)


def _head_row() -> tuple[int, str] | None:
    """The chain head's sequence and hash, locked until the caller's transaction ends.

    Plain SQL: every audited write runs it, and building it through the ORM cost more than the
    database took to answer (bench/WRITE_PATH.md). The lock is the one ``core.locking.for_update``
    takes; SQLite serializes writers with BEGIN IMMEDIATE instead."""
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    lock = " FOR NO KEY UPDATE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sequence, hash FROM {table} WHERE id = %s{lock}", [HEAD_PK])  # noqa: S608 - our table
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def _locked_head() -> tuple[int, str]:
    """The chain head (sequence, hash), locked until the caller's transaction ends. Created from
    the last event when missing (a fresh or flushed test database); a concurrent creator wins and
    we lock its row."""
    head = _head_row()
    if head is None:
        last = AuditEvent.objects.order_by("-sequence").first()
        try:
            with transaction.atomic():
                ChainHead.objects.create(
                    pk=HEAD_PK, sequence=last.sequence if last else 0, hash=last.hash if last else chain.GENESIS
                )
        except IntegrityError:
            pass
        head = _head_row()
    if head is None:  # pragma: no cover - the row exists once created above or by the winner
        raise RuntimeError("audit chain head missing")
    return head


def _move_head(sequence: int, digest: str) -> tuple[str, list[Any]]:
    """The statement that moves the head to the new event, sent with its insert (core.rows)."""
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    return f"UPDATE {table} SET sequence = %s, hash = %s WHERE id = %s", [sequence, digest, HEAD_PK]  # noqa: S608


def _fields(action: AuditAction, target: Model, actor: Any, reason: str, data: dict | None) -> dict[str, Any]:
    return {
        "company_id": _company_id(target),
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        # an action outside the enum is a programming error: refuse it (ValueError) rather than
        # write a code no label, filter or report knows
        "action": AuditAction(action).value,
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_label": str(target)[:200],
        "reason": reason or "",
        "data": _jsonable(data or {}),
    }


@dataclass(frozen=True)
class Event:
    """One event of ``record_many``: the arguments of ``record``."""

    action: AuditAction
    target: Model
    actor: Any
    reason: str = ""
    data: dict | None = None


_EVENT_FIELDS = ("company_id", "actor_id", "action", "target_type", "target_id", "target_label", "reason", "data")
_EVENT_COLUMNS = ("company", "actor", "action", "target_type", "target_id", "target_label", "reason", "data")


def record_many(events: list[Event]) -> None:
    """Append several events, in order, under one lock of the chain head and in a few statements:
    a batch of receipts recorded from a bank statement. The chain is the same as ``record`` one
    by one would make (each event hashes the one before it); call it last, as ``record``."""
    if not events:
        return
    with transaction.atomic(savepoint=False):
        sequence, digest = _locked_head()
        created_at = timezone.now()
        # plain values, one statement sent per row: model instances cost more than the inserts
        data_field = AuditEvent._meta.get_field("data")
        stamp = AuditEvent._meta.get_field("created_at").get_db_prep_save(created_at, connection)
        values = []
        for event in events:
            fields = _fields(event.action, event.target, event.actor, event.reason, event.data)
            prev_hash, sequence = digest, sequence + 1
            digest = chain.event_hash(sequence=sequence, prev_hash=prev_hash, created_at=created_at, **fields)
            fields["data"] = data_field.get_db_prep_save(fields["data"], connection)
            values.append([*(fields[name] for name in _EVENT_FIELDS), sequence, prev_hash, digest, stamp])
        rows.insert_values(AuditEvent, [*_EVENT_COLUMNS, "sequence", "prev_hash", "hash", "created_at"], values)
        sql, params = _move_head(sequence, digest)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def record(*, action: AuditAction, target: Model, actor: Any, reason: str = "", data: dict | None = None) -> AuditEvent:
    """Append one event to the audit chain inside the caller's transaction, so it commits or rolls
    back with the change.

    It locks the chain head, so call it after the service has taken every other lock it needs
    (DESIGN.md, lock order): the head is the last lock of any transaction."""
    fields = _fields(action, target, actor, reason, data)
    with transaction.atomic(savepoint=False):
        last_sequence, prev_hash = _locked_head()
        created_at = timezone.now()
        sequence = last_sequence + 1
        digest = chain.event_hash(sequence=sequence, prev_hash=prev_hash, created_at=created_at, **fields)
        # core.rows: the ORM's INSERT compiled on every audited write cost more than the database
        # took to write it; AuditEvent.save would only check that the event is new, which it is
        event = rows.insert(
            AuditEvent(sequence=sequence, prev_hash=prev_hash, hash=digest, created_at=created_at, **fields),
            along=_move_head(sequence, digest),
        )
    return event


@dataclass(frozen=True)
class ChainReport:
    """What ``chain_verify`` found: ``count`` events checked, and the first broken link if any."""

    count: int
    broken_event_id: int | None = None
    broken_sequence: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def chain_verify(*, batch_size: int = 2000) -> ChainReport:
    """Walk the chain in sequence order and report the first event whose link does not hold: a
    gap in the sequence, a previous-hash that is not the hash before it, a hash that does not
    match the content, or a head that does not point at a stored event."""
    head = ChainHead.objects.filter(pk=HEAD_PK).first()
    prev_hash, expected, count = chain.GENESIS, 1, 0
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size)
    for event in events:
        problem = ""
        if event.sequence != expected:
            problem = f"sequence {event.sequence} where {expected} was expected (an event is missing)"
        elif event.prev_hash != prev_hash:
            problem = "its previous hash is not the hash of the event before it"
        elif chain.hash_of_row(event) != event.hash:
            problem = "its hash does not match its content (the row was changed)"
        if problem:
            return ChainReport(count, event.pk, event.sequence, problem)
        prev_hash, expected, count = event.hash, expected + 1, count + 1
    if count and head is None:
        return ChainReport(count, None, None, "the chain head is missing")
    if head is not None and (head.sequence > count or (head.sequence == count and head.hash != prev_hash)):
        return ChainReport(count, None, head.sequence, "the chain head points past the last stored event")
    return ChainReport(count)
