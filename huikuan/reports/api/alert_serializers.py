"""The risk alerts and their thresholds in the API: query parameters, bodies and answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from huikuan.api.tools import integer_input, money_input, money_output
from huikuan.reports.risk import AlertKind


class AlertQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AlertKind.choices, required=False, allow_blank=True)
    page = integer_input(required=False, min_value=1, default=1)
    page_size = integer_input(required=False, min_value=1, max_value=1000, default=100)


def _measure(**kwargs: Any) -> serializers.DecimalField:
    """An amount or a number of days as measured (``unit`` says which), without a fixed number of
    places: 6000.00, 149, 175.0."""
    return serializers.DecimalField(max_digits=None, decimal_places=None, read_only=True, **kwargs)


class AlertSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="label")
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    customer_code = serializers.CharField()
    customer_name = serializers.CharField()
    value = _measure(help_text=_("What was measured: an amount, or days (see unit)."))
    threshold = _measure(help_text=_("The threshold it crossed, in the same unit."))
    unit = serializers.CharField(help_text=_('"days", or the currency of an amount.'))
    currency = serializers.CharField()
    amount = money_output(help_text=_("The money the alert is about; alerts are ordered by it."))
    message = serializers.CharField()
    link = serializers.CharField(help_text=_("The page to look into it: the customer's, or the KPIs."))


class AlertCountSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    count = serializers.IntegerField()


class AlertReportSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    counts = AlertCountSerializer(many=True)
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = AlertSerializer(many=True)


class ThresholdsSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text=_("The currency of the amounts: the company's."))
    overdue_amount = money_output(allow_null=True)
    overdue_days = serializers.IntegerField(allow_null=True, read_only=True)
    over_credit_limit = serializers.BooleanField(read_only=True)
    dso_days = serializers.IntegerField(allow_null=True, read_only=True)
    worsening_days = serializers.IntegerField(allow_null=True, read_only=True)
    is_set = serializers.BooleanField(help_text=_("False: the company has not set any yet (the defaults)."))
    updated_at = serializers.DateTimeField(allow_null=True, read_only=True)


class ThresholdsInputSerializer(serializers.Serializer):
    """Thresholds to set; those left out keep their value, null switches an alert off. The service
    checks the amount (sign, places, limit) and the days' ranges, so that the page and the API
    refuse the same values with the same messages."""

    overdue_amount = money_input(required=False, allow_null=True)
    overdue_days = integer_input(required=False, allow_null=True)
    over_credit_limit = serializers.BooleanField(required=False)
    dso_days = integer_input(required=False, allow_null=True)
    worsening_days = integer_input(required=False, allow_null=True)
