"""The cash forecast in the API: the same selector and numbers as the page and its files."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.api.tools import AS_OF_PARAMETER, ServiceViewSet
from huikuan.contracts.models import Installment
from huikuan.reports.api.forecast_serializers import ForecastQuerySerializer, ForecastSerializer
from huikuan.reports.forecast import ForecastGrouping, cash_forecast, label_lines


class ForecastViewSet(ServiceViewSet):
    """Cash forecast (现金流预测) as of a date: expected receipts per week for 13 weeks and per month
    for 12, per currency, in total, by customer (largest in the 13 weeks first) or by owner; each
    open installment moved by its customer's average days late and reduced by the share it never
    paid; beside it, for the 13 weeks before, the forecast made when they began and what came in."""

    # for the schema generator, which looks for a model; the report reads through its selector
    queryset = Installment.objects.none()

    @extend_schema(parameters=[AS_OF_PARAMETER, ForecastQuerySerializer], responses=ForecastSerializer)
    def list(self, request: Request) -> Response:
        query = ForecastQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        report = cash_forecast(
            user=self.user,
            as_of=self.as_of,
            currency=params.get("currency"),
            owner_id=params.get("owner"),
            customer_id=params.get("customer"),
            grouping=params["grouping"],
            lookback_days=params["lookback_days"],
            default_currency=settings.HUIKUAN_DEFAULT_CURRENCY,
            with_past_weeks=params["past_weeks"],
        )
        size, number = params["page_size"], params["page"]
        count = len(report.lines)
        pages = max(1, -(-count // size))
        if number > pages:
            raise NotFound()
        lines = label_lines(report.lines[(number - 1) * size : number * size], report.grouping)
        if report.grouping == ForecastGrouping.TOTAL:
            label_lines(report.totals, report.grouping)
        body = {
            "as_of": report.as_of,
            "lookback_days": report.lookback_days,
            "grouping": report.grouping,
            "weeks": report.weeks,
            "months": report.months,
            "scope_habits": [
                {
                    "currency": currency,
                    "days_late": habit.days_late,
                    "shift_days": habit.shift_days,
                    "share_never_paid": habit.share_never_paid,
                }
                for currency, habit in sorted(report.scope_habits.items())
            ],
            "totals": report.totals,
            "past": report.past,
            "count": count,
            "page": number,
            "pages": pages,
            "results": lines,
        }
        return Response(ForecastSerializer(body).data)
