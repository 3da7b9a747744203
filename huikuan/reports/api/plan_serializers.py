"""Plan vs actual and the collection targets in the API: query parameters, bodies and answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from huikuan.accounts.models import User
from huikuan.accounts.selectors import users_visible_to
from huikuan.api.tools import VisiblePrimaryKeyRelatedField, integer_input, money_input, money_output
from huikuan.reports.api.params import CurrencyParam
from huikuan.reports.plan import RATE_QUANTUM, PlanGrouping, PlanPeriod

MONTH_FORMATS = ["%Y-%m", "iso-8601"]
# a year of targets for 80 owners: more in one request is not a person's edit
MAX_TARGETS = 1000
RATE_PLACES = -RATE_QUANTUM.as_tuple().exponent  # type: ignore[operator]  # a finite Decimal's exponent


def month_input(**kwargs: object) -> serializers.DateField:
    """A month as 2025-01 (or any day of it as 2025-01-15)."""
    return serializers.DateField(input_formats=MONTH_FORMATS, **kwargs)  # type: ignore[arg-type]


class PlanQuerySerializer(serializers.Serializer):
    first_month = month_input(required=False, help_text=_("The first month, as 2025-01 (default: January)."))
    last_month = month_input(required=False, help_text=_("The last month, as 2025-12 (default: December)."))
    period = serializers.ChoiceField(choices=PlanPeriod.choices, default=PlanPeriod.MONTH)
    grouping = serializers.ChoiceField(choices=PlanGrouping.choices, default=PlanGrouping.OWNER)
    currency = CurrencyParam()
    owner = integer_input(required=False, min_value=1)
    customer = integer_input(required=False, min_value=1)
    page = integer_input(required=False, min_value=1, default=1)
    page_size = integer_input(required=False, min_value=1, max_value=1000, default=100)


def rate_output(**kwargs: object) -> serializers.DecimalField:
    """A share (0.8125 for 81.25%), None where its base is 0."""
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=RATE_PLACES,
        read_only=True,
        allow_null=True,
        **kwargs,  # type: ignore[arg-type]
    )


class PlanCellSerializer(serializers.Serializer):
    planned = money_output()
    collected = money_output()
    rate = rate_output()
    target = money_output(allow_null=True)
    attainment = rate_output()


class PlanTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    periods = PlanCellSerializer(many=True, source="cells")
    whole = PlanCellSerializer()


class PlanLineSerializer(PlanTotalSerializer):
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    contract = serializers.IntegerField(source="contract_id", allow_null=True)
    code = serializers.CharField()
    name = serializers.CharField(source="label")


class PeriodSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class PlanReportSerializer(serializers.Serializer):
    first_month = serializers.DateField()
    last_month = serializers.DateField()
    period = serializers.CharField()
    grouping = serializers.CharField()
    has_targets = serializers.BooleanField()
    periods = PeriodSerializer(many=True)
    totals = PlanTotalSerializer(many=True)
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = PlanLineSerializer(many=True)


class TargetQuerySerializer(serializers.Serializer):
    year = integer_input(required=False, min_value=1990, max_value=2099)
    currency = CurrencyParam()
    owner = integer_input(required=False, min_value=1)


class TargetSerializer(serializers.Serializer):
    owner = serializers.IntegerField(source="owner_id", read_only=True)
    owner_name = serializers.SerializerMethodField()
    month = serializers.DateField(read_only=True)
    currency = serializers.CharField(read_only=True)
    amount = money_output()
    updated_at = serializers.DateTimeField(read_only=True)

    def get_owner_name(self, target: object) -> str:
        owner: User = target.owner  # type: ignore[attr-defined]
        return owner.get_full_name() or owner.username


class TargetInputSerializer(serializers.Serializer):
    owner = VisiblePrimaryKeyRelatedField(users_visible_to, User)
    month = month_input()
    currency = serializers.CharField(max_length=3)
    # checked by the service (sign, places of the currency, limit), as every amount is
    amount = money_input()


class TargetsInputSerializer(serializers.Serializer):
    targets = TargetInputSerializer(many=True, allow_empty=False)

    def validate_targets(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > MAX_TARGETS:
            raise serializers.ValidationError(_("Set at most %(count)s targets at once.") % {"count": MAX_TARGETS})
        return value
