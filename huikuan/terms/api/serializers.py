"""Payment terms API shapes: outputs render models, inputs only parse; the services decide."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from huikuan.api.tools import VisiblePrimaryKeyRelatedField, decimal_input, integer_input, money_input, money_output
from huikuan.terms.choices import AmountKind, DueRule, MilestoneKind, Period
from huikuan.terms.models import LINE_DISPLAY_FIELDS, PaymentTerms, PaymentTermsLine
from huikuan.terms.selectors import terms_visible_to

SMALL_MAX = 32767  # PositiveSmallIntegerField
INT_MAX = 2147483647


class TermsLineOutputSerializer(serializers.ModelSerializer):
    fixed_amount = money_output(allow_null=True)

    class Meta:
        model = PaymentTermsLine
        fields = list(LINE_DISPLAY_FIELDS)
        read_only_fields = fields


class TermsOutputSerializer(serializers.ModelSerializer):
    lines = TermsLineOutputSerializer(many=True, read_only=True)

    class Meta:
        model = PaymentTerms
        fields = ["id", "name", "description", "whole_units", "is_active", "lines", "created_at", "updated_at"]
        read_only_fields = fields


class TermsLineInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)  # type: ignore[assignment]  # a field, not Field.label
    amount_kind = serializers.ChoiceField(choices=AmountKind.choices)
    percent = decimal_input(max_digits=7, decimal_places=4, required=False, allow_null=True)
    fixed_amount = money_input(required=False, allow_null=True)
    due_rule = serializers.ChoiceField(choices=DueRule.choices)
    # The offset ranges (core.dates) are the service's to check, with the line's field name.
    days = integer_input(min_value=0, max_value=INT_MAX, required=False)
    months = integer_input(min_value=0, max_value=SMALL_MAX, required=False)
    day_of_month = integer_input(min_value=1, max_value=31, required=False, allow_null=True)
    fixed_date = serializers.DateField(required=False, allow_null=True)
    milestone = serializers.ChoiceField(choices=MilestoneKind.choices, required=False, allow_blank=True)
    periods = integer_input(min_value=1, max_value=SMALL_MAX, required=False)
    period = serializers.ChoiceField(choices=Period.choices, required=False, allow_blank=True)
    is_retention = serializers.BooleanField(required=False)


class TermsUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    whole_units = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)
    lines = TermsLineInputSerializer(many=True, required=False, allow_empty=True, max_length=200)  # type: ignore[call-arg]  # stubs lack many=True's max_length


class TermsCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    whole_units = serializers.BooleanField(required=False)
    lines = TermsLineInputSerializer(many=True, allow_empty=True, max_length=200)  # type: ignore[call-arg]  # stubs lack many=True's max_length


class TermsPreviewInputSerializer(serializers.Serializer):
    terms = VisiblePrimaryKeyRelatedField(terms_visible_to, PaymentTerms, required=False, allow_null=True)
    lines = TermsLineInputSerializer(many=True, required=False, allow_empty=True, max_length=200)  # type: ignore[call-arg]  # stubs lack many=True's max_length
    amount = money_input()
    currency = serializers.CharField(max_length=3, required=False)
    base_date = serializers.DateField()
    whole_units = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict) -> dict:
        if attrs.get("terms") is None and "lines" not in attrs:
            raise serializers.ValidationError({"lines": [_("Give the lines or a template id.")]})
        return attrs


class PlannedInstallmentSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    amount = money_output()
    due_date = serializers.DateField(allow_null=True)
    milestone = serializers.CharField()
    offset_days = serializers.IntegerField()
    offset_months = serializers.IntegerField()
    is_retention = serializers.BooleanField()
