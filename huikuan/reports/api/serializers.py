"""The reports' query parameters and answers in the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from huikuan.api.tools import integer_input, money_output
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.reports.aging import AgingSort, Grouping
from huikuan.reports.api.params import CurrencyParam
from huikuan.reports.arrears import ArrearsSort
from huikuan.reports.buckets import parse_buckets


class AgingQuerySerializer(serializers.Serializer):
    grouping = serializers.ChoiceField(choices=Grouping.choices, default=Grouping.CUSTOMER)
    buckets = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("Upper bounds of the buckets in days overdue, e.g. 30,60,90,180,365 (the default)."),
    )
    currency = CurrencyParam()
    owner = integer_input(required=False, min_value=1)
    customer = integer_input(required=False, min_value=1)
    sort = serializers.ChoiceField(choices=AgingSort.choices, default=AgingSort.TOTAL)
    page = integer_input(required=False, min_value=1, default=1)
    page_size = integer_input(required=False, min_value=1, max_value=1000, default=100)

    def validate_buckets(self, value: str) -> tuple[int, ...]:
        try:
            return parse_buckets(value)
        except DomainError as error:
            raise serializers.ValidationError(str(error.message)) from error

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.setdefault("buckets", parse_buckets(None))
        return attrs


class AgingAmountsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    not_overdue = money_output(source="not_due")
    buckets = serializers.ListField(child=money_output())
    total = money_output()
    unapplied_cash = money_output(source="unapplied", allow_null=True)
    net = money_output(allow_null=True)


class AgingLineSerializer(AgingAmountsSerializer):
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    contract = serializers.IntegerField(source="contract_id", allow_null=True)
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    code = serializers.CharField()
    name = serializers.CharField(source="label")


class AgingBucketSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    days_from = serializers.IntegerField(allow_null=True)
    days_to = serializers.IntegerField(allow_null=True)


class AgingReportSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    grouping = serializers.CharField()
    not_overdue_label = serializers.CharField()
    buckets = AgingBucketSerializer(many=True)
    totals = AgingAmountsSerializer(many=True)
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = AgingLineSerializer(many=True)


class StatementQuerySerializer(serializers.Serializer):
    customer = integer_input(min_value=1)
    start = serializers.DateField(input_formats=["%Y-%m-%d"])
    end = serializers.DateField(input_formats=["%Y-%m-%d"])
    currency = CurrencyParam()


class StatementLineSerializer(serializers.Serializer):
    date = serializers.DateField(source="on")
    kind = serializers.CharField()
    reference = serializers.CharField()
    description = serializers.CharField()
    charge = money_output()
    credit = money_output()
    balance = money_output()


class StatementSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="customer.pk")
    currency = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    opening_balance = money_output(source="opening")
    charges = money_output()
    credits = money_output()
    closing_balance = money_output(source="closing")
    not_yet_due = money_output()
    unapplied_cash = money_output(source="unapplied")
    balance = money_output()
    lines = StatementLineSerializer(many=True)


class ArrearsQuerySerializer(serializers.Serializer):
    currency = CurrencyParam()
    owner = integer_input(required=False, min_value=1)
    sort = serializers.ChoiceField(choices=ArrearsSort.choices, default=ArrearsSort.OVERDUE)
    page = integer_input(required=False, min_value=1, default=1)
    page_size = integer_input(required=False, min_value=1, max_value=1000, default=100)


class ArrearsLineSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer_id")
    code = serializers.CharField(source="aging.code")
    name = serializers.CharField(source="aging.label")
    owner = serializers.CharField()
    currency = serializers.CharField(source="aging.currency")
    open = money_output(source="aging.total")
    overdue = money_output(source="aging.overdue")
    overdue_share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    oldest_overdue_due_date = serializers.DateField(source="oldest_due", allow_null=True)
    days_overdue = serializers.IntegerField(allow_null=True)
    unapplied_cash = money_output(source="aging.unapplied")
    balance = money_output(source="aging.net")
    credit_limit = money_output()
    over_limit = money_output()
    last_payment = serializers.DateField(allow_null=True)


class ArrearsSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    totals = AgingAmountsSerializer(many=True)
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = ArrearsLineSerializer(many=True)


class KpiQuerySerializer(serializers.Serializer):
    start = serializers.DateField(input_formats=["%Y-%m-%d"])
    end = serializers.DateField(input_formats=["%Y-%m-%d"])
    currency = CurrencyParam()
    trend = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] > today():
            raise serializers.ValidationError({"end": _("Choose a date up to today.")})
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The period ends before it starts.")})
        if (attrs["end"] - attrs["start"]).days > 3660:
            raise serializers.ValidationError({"end": _("Choose a period of at most ten years.")})
        return attrs


class ArSerializer(serializers.Serializer):
    total = money_output()
    not_overdue = money_output(source="current")
    overdue = money_output()


class PayerSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="customer_id")
    name = serializers.CharField()
    paid = money_output(source="amount")
    average_days_after_due = serializers.DecimalField(source="days", max_digits=8, decimal_places=1)


def _figure() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True, read_only=True)


class KpiSerializer(serializers.Serializer):
    currency = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    ar_start = ArSerializer()
    ar_end = ArSerializer()
    sales = money_output()
    collected = money_output()
    written_off = money_output()
    dso = _figure()
    dso_more_than = serializers.BooleanField(source="dso_capped")
    best_possible_dso = serializers.DecimalField(
        source="best_dso", max_digits=None, decimal_places=None, allow_null=True, read_only=True
    )
    average_days_delinquent = _figure()
    cei = _figure()
    turnover = _figure()
    turnover_days = _figure()
    overdue_share = _figure()
    bad_debt_rate = _figure()
    average_days_to_pay = serializers.DecimalField(
        source="days_to_pay", max_digits=None, decimal_places=None, allow_null=True, read_only=True
    )
    payers = PayerSerializer(many=True)


class KpiMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    kpis = KpiSerializer()


class KpiReportSerializer(serializers.Serializer):
    kpis = KpiSerializer()
    trend = KpiMonthSerializer(many=True, allow_null=True)
