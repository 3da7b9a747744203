from rest_framework import serializers

from huikuan.audit.models import AuditEvent


class AuditEventOutputSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(read_only=True)
    actor_name = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "sequence",
            "created_at",
            "company",
            "actor",
            "actor_name",
            "action",
            "action_label",
            "target_type",
            "target_id",
            "target_label",
            "reason",
            "data",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields
