from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.admin_mixins import ScopedAdminMixin
from huikuan.accounts.models import User
from huikuan.audit.actions import action_label
from huikuan.audit.exports import csv_response
from huikuan.audit.models import AuditEvent
from huikuan.audit.selectors import audit_events_visible_to, can_read_audit_trail
from huikuan.core.admin_mixins import ReadOnlyAdmin


class ActionListFilter(admin.SimpleListFilter):
    """The actions that occur in the visible trail, by their labels."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        actions = model_admin.get_queryset(request).order_by().values_list("action", flat=True).distinct()
        return sorted(((code, action_label(code)) for code in actions), key=lambda choice: str(choice[1]))

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    """The trail for those who may read it (auditors, finance managers, administrators) who are
    also staff: their role grants it, not a Django model permission."""

    list_display = ("created_at", "actor", "action_display", "target_label", "reason")
    list_filter = (ActionListFilter, "company")
    search_fields = ("target_label", "reason", "actor__username")
    date_hierarchy = "created_at"
    actions = ["export_csv"]
    fields = (
        "sequence",
        "created_at",
        "company",
        "actor",
        "action_display",
        "target_type",
        "target_id",
        "target_label",
        "reason",
        "data",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields

    def visible_queryset(self, user: User) -> QuerySet[AuditEvent]:
        return audit_events_visible_to(user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user: Any = request.user
        return bool(user.is_staff) and can_read_audit_trail(user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, event: AuditEvent) -> str:
        return event.action_label

    @admin.action(description=_("Export the selected events as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> StreamingHttpResponse:
        return csv_response(queryset)
