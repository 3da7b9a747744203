from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.accounts.roles import Perm
from huikuan.api.tools import AS_OF_PARAMETER, SELECTOR_FILTER_BACKENDS, ServiceViewSet
from huikuan.contracts.api.serializers import (
    ApplyTermsInputSerializer,
    CancelInputSerializer,
    ContractCreateInputSerializer,
    ContractOutputSerializer,
    ContractUpdateInputSerializer,
    InstallmentOutputSerializer,
    MilestoneInputSerializer,
    MilestoneOutputSerializer,
    PlanInputSerializer,
    TerminateInputSerializer,
)
from huikuan.contracts.filters import ContractFilter, MilestoneFilter
from huikuan.contracts.models import Contract, Installment, Milestone
from huikuan.contracts.selectors import milestones_visible_to
from huikuan.contracts.services import (
    contract_activate,
    contract_apply_terms,
    contract_cancel,
    contract_create,
    contract_set_installments,
    contract_terminate,
    contract_update,
    milestone_record,
)
from huikuan.receivables.filters import InstallmentFilter
from huikuan.receivables.selectors import contract_list_with_figures, installment_list

CONTRACT_OUT = {200: ContractOutputSerializer}


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF_PARAMETER]),
    retrieve=extend_schema(parameters=[AS_OF_PARAMETER]),
    create=extend_schema(request=ContractCreateInputSerializer, responses={201: ContractOutputSerializer}),
    update=extend_schema(request=ContractUpdateInputSerializer, responses=CONTRACT_OUT),
    partial_update=extend_schema(request=ContractUpdateInputSerializer, responses=CONTRACT_OUT),
)
class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Sales contracts in the user's scope, with their plan and figures as of ``as_of``."""

    serializer_class = ContractOutputSerializer
    filterset_class = ContractFilter
    filter_backends = SELECTOR_FILTER_BACKENDS
    search_fields = ["number", "title", "customer__name", "customer__code"]
    ordering_fields = ["signed_on", "number", "amount", "created_at"]
    ordering = ["-signed_on", "-pk"]
    write_perm = Perm.CONTRACT_CHANGE

    def get_queryset(self) -> QuerySet[Contract]:
        return contract_list_with_figures(user=self.user, filters=self.request.query_params, as_of=self.as_of)

    def create(self, request: Request) -> Response:
        contract = contract_create(actor=self.user, **self.parse(ContractCreateInputSerializer))
        return self.render(contract, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str | None = None, *, partial: bool = False) -> Response:
        contract = self.get_object()
        changes = self.parse(ContractUpdateInputSerializer, partial=partial)
        return self.render(contract_update(actor=self.user, contract=contract, **changes))

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(request=ApplyTermsInputSerializer, responses=CONTRACT_OUT)
    @action(detail=True, methods=["post"], url_path="apply-terms")
    def apply_terms(self, request: Request, pk: str | None = None) -> Response:
        """Replace a draft's plan with what a payment terms template makes of its amount."""
        contract = self.get_object()
        contract_apply_terms(actor=self.user, contract=contract, **self.parse(ApplyTermsInputSerializer))
        return self.render(contract)

    @extend_schema(request=PlanInputSerializer, responses=CONTRACT_OUT)
    @action(detail=True, methods=["put"])
    def installments(self, request: Request, pk: str | None = None) -> Response:
        """Replace a draft's plan with installments entered by hand."""
        contract = self.get_object()
        data = self.parse(PlanInputSerializer)
        contract_set_installments(actor=self.user, contract=contract, installments=data["installments"])
        return self.render(contract)

    @extend_schema(request=None, responses=CONTRACT_OUT)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        """Make a draft binding; its installments become receivable."""
        return self.render(contract_activate(actor=self.user, contract=self.get_object()))

    @extend_schema(request=TerminateInputSerializer, responses=CONTRACT_OUT)
    @action(detail=True, methods=["post"])
    def terminate(self, request: Request, pk: str | None = None) -> Response:
        """End an active contract early, with a date and a reason."""
        contract = self.get_object()
        return self.render(
            contract_terminate(actor=self.user, contract=contract, **self.parse(TerminateInputSerializer))
        )

    @extend_schema(request=CancelInputSerializer, responses=CONTRACT_OUT)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel a draft, with a reason."""
        contract = self.get_object()
        return self.render(contract_cancel(actor=self.user, contract=contract, **self.parse(CancelInputSerializer)))

    @extend_schema(request=MilestoneInputSerializer, responses={201: MilestoneOutputSerializer})
    @action(detail=True, methods=["post"])
    def milestones(self, request: Request, pk: str | None = None) -> Response:
        """Record that a milestone was reached; installments waiting on it get their due dates."""
        contract = self.get_object()
        milestone = milestone_record(actor=self.user, contract=contract, **self.parse(MilestoneInputSerializer))
        return Response(MilestoneOutputSerializer(milestone).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF_PARAMETER]),
    retrieve=extend_schema(parameters=[AS_OF_PARAMETER]),
)
class InstallmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Installments in the user's scope with their open amount and status as of ``as_of``."""

    serializer_class = InstallmentOutputSerializer
    filterset_class = InstallmentFilter
    filter_backends = SELECTOR_FILTER_BACKENDS
    search_fields = ["label", "contract__number", "customer__name", "customer__code"]
    ordering_fields = ["due_date", "amount", "sequence"]
    ordering = ["due_date", "contract_id", "sequence"]

    def get_queryset(self) -> QuerySet[Installment]:
        return installment_list(user=self.user, filters=self.request.query_params, as_of=self.as_of)


class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Milestones reached on contracts in the user's scope; recorded through the contract."""

    serializer_class = MilestoneOutputSerializer
    filterset_class = MilestoneFilter
    search_fields = ["note", "contract__number"]
    ordering_fields = ["reached_on", "recorded_at"]
    ordering = ["-reached_on", "-pk"]

    def get_queryset(self) -> QuerySet[Milestone]:
        return milestones_visible_to(self.user)
