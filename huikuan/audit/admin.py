from django.contrib import admin

from huikuan.audit.models import AuditEvent
from huikuan.core.admin_mixins import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "target_label", "reason")
    list_filter = ("action", "company")
    search_fields = ("target_label", "reason", "actor__username")
    date_hierarchy = "created_at"
