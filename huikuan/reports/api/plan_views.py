"""Plan vs actual (收款进度) in the API, from the selector the page calls, and the collection
targets (回款目标) it compares with: read within scope, set by finance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import restrict
from huikuan.api.tools import ServiceViewSet
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.reports.api.plan_serializers import (
    PlanQuerySerializer,
    PlanReportSerializer,
    TargetQuerySerializer,
    TargetSerializer,
    TargetsInputSerializer,
)
from huikuan.reports.models import CollectionTarget
from huikuan.reports.plan import label_lines, plan_vs_actual
from huikuan.reports.services import target_set


def _default_range(params: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The range asked for; an end left out runs to the end (or from the start) of the other end's
    year, both left out is the current year (as on the page)."""
    first: dt.date | None = params.get("first_month")
    last: dt.date | None = params.get("last_month")
    if last is not None:
        return (first or dt.date(last.year, 1, 1)), last
    if first is not None:
        return first, dt.date(first.year, 12, 1)
    year = today().year
    return dt.date(year, 1, 1), dt.date(year, 12, 1)


class PlanViewSet(ServiceViewSet):
    """Plan vs actual (收款进度) by month or quarter: planned (booked installments due in the
    period), collected (receipts received in it, not reversed) and their rate, grouped by owner,
    customer, contract or in total, with the owners' collection targets and attainment. At most 36
    months. ``targets/`` reads (GET) and sets (PUT, finance only) the collection targets."""

    # for the schema generator, which looks for a model; the report reads through its selector
    queryset = CollectionTarget.objects.none()
    # the one write, PUT targets/, needs the right to set targets (RolePermission reads it for
    # writes; every GET is a read within scope)
    write_perm = Perm.TARGET_CHANGE

    def get_object(self) -> Any:
        """No single record: the report and the targets are lists. DRF's OPTIONS asks for one to
        describe PUT; a 404 here makes it describe the action without one."""
        raise NotFound()

    @extend_schema(parameters=[PlanQuerySerializer], responses=PlanReportSerializer)
    def list(self, request: Request) -> Response:
        query = PlanQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        first, last = _default_range(params)
        report = plan_vs_actual(
            user=self.user,
            first_month=first,
            last_month=last,
            period=params["period"],
            grouping=params["grouping"],
            currency=params.get("currency"),
            owner_id=params.get("owner"),
            customer_id=params.get("customer"),
            default_currency=settings.HUIKUAN_DEFAULT_CURRENCY,
        )
        size, number = params["page_size"], params["page"]
        count = len(report.lines)
        pages = max(1, -(-count // size))
        if number > pages:
            raise NotFound()
        lines = label_lines(report.lines[(number - 1) * size : number * size], report.grouping)
        body = {
            "first_month": report.first_month,
            "last_month": report.last_month,
            "period": report.period,
            "grouping": report.grouping,
            "has_targets": report.has_targets,
            "periods": report.periods,
            "totals": report.totals,
            "count": count,
            "page": number,
            "pages": pages,
            "results": lines,
        }
        return Response(PlanReportSerializer(body).data)

    @extend_schema(parameters=[TargetQuerySerializer], responses=TargetSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="targets")
    def targets(self, request: Request) -> Response:
        """The collection targets of a year (default: the current one) of the owners the user may
        see, by month and owner."""
        query = TargetQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        year = params.get("year") or today().year
        rows = restrict(
            CollectionTarget.objects.select_related("owner").filter(
                month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1)
            ),
            self.user,
            owner="owner",
        )
        if params.get("currency"):
            rows = rows.filter(currency=params["currency"])
        if params.get("owner"):
            rows = rows.filter(owner_id=params["owner"])
        return Response(TargetSerializer(rows.order_by("month", "owner__username", "currency"), many=True).data)

    @extend_schema(request=TargetsInputSerializer, responses=TargetSerializer(many=True))
    @targets.mapping.put
    def set_targets(self, request: Request) -> Response:
        """Set targets (owner, month, currency, amount), all or none: a refused one is a 400 naming
        it (``targets[2].amount``) and nothing is saved. 0 is a target; targets are never deleted."""
        data = self.parse(TargetsInputSerializer)
        saved = []
        with transaction.atomic():
            for index, item in enumerate(data["targets"]):
                try:
                    saved.append(target_set(actor=self.user, **item))
                except DomainError as error:
                    # named by its place in the body, as the service names the field
                    if error.status_code == 400 and error.field:
                        error.field = f"targets[{index}].{error.field}"
                    raise
        fresh = CollectionTarget.objects.select_related("owner").filter(pk__in=[t.pk for t in saved])
        return Response(TargetSerializer(fresh.order_by("month", "owner__username", "currency"), many=True).data)
