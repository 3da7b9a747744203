"""The cash forecast's query parameters and answer in the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty

from huikuan.api.tools import integer_input, money_output
from huikuan.reports.api.params import CurrencyParam
from huikuan.reports.forecast import DEFAULT_LOOKBACK_DAYS, MAX_LOOKBACK_DAYS, ForecastGrouping


class QueryBooleanField(serializers.BooleanField):
    """A yes/no query parameter whose default holds when it is left out (DRF reads a missing
    boolean of form-like input, which a query string is, as false)."""

    default_empty_html = empty


class ForecastQuerySerializer(serializers.Serializer):
    grouping = serializers.ChoiceField(choices=ForecastGrouping.choices, default=ForecastGrouping.TOTAL)
    currency = CurrencyParam()
    owner = integer_input(required=False, min_value=1)
    customer = integer_input(required=False, min_value=1)
    lookback_days = integer_input(
        required=False,
        min_value=1,
        max_value=MAX_LOOKBACK_DAYS,
        default=DEFAULT_LOOKBACK_DAYS,
        help_text=_("Days of payment history read for each customer's habit (default 365)."),
    )
    past_weeks = QueryBooleanField(
        default=True,
        help_text=_(
            "With the 13 weeks before: the forecast made when they began beside what came in (a second "
            "forecast, as of a past date, which takes as long again). false leaves them out."
        ),
    )
    page = integer_input(required=False, min_value=1, default=1)
    page_size = integer_input(required=False, min_value=1, max_value=1000, default=100)


class ForecastPeriodSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class ScopeHabitSerializer(serializers.Serializer):
    """What a customer without history of its own is given: the whole scope's habit."""

    currency = serializers.CharField()
    days_late = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    shift_days = serializers.IntegerField()
    share_never_paid = serializers.DecimalField(max_digits=5, decimal_places=4)


class HabitSerializer(serializers.Serializer):
    days_late = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    shift_days = serializers.IntegerField()
    share_never_paid = serializers.DecimalField(max_digits=5, decimal_places=4)
    own_days = serializers.BooleanField(help_text=_("False: no payment of its own in the window, the scope's average"))
    own_share = serializers.BooleanField(help_text=_("False: nothing of its own fell due in the window"))


class ForecastAmountsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    weeks = serializers.ListField(child=money_output())
    later_than_weeks = money_output(source="later_weeks")
    months = serializers.ListField(child=money_output())
    later_than_months = money_output(source="later_months")
    expected = money_output()
    never_paid = money_output()
    not_dated = money_output()
    open = money_output()


class ForecastLineSerializer(ForecastAmountsSerializer):
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    code = serializers.CharField()
    name = serializers.CharField(source="label")
    habit = HabitSerializer(allow_null=True)


class AccuracyWeekSerializer(serializers.Serializer):
    starts_on = serializers.DateField(source="period.starts_on")
    ends_on = serializers.DateField(source="period.ends_on")
    forecast = money_output()
    received = money_output(source="actual")


class AccuracySerializer(serializers.Serializer):
    currency = serializers.CharField()
    forecast = money_output()
    received = money_output(source="actual")
    weeks = AccuracyWeekSerializer(many=True)


class PastWeeksSerializer(serializers.Serializer):
    made_on = serializers.DateField(help_text=_("The figures the past weeks' forecast was made on"))
    weeks = ForecastPeriodSerializer(many=True)
    currencies = AccuracySerializer(many=True)


class ForecastSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    lookback_days = serializers.IntegerField()
    grouping = serializers.CharField()
    weeks = ForecastPeriodSerializer(many=True)
    months = ForecastPeriodSerializer(many=True)
    scope_habits = ScopeHabitSerializer(many=True)
    totals = ForecastAmountsSerializer(many=True)
    past_weeks = PastWeeksSerializer(source="past", allow_null=True)
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = ForecastLineSerializer(many=True)
