from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from huikuan.api.tools import request_user
from huikuan.audit.api.serializers import AuditEventOutputSerializer
from huikuan.audit.exports import csv_response
from huikuan.audit.filters import AuditEventFilter
from huikuan.audit.models import AuditEvent
from huikuan.audit.selectors import audit_events_visible_to, can_read_audit_trail


class CanReadAuditTrail(BasePermission):
    """Auditors, finance managers and administrators; everyone else gets 403."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return can_read_audit_trail(request_user(request))


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The audit trail of the user's companies, newest first; read-only, like the trail itself."""

    serializer_class = AuditEventOutputSerializer
    permission_classes = [CanReadAuditTrail]
    filterset_class = AuditEventFilter
    search_fields = ["target_label", "reason", "actor__username"]
    ordering_fields = ["sequence", "created_at"]
    ordering = ["-sequence"]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return audit_events_visible_to(request_user(self.request))

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request) -> StreamingHttpResponse:
        """The filtered events (same filters as the list, all pages) as CSV, oldest first."""
        return csv_response(self.filter_queryset(self.get_queryset()))
