"""Risk alerts (风险预警) in the API, from the selector the pages call, and their thresholds: read by
everyone of the company, set by finance."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.accounts.models import Company
from huikuan.accounts.roles import Perm
from huikuan.api.tools import AS_OF_PARAMETER, ServiceViewSet, actor_company
from huikuan.core.dates import require_not_future
from huikuan.reports.api.alert_serializers import (
    AlertQuerySerializer,
    AlertReportSerializer,
    ThresholdsInputSerializer,
    ThresholdsSerializer,
)
from huikuan.reports.models import RiskThresholds
from huikuan.reports.risk import company_currency, counts_by_kind, label_alerts, risk_alerts, thresholds_for
from huikuan.reports.services import thresholds_set


def _thresholds_body(company: Company, thresholds: RiskThresholds) -> dict[str, Any]:
    return {
        "currency": company_currency(company),
        "overdue_amount": thresholds.overdue_amount,
        "overdue_days": thresholds.overdue_days,
        "over_credit_limit": thresholds.over_credit_limit,
        "dso_days": thresholds.dso_days,
        "worsening_days": thresholds.worsening_days,
        "is_set": thresholds.pk is not None,
        "updated_at": thresholds.updated_at,
    }


class AlertViewSet(ServiceViewSet):
    """Risk alerts (风险预警) as of a date within the user's scope: customers over the overdue
    amount or days, over their credit limit or paying later than before, and the scope's DSO above
    its threshold; the company-wide alert first, then the most money first. ``thresholds/`` reads
    (GET) and sets (PUT, finance only) the company's thresholds."""

    # for the schema generator, which looks for a model; the alerts read through their selector
    queryset = RiskThresholds.objects.none()
    # the one write, PUT thresholds/, needs the right to set them (RolePermission reads it for
    # writes; every GET is a read within scope)
    write_perm = Perm.RISK_CHANGE

    def get_object(self) -> Any:
        """No single record: the alerts are a list, the thresholds one per company. DRF's OPTIONS
        asks for one to describe PUT; a 404 here makes it describe the action without one."""
        raise NotFound()

    @extend_schema(parameters=[AS_OF_PARAMETER, AlertQuerySerializer], responses=AlertReportSerializer)
    def list(self, request: Request) -> Response:
        query = AlertQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        require_not_future(self.as_of, field="as_of")
        found = risk_alerts(user=self.user, as_of=self.as_of)
        counts = [{"kind": kind, "label": label, "count": count} for kind, label, count in counts_by_kind(found)]
        if params.get("kind"):
            found = [alert for alert in found if alert.kind == params["kind"]]
        size, number = params["page_size"], params["page"]
        pages = max(1, -(-len(found) // size))
        if number > pages:
            raise NotFound()
        body = {
            "as_of": self.as_of,
            "counts": counts,
            "count": len(found),
            "page": number,
            "pages": pages,
            "results": label_alerts(found[(number - 1) * size : number * size]),
        }
        return Response(AlertReportSerializer(body).data)

    @extend_schema(responses=ThresholdsSerializer)
    @action(detail=False, methods=["get"], url_path="thresholds")
    def thresholds(self, request: Request) -> Response:
        """The thresholds of the user's company (the defaults when none were set: ``is_set`` false)."""
        company = actor_company(self.user)
        return Response(ThresholdsSerializer(_thresholds_body(company, thresholds_for(company))).data)

    @extend_schema(request=ThresholdsInputSerializer, responses=ThresholdsSerializer)
    @thresholds.mapping.put
    def set_thresholds(self, request: Request) -> Response:
        """Set the thresholds of the user's company: those left out keep their value, null switches
        an alert off. A refused value is a 400 naming its field, and nothing is saved."""
        data = self.parse(ThresholdsInputSerializer)
        company = actor_company(self.user)
        saved = thresholds_set(actor=self.user, company=company, **data)
        return Response(ThresholdsSerializer(_thresholds_body(company, saved)).data)
