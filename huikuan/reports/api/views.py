"""The reports in the API: the same selectors and numbers as the pages."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.api.tools import AS_OF_PARAMETER, ServiceViewSet
from huikuan.contracts.models import Installment
from huikuan.core.as_of import as_of_from
from huikuan.customers.selectors import customers_visible_to
from huikuan.reports.aging import aging_report, label_lines
from huikuan.reports.api.serializers import (
    AgingQuerySerializer,
    AgingReportSerializer,
    ArrearsQuerySerializer,
    ArrearsSerializer,
    KpiQuerySerializer,
    KpiReportSerializer,
    StatementQuerySerializer,
    StatementSerializer,
)
from huikuan.reports.arrears import arrears_ranking, describe
from huikuan.reports.buckets import bucket_labels, bucket_ranges
from huikuan.reports.kpis import kpis, trend
from huikuan.reports.statement import customer_statement


class AgingViewSet(ServiceViewSet):
    """Aging (账龄分析) as of a date: open amounts in buckets of days overdue, grouped by customer,
    owner, contract or currency, with unapplied cash and the net (the balance) beside them."""

    # for the schema generator, which looks for a model; the report reads through its selector
    queryset = Installment.objects.none()

    @extend_schema(
        parameters=[AS_OF_PARAMETER, AgingQuerySerializer],
        responses=AgingReportSerializer,
    )
    def list(self, request: Request) -> Response:
        query = AgingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        report = aging_report(
            user=self.user,
            as_of=self.as_of,
            buckets=params["buckets"],
            grouping=params["grouping"],
            currency=params.get("currency"),
            owner_id=params.get("owner"),
            customer_id=params.get("customer"),
            sort=params["sort"],
            default_currency=settings.HUIKUAN_DEFAULT_CURRENCY,
        )
        size, number = params["page_size"], params["page"]
        count = len(report.lines)
        pages = max(1, -(-count // size))
        if number > pages:
            raise NotFound()
        lines = label_lines(report.lines[(number - 1) * size : number * size], report.grouping)
        labels = bucket_labels(report.buckets)
        body = {
            "as_of": report.as_of,
            "grouping": report.grouping,
            "not_overdue_label": labels[0],
            "buckets": [
                {"label": label, "days_from": low, "days_to": high}
                for label, (low, high) in zip(labels[1:], bucket_ranges(report.buckets), strict=True)
            ],
            "totals": report.totals,
            "count": count,
            "page": number,
            "pages": pages,
            "results": lines,
        }
        return Response(AgingReportSerializer(body).data)


class StatementViewSet(ServiceViewSet):
    """A customer's statement (对账单) for a period: opening balance, what fell due, receipts and
    adjustments (and their reversals), closing balance; and what was booked but not yet due, so the
    closing balance plus it is the customer's balance."""

    queryset = Installment.objects.none()  # for the schema generator, as above

    @extend_schema(parameters=[StatementQuerySerializer], responses=StatementSerializer)
    def list(self, request: Request) -> Response:
        query = StatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        customer = customers_visible_to(self.user).select_related("company").filter(pk=params["customer"]).first()
        if customer is None:
            raise NotFound()  # another rep's customer answers like one that does not exist
        statement = customer_statement(
            customer=customer,
            currency=params.get("currency") or customer.company.currency,
            start=params["start"],
            end=params["end"],
        )
        return Response(StatementSerializer(statement).data)


class ArrearsViewSet(ServiceViewSet):
    """Customer arrears (客户欠款) as of a date: customers ranked by what they owe overdue (or by
    balance), with the oldest overdue item, credit limit and last payment."""

    queryset = Installment.objects.none()  # for the schema generator, as above

    @extend_schema(parameters=[AS_OF_PARAMETER, ArrearsQuerySerializer], responses=ArrearsSerializer)
    def list(self, request: Request) -> Response:
        query = ArrearsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        lines, totals = arrears_ranking(
            user=self.user,
            as_of=self.as_of,
            currency=params.get("currency"),
            owner_id=params.get("owner"),
            sort=params["sort"],
            default_currency=settings.HUIKUAN_DEFAULT_CURRENCY,
        )
        size, number = params["page_size"], params["page"]
        pages = max(1, -(-len(lines) // size))
        if number > pages:
            raise NotFound()
        shown = describe(
            lines[(number - 1) * size : number * size], as_of=self.as_of, first_rank=(number - 1) * size + 1
        )
        body = {
            "as_of": self.as_of,
            "totals": totals,
            "count": len(lines),
            "page": number,
            "pages": pages,
            "results": shown,
        }
        return Response(ArrearsSerializer(body).data)


class KpiViewSet(ServiceViewSet):
    """KPIs over a period in one currency: DSO (countback), best possible DSO, average days
    delinquent, CEI, AR turnover, overdue share, bad-debt rate, average days to pay; with
    ``trend=true`` also each of the twelve months up to the period's end."""

    queryset = Installment.objects.none()  # for the schema generator, as above

    @extend_schema(parameters=[KpiQuerySerializer], responses=KpiReportSerializer)
    def list(self, request: Request) -> Response:
        query = KpiQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        for name in ("start", "end"):
            as_of_from(request.query_params, name)  # the one business date range, refused on the field
        currency = params.get("currency") or settings.HUIKUAN_DEFAULT_CURRENCY
        found = kpis(user=self.user, start=params["start"], end=params["end"], currency=currency)
        months = trend(user=self.user, end=params["end"], currency=currency) if params["trend"] else None
        return Response(KpiReportSerializer({"kpis": found, "trend": months}).data)
