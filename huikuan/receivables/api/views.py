from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.accounts.roles import Perm
from huikuan.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from huikuan.api.tools import SELECTOR_FILTER_BACKENDS, ServiceViewSet
from huikuan.core.errors import DomainError
from huikuan.receivables.api.serializers import (
    AdjustmentCreateInputSerializer,
    AdjustmentOutputSerializer,
    AllocationBatchInputSerializer,
    AllocationCreateInputSerializer,
    AllocationOutputSerializer,
    AutoAllocateInputSerializer,
    AutoAllocateResultSerializer,
    ReceiptCreateInputSerializer,
    ReceiptOutputSerializer,
    ReverseInputSerializer,
    SuggestionSerializer,
)
from huikuan.receivables.errors import ReceivableErrorCode
from huikuan.receivables.filters import AdjustmentFilter, AllocationFilter, ReceiptFilter
from huikuan.receivables.models import Adjustment, Allocation, Receipt
from huikuan.receivables.selectors import adjustments_visible_to, allocations_visible_to, receipt_list
from huikuan.receivables.services.adjustments import adjustment_create, adjustment_reverse
from huikuan.receivables.services.allocations import (
    AllocationLine,
    allocation_create,
    allocation_reverse,
    allocation_suggest,
    allocations_create,
    receipt_auto_allocate,
)
from huikuan.receivables.services.receipts import receipt_create, receipt_reverse


@extend_schema_view(
    create=extend_schema(
        request=ReceiptCreateInputSerializer,
        responses={201: ReceiptOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    ),
    update=extend_schema(request=None, responses={400: None}, description="Posted receipts are never edited."),
    partial_update=extend_schema(request=None, responses={400: None}, description="Posted receipts are never edited."),
)
class ReceiptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Money received from customers in the user's scope. A receipt is posted when recorded: it is
    reversed, never edited."""

    serializer_class = ReceiptOutputSerializer
    filterset_class = ReceiptFilter
    filter_backends = SELECTOR_FILTER_BACKENDS
    search_fields = ["number", "payer_name", "bank_reference", "memo", "customer__name", "customer__code"]
    ordering_fields = ["received_on", "amount", "number", "created_at"]
    ordering = ["-received_on", "-pk"]
    write_perm = Perm.RECEIPT_CHANGE

    def get_queryset(self) -> QuerySet[Receipt]:
        return receipt_list(user=self.user, filters=self.request.query_params)

    def create(self, request: Request) -> Response:
        def record() -> Response:
            receipt = receipt_create(actor=self.user, **self.parse(ReceiptCreateInputSerializer))
            return self.render(receipt, status_code=status.HTTP_201_CREATED)

        return idempotent(request, "receipts.create", record)

    def update(self, request: Request, pk: str | None = None) -> Response:
        self.get_object()  # out of scope stays a 404
        raise DomainError(
            ReceivableErrorCode.POSTED,
            _("A posted receipt cannot be edited; reverse it and record it again."),
        )

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self.update(request, pk)

    @extend_schema(request=AutoAllocateInputSerializer, responses=AutoAllocateResultSerializer)
    @action(detail=True, methods=["post"], url_path="auto-allocate", write_perm=Perm.ALLOCATION_CHANGE)
    def auto_allocate(self, request: Request, pk: str | None = None) -> Response:
        """Allocate what is left of the receipt as ``suggest`` proposes; the rest stays unapplied."""
        receipt = self.get_object()
        allocations = receipt_auto_allocate(actor=self.user, receipt=receipt, **self.parse(AutoAllocateInputSerializer))
        rendered = allocations_visible_to(self.user).filter(pk__in=[a.pk for a in allocations])
        body = {"receipt": self.get_queryset().get(pk=receipt.pk), "allocations": rendered.order_by("pk")}
        return Response(AutoAllocateResultSerializer(body, context=self.get_serializer_context()).data)

    @extend_schema(request=ReverseInputSerializer, responses=ReceiptOutputSerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        """Reverse the receipt and its allocations from a date, with a reason."""
        receipt = self.get_object()
        return self.render(receipt_reverse(actor=self.user, receipt=receipt, **self.parse(ReverseInputSerializer)))

    @extend_schema(responses=SuggestionSerializer)
    @action(detail=True, methods=["get"])
    def suggest(self, request: Request, pk: str | None = None) -> Response:
        """What auto-allocate would do now; writes nothing."""
        receipt = self.get_object()
        lines = allocation_suggest(receipt=receipt)
        body = {"receipt": receipt.pk, "unallocated_amount": receipt.unallocated_amount, "lines": lines}
        return Response(SuggestionSerializer(body).data)


@extend_schema_view(
    create=extend_schema(request=AllocationCreateInputSerializer, responses={201: AllocationOutputSerializer}),
)
class AllocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Receipts matched to installments (核销) in the user's scope; reversed, never deleted."""

    serializer_class = AllocationOutputSerializer
    filterset_class = AllocationFilter
    search_fields = ["receipt__number", "installment__contract__number"]
    ordering_fields = ["effective_on", "amount", "created_at"]
    ordering = ["-effective_on", "-pk"]
    write_perm = Perm.ALLOCATION_CHANGE

    def get_queryset(self) -> QuerySet[Allocation]:
        return allocations_visible_to(self.user)

    def create(self, request: Request) -> Response:
        allocation = allocation_create(actor=self.user, **self.parse(AllocationCreateInputSerializer))
        return self.render(allocation, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=AllocationBatchInputSerializer, responses={201: AllocationOutputSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def batch(self, request: Request) -> Response:
        """Apply one receipt to several installments at once: all lines or none."""
        data = self.parse(AllocationBatchInputSerializer)
        allocations = allocations_create(
            actor=self.user,
            receipt=data["receipt"],
            lines=[AllocationLine(line["installment"], line["amount"]) for line in data["lines"]],
            effective_on=data.get("effective_on"),
        )
        rendered = self.get_queryset().filter(pk__in=[a.pk for a in allocations]).order_by("pk")
        return Response(self.get_serializer(rendered, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReverseInputSerializer, responses=AllocationOutputSerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        """Undo the allocation from a date, with a reason."""
        allocation = self.get_object()
        return self.render(
            allocation_reverse(actor=self.user, allocation=allocation, **self.parse(ReverseInputSerializer))
        )


@extend_schema_view(
    create=extend_schema(request=AdjustmentCreateInputSerializer, responses={201: AdjustmentOutputSerializer}),
)
class AdjustmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Credit notes, discounts and write-offs in the user's scope; reversed, never deleted.
    Write-offs need the write-off permission, which the service checks."""

    serializer_class = AdjustmentOutputSerializer
    filterset_class = AdjustmentFilter
    search_fields = ["reason", "installment__contract__number"]
    ordering_fields = ["effective_on", "amount", "created_at"]
    ordering = ["-effective_on", "-pk"]
    write_perm = Perm.ADJUSTMENT_CHANGE

    def get_queryset(self) -> QuerySet[Adjustment]:
        return adjustments_visible_to(self.user)

    def create(self, request: Request) -> Response:
        adjustment = adjustment_create(actor=self.user, **self.parse(AdjustmentCreateInputSerializer))
        return self.render(adjustment, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=ReverseInputSerializer, responses=AdjustmentOutputSerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        """Undo the adjustment from a date, with a reason."""
        adjustment = self.get_object()
        return self.render(
            adjustment_reverse(actor=self.user, adjustment=adjustment, **self.parse(ReverseInputSerializer))
        )
