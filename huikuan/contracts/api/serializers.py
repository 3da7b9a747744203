"""Contract API shapes: outputs render models and as-of figures, inputs only parse; the services
decide."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from huikuan.accounts.models import User
from huikuan.accounts.selectors import users_visible_to
from huikuan.api.tools import VisiblePrimaryKeyRelatedField, decimal_input, integer_input, money_input, money_output
from huikuan.contracts.choices import InstallmentStatus
from huikuan.contracts.models import Contract, Installment, Milestone
from huikuan.customers.models import Customer
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables.figures import figures_of, summarize_installments
from huikuan.terms.choices import MilestoneKind
from huikuan.terms.models import PaymentTerms
from huikuan.terms.selectors import terms_visible_to

SMALL_MAX = 32767
INT_MAX = 2147483647


class InstallmentOutputSerializer(serializers.ModelSerializer):
    """An installment with its figures as of the request's ``as_of`` date (set on the row by the
    selector: ``receivables.figures.InstallmentFigures``). ``adjusted`` = ``credited`` (credit
    notes and discounts) + ``written_off``. The status is null while the installment was not yet
    receivable on that date (a draft, or signed later); ``partly_paid`` tells that money came in
    for an installment still open, whatever its status (overdue, due or not due)."""

    contract_number = serializers.CharField(source="contract.number", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    amount = money_output()
    collected = money_output(source="figures.collected")
    adjusted = money_output(source="figures.adjusted")
    credited = money_output(source="figures.credited")
    written_off = money_output(source="figures.written_off")
    open_amount = money_output(source="figures.open")
    status = serializers.SerializerMethodField()
    partly_paid = serializers.BooleanField(source="figures.partly_paid", read_only=True)

    class Meta:
        model = Installment
        fields = [
            "id",
            "contract",
            "contract_number",
            "customer",
            "customer_name",
            "sequence",
            "label",
            "currency",
            "amount",
            "due_date",
            "milestone",
            "offset_days",
            "offset_months",
            "is_retention",
            "booked_on",
            "collected",
            "adjusted",
            "credited",
            "written_off",
            "open_amount",
            "status",
            "partly_paid",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=InstallmentStatus.choices, allow_null=True))
    def get_status(self, installment: Installment) -> str | None:
        return figures_of(installment).status


class ContractInstallmentSerializer(InstallmentOutputSerializer):
    class Meta(InstallmentOutputSerializer.Meta):
        fields = [
            "id",
            "sequence",
            "label",
            "amount",
            "due_date",
            "milestone",
            "offset_days",
            "offset_months",
            "is_retention",
            "collected",
            "adjusted",
            "credited",
            "written_off",
            "open_amount",
            "status",
            "partly_paid",
        ]
        read_only_fields = fields


class MilestoneOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "contract", "kind", "reached_on", "note", "recorded_by", "recorded_at"]
        read_only_fields = fields


class ContractFiguresSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    collected = money_output()
    adjusted = money_output()
    outstanding = money_output()
    overdue = money_output()


class ContractOutputSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    amount = money_output()
    installments = ContractInstallmentSerializer(many=True, read_only=True)
    milestones = MilestoneOutputSerializer(many=True, read_only=True)
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id",
            "number",
            "customer",
            "customer_name",
            "title",
            "signed_on",
            "starts_on",
            "ends_on",
            "currency",
            "amount",
            "vat_rate",
            "owner",
            "status",
            "terms",
            "notes",
            "activated_at",
            "closed_on",
            "installments",
            "milestones",
            "figures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    _figures_serializer: ContractFiguresSerializer | None = None

    @extend_schema_field(ContractFiguresSerializer)
    def get_figures(self, contract: Contract) -> dict:
        as_of = self.context["as_of"]
        # the selector prefetches the installments with their figures on ``as_of``: no query per contract
        figures = summarize_installments(contract.amount, contract.installments.all(), as_of)
        # one figures serializer for the whole page: building one per contract (its fields are
        # deep-copied each time) cost more than everything else a contract of the list renders
        if self._figures_serializer is None:
            self._figures_serializer = ContractFiguresSerializer()
        return self._figures_serializer.to_representation(
            {
                "as_of": as_of,
                "collected": figures.collected,
                "adjusted": figures.adjusted,
                "outstanding": figures.outstanding,
                "overdue": figures.overdue,
            }
        )


class ContractUpdateInputSerializer(serializers.Serializer):
    """Every field is optional: a draft accepts them all, an active contract only title, end
    date, owner and notes (the service refuses the others)."""

    title = serializers.CharField(max_length=200, required=False)
    signed_on = serializers.DateField(required=False)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False)
    amount = money_input(required=False)
    vat_rate = decimal_input(max_digits=5, decimal_places=4, required=False)
    owner = VisiblePrimaryKeyRelatedField(users_visible_to, User, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class ContractCreateInputSerializer(serializers.Serializer):
    customer = VisiblePrimaryKeyRelatedField(customers_visible_to, Customer)
    title = serializers.CharField(max_length=200)
    signed_on = serializers.DateField()
    amount = money_input()
    currency = serializers.CharField(max_length=3, required=False)
    number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    vat_rate = decimal_input(max_digits=5, decimal_places=4, required=False)
    owner = VisiblePrimaryKeyRelatedField(users_visible_to, User, required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    terms = VisiblePrimaryKeyRelatedField(terms_visible_to, PaymentTerms, required=False, allow_null=True)
    base_date = serializers.DateField(required=False, allow_null=True)


class ApplyTermsInputSerializer(serializers.Serializer):
    terms = VisiblePrimaryKeyRelatedField(terms_visible_to, PaymentTerms)
    base_date = serializers.DateField(required=False, allow_null=True)
    whole_units = serializers.BooleanField(required=False, allow_null=True, default=None)


class PlanLineInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)  # type: ignore[assignment]  # a field, not Field.label
    amount = money_input()
    due_date = serializers.DateField(required=False, allow_null=True)
    milestone = serializers.ChoiceField(choices=MilestoneKind.choices, required=False, allow_blank=True)
    # The offset ranges (core.dates) are the service's to check, with the line's field name.
    offset_days = integer_input(min_value=0, max_value=INT_MAX, required=False)
    offset_months = integer_input(min_value=0, max_value=SMALL_MAX, required=False)
    is_retention = serializers.BooleanField(required=False)


class PlanInputSerializer(serializers.Serializer):
    installments = PlanLineInputSerializer(many=True, allow_empty=True, max_length=1000)  # type: ignore[call-arg]  # stubs lack many=True's max_length


class TerminateInputSerializer(serializers.Serializer):
    on = serializers.DateField()
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class MilestoneInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MilestoneKind.choices)
    reached_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text=_("Optional."))
