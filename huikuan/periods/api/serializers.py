"""Period close API shapes: inputs only parse; the services decide."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from huikuan.periods.models import ClosedPeriod


class ClosedPeriodOutputSerializer(serializers.ModelSerializer):
    month = serializers.DateField(format="%Y-%m")
    closed_through = serializers.SerializerMethodField()

    class Meta:
        model = ClosedPeriod
        fields = [
            "id",
            "company",
            "month",
            "closed_by",
            "closed_at",
            "is_reopened",
            "reopened_by",
            "reopened_at",
            "reopen_reason",
            "closed_through",
        ]

    def get_closed_through(self, period: ClosedPeriod) -> str | None:
        """The company's last closed day now (all dates up to it are closed)."""
        from huikuan.periods.selectors import closed_through

        last = closed_through(period.company_id)
        return last.isoformat() if last else None


class PeriodCloseInputSerializer(serializers.Serializer):
    month = serializers.DateField(
        input_formats=["%Y-%m", "iso-8601"], help_text=_("The month to close: YYYY-MM (or any date in it).")
    )


class PeriodReopenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
