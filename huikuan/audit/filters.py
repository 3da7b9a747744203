import django_filters
from django.utils.translation import gettext_lazy as _

from huikuan.audit.models import AuditEvent
from huikuan.core.filters import IdFilter


class AuditEventFilter(django_filters.FilterSet):
    """Filters of the audit trail (API list and its CSV export). Dates are business dates in
    TIME_ZONE, both ends included."""

    action = django_filters.CharFilter(label=_("action"))
    actor = IdFilter(field_name="actor_id", label=_("actor"))
    company = IdFilter(field_name="company_id", label=_("company"))
    target_type = django_filters.CharFilter(label=_("target type"))
    target_id = django_filters.CharFilter(label=_("target id"))
    date_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("from"))
    date_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = AuditEvent
        fields: list[str] = []
