from django.contrib import admin

from huikuan.core.admin_mixins import ReadOnlyAdmin
from huikuan.periods.models import ClosedPeriod


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(ReadOnlyAdmin):
    """Months are closed and reopened through the services (API), which check order and
    permission and write the audit trail; the admin only shows them."""

    list_display = ("company", "month", "closed_by", "closed_at", "reopened_by", "reopened_at")
    list_filter = ("company",)
