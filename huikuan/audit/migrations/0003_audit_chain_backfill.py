"""Chain the events written before the trail was tamper-evident, in the order they were written,
and point the chain head at the last one."""

from django.db import migrations

from huikuan.audit import chain


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    prev_hash, sequence = chain.GENESIS, 0
    for event in AuditEvent.objects.order_by("created_at", "pk").iterator(chunk_size=2000):
        sequence += 1
        event.sequence, event.prev_hash = sequence, prev_hash
        event.hash = chain.hash_of_row(event)
        AuditEvent.objects.filter(pk=event.pk).update(sequence=sequence, prev_hash=prev_hash, hash=event.hash)
        prev_hash = event.hash
    ChainHead.objects.update_or_create(pk=1, defaults={"sequence": sequence, "hash": prev_hash})


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_audit_chain_fields"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
