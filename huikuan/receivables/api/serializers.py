"""Receivables API shapes: outputs render the posted rows, inputs only parse; the services decide."""

from rest_framework import serializers

from huikuan.api.tools import VisiblePrimaryKeyRelatedField, money_input, money_output
from huikuan.contracts.models import Installment
from huikuan.contracts.selectors import installments_visible_to
from huikuan.customers.models import Customer
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables.choices import AdjustmentKind, PaymentMethod
from huikuan.receivables.models import Adjustment, Allocation, Receipt
from huikuan.receivables.selectors import receipts_visible_to

REVERSAL_FIELDS = ["is_reversed", "reversed_on", "reversed_at", "reversed_by", "reversal_reason"]


class ReceiptOutputSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    amount = money_output()
    allocated_amount = money_output()
    unallocated_amount = money_output()
    is_reversed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Receipt
        fields = [
            "id",
            "number",
            "customer",
            "customer_name",
            "received_on",
            "amount",
            "currency",
            "method",
            "bill_maturity_date",
            "payer_name",
            "bank_reference",
            "memo",
            "allocated_amount",
            "unallocated_amount",
            "created_by",
            "created_at",
            *REVERSAL_FIELDS,
        ]
        read_only_fields = fields


class ReceiptCreateInputSerializer(serializers.Serializer):
    customer = VisiblePrimaryKeyRelatedField(customers_visible_to, Customer)
    received_on = serializers.DateField()
    amount = money_input()
    currency = serializers.CharField(max_length=3, required=False)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    bill_maturity_date = serializers.DateField(required=False, allow_null=True)
    payer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    bank_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True)
    number = serializers.CharField(max_length=40, required=False, allow_blank=True)


class ReverseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    reversed_on = serializers.DateField(required=False, allow_null=True)


class AutoAllocateInputSerializer(serializers.Serializer):
    effective_on = serializers.DateField(required=False, allow_null=True)


class AllocationOutputSerializer(serializers.ModelSerializer):
    receipt_number = serializers.CharField(source="receipt.number", read_only=True)
    contract = serializers.IntegerField(source="installment.contract_id", read_only=True)
    contract_number = serializers.CharField(source="installment.contract.number", read_only=True)
    amount = money_output()
    is_reversed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "receipt",
            "receipt_number",
            "installment",
            "contract",
            "contract_number",
            "customer",
            "amount",
            "effective_on",
            "created_by",
            "created_at",
            *REVERSAL_FIELDS,
        ]
        read_only_fields = fields


class AllocationCreateInputSerializer(serializers.Serializer):
    receipt = VisiblePrimaryKeyRelatedField(receipts_visible_to, Receipt)
    installment = VisiblePrimaryKeyRelatedField(installments_visible_to, Installment)
    amount = money_input()
    effective_on = serializers.DateField(required=False, allow_null=True)


class AllocationLineInputSerializer(serializers.Serializer):
    installment = VisiblePrimaryKeyRelatedField(installments_visible_to, Installment)
    amount = money_input()


class AllocationBatchInputSerializer(serializers.Serializer):
    receipt = VisiblePrimaryKeyRelatedField(receipts_visible_to, Receipt)
    lines = AllocationLineInputSerializer(many=True, allow_empty=True, max_length=1000)  # type: ignore[call-arg]  # stubs lack many=True's max_length
    effective_on = serializers.DateField(required=False, allow_null=True)


class SuggestionLineSerializer(serializers.Serializer):
    installment = serializers.IntegerField(source="installment.pk")
    contract = serializers.IntegerField(source="installment.contract_id")
    contract_number = serializers.CharField(source="installment.contract.number")
    sequence = serializers.IntegerField(source="installment.sequence")
    due_date = serializers.DateField(source="installment.due_date", allow_null=True)
    open_amount = money_output(source="installment.open_amount")
    amount = money_output()


class SuggestionSerializer(serializers.Serializer):
    receipt = serializers.IntegerField()
    unallocated_amount = money_output()
    lines = SuggestionLineSerializer(many=True)


class AutoAllocateResultSerializer(serializers.Serializer):
    receipt = ReceiptOutputSerializer()
    allocations = AllocationOutputSerializer(many=True)


class AdjustmentOutputSerializer(serializers.ModelSerializer):
    contract = serializers.IntegerField(source="installment.contract_id", read_only=True)
    contract_number = serializers.CharField(source="installment.contract.number", read_only=True)
    amount = money_output()
    is_reversed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Adjustment
        fields = [
            "id",
            "installment",
            "contract",
            "contract_number",
            "customer",
            "kind",
            "amount",
            "effective_on",
            "reason",
            "created_by",
            "created_at",
            *REVERSAL_FIELDS,
        ]
        read_only_fields = fields


class AdjustmentCreateInputSerializer(serializers.Serializer):
    installment = VisiblePrimaryKeyRelatedField(installments_visible_to, Installment)
    kind = serializers.ChoiceField(choices=AdjustmentKind.choices)
    amount = money_input()
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    effective_on = serializers.DateField(required=False, allow_null=True)
