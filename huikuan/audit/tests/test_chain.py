"""The audit trail is append-only and tamper-evident: every event is chained to the one before it
by a hash, the database refuses to change or delete one, and ``huikuan audit verify`` points at
the first link a tampering hand broke."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from huikuan.audit import chain
from huikuan.audit.models import AuditEvent, AuditTrailImmutable, ChainHead
from huikuan.audit.services import chain_verify, record

pytestmark = pytest.mark.django_db


def verify() -> str:
    """Run ``huikuan audit verify``; its output, or the CommandError's message."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as error:
        assert error.returncode == 1
        return f"ERROR {error}"
    return out.getvalue().strip()


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def disable_append_only_triggers() -> None:
    """What someone with the table owner's rights would do first; undone by the test's rollback."""
    if connection.vendor == "postgresql":
        sql("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while foreign-key checks are pending
        sql("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
    else:
        sql("DROP TRIGGER audit_event_no_update")
        sql("DROP TRIGGER audit_event_no_delete")


@pytest.fixture
def three_events(company, manager):
    return [
        record(action="customer.created", target=company, actor=manager, data={"n": 1}),
        record(action="customer.updated", target=company, actor=manager, reason="改名", data={"name": "新名"}),
        record(action="contract.created", target=company, actor=None),
    ]


def test_events_are_chained_in_sequence(three_events):
    # given
    first, second, third = three_events
    # then
    assert [e.sequence for e in three_events] == [1, 2, 3]
    assert first.prev_hash == chain.GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    stored = AuditEvent.objects.get(pk=second.pk)
    assert chain.hash_of_row(stored) == second.hash
    assert (ChainHead.objects.get().sequence, ChainHead.objects.get().hash) == (3, third.hash)
    assert verify() == "Audit trail intact: 3 events."


def test_the_orm_refuses_to_change_or_delete_an_event(three_events):
    event = AuditEvent.objects.get(pk=three_events[0].pk)
    event.reason = "changed"
    for attempt in (
        event.save,
        event.delete,
        lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="x"),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.bulk_create([AuditEvent(action="x", sequence=99)]),
    ):
        with pytest.raises(AuditTrailImmutable):
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""
    assert AuditEvent.objects.count() == 3


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_auditevent SET reason = 'x'", "DELETE FROM audit_auditevent"], ids=["update", "delete"]
)
def test_the_database_refuses_raw_updates_and_deletes(three_events, statement):
    # when
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)
    # then
    assert sorted(AuditEvent.objects.values_list("reason", flat=True)) == ["", "", "改名"]


def test_verify_points_at_a_row_changed_behind_the_triggers(three_events):
    # given: someone with the owner's rights disables the trigger and edits the second event
    disable_append_only_triggers()
    second = three_events[1]
    sql("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["无", second.pk])
    # when
    report = chain_verify()
    # then
    assert (report.intact, report.broken_event_id, report.broken_sequence, report.count) == (False, second.pk, 2, 1)
    assert verify() == (
        f"ERROR Audit trail broken at event id {second.pk}, sequence 2: its hash does not match its content "
        "(the row was changed). 1 events before it are intact."
    )


def test_verify_points_at_a_rehashed_row_and_a_deleted_one(three_events):
    # given: the edited second event got a fresh hash of its own, so its successor no longer links
    disable_append_only_triggers()
    first, second, third = three_events
    stored = AuditEvent.objects.get(pk=second.pk)
    stored.reason = "无"
    rehashed = chain.hash_of_row(stored)
    sql("UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s", ["无", rehashed, second.pk])
    # then
    assert chain_verify().broken_event_id == third.pk
    assert "its previous hash is not the hash of the event before it" in verify()
    # when: the second event is deleted instead
    sql("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    # then
    report = chain_verify()
    assert report.broken_event_id == third.pk
    assert report.problem == "sequence 3 where 2 was expected (an event is missing)"


def test_verify_notices_a_deleted_last_event(three_events):
    disable_append_only_triggers()
    sql("DELETE FROM audit_auditevent WHERE id = %s", [three_events[2].pk])
    assert verify() == (
        "ERROR Audit trail broken at chain head (sequence 3): the chain head points past the last stored event. "
        "2 events before it are intact."
    )


def test_a_lost_chain_head_is_rebuilt_from_the_last_event(three_events, company):
    # given: the head row is gone (a flushed database keeps no events either; this one kept them)
    ChainHead.objects.all().delete()
    # when
    fourth = record(action="customer.created", target=company, actor=None)
    # then
    assert (fourth.sequence, fourth.prev_hash) == (4, three_events[2].hash)
    assert verify() == "Audit trail intact: 4 events."


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(postgres_only, company, manager, race):
    # given: eight writers, each appending five events in its own transactions, released together
    writers, per_writer = 8, 5

    def write() -> None:
        for n in range(per_writer):
            with transaction.atomic():
                record(action="customer.updated", target=company, actor=manager, data={"n": n})

    # when
    errors = [result for result in race(*[write] * writers) if result is not None]
    # then: one unbroken line, no two events on the same predecessor
    assert errors == []
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, writers * per_writer + 1))
    assert len({e.prev_hash for e in events}) == len(events)
    assert chain_verify().intact
