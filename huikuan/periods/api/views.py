from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.accounts.roles import Perm
from huikuan.api.tools import ServiceViewSet, actor_company
from huikuan.periods.api.serializers import (
    ClosedPeriodOutputSerializer,
    PeriodCloseInputSerializer,
    PeriodReopenInputSerializer,
)
from huikuan.periods.models import ClosedPeriod
from huikuan.periods.selectors import periods_visible_to
from huikuan.periods.services import period_close, period_reopen


@extend_schema_view(
    create=extend_schema(request=PeriodCloseInputSerializer, responses={201: ClosedPeriodOutputSerializer}),
)
class ClosedPeriodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Closed months (结账) of the user's companies, newest first, reopened ones included as history.
    POST closes a month of the user's company; nothing can then be posted, reversed or dated in it."""

    serializer_class = ClosedPeriodOutputSerializer
    ordering_fields = ["month", "closed_at"]
    ordering = ["-month", "-pk"]
    write_perm = Perm.PERIOD_CLOSE

    def get_queryset(self) -> QuerySet[ClosedPeriod]:
        return periods_visible_to(self.user)

    def create(self, request: Request) -> Response:
        data = self.parse(PeriodCloseInputSerializer)
        period = period_close(actor=self.user, company=actor_company(self.user), month=data["month"])
        return self.render(period, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=PeriodReopenInputSerializer, responses=ClosedPeriodOutputSerializer)
    @action(detail=True, methods=["post"], write_perm=Perm.PERIOD_REOPEN)
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Reopen the last closed month, with a reason (a separate permission)."""
        period = self.get_object()
        return self.render(period_reopen(actor=self.user, period=period, **self.parse(PeriodReopenInputSerializer)))
