from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.accounts.roles import Perm
from huikuan.api.tools import AS_OF_PARAMETER, SELECTOR_FILTER_BACKENDS, ServiceViewSet, actor_company
from huikuan.customers.api.serializers import (
    CustomerBalanceSerializer,
    CustomerCreateInputSerializer,
    CustomerOutputSerializer,
    CustomerUpdateInputSerializer,
)
from huikuan.customers.filters import CustomerFilter
from huikuan.customers.models import Customer
from huikuan.customers.selectors import customer_list
from huikuan.customers.services import customer_create, customer_update
from huikuan.receivables.figures import customer_balance


@extend_schema_view(
    create=extend_schema(request=CustomerCreateInputSerializer, responses={201: CustomerOutputSerializer}),
    update=extend_schema(request=CustomerUpdateInputSerializer, responses=CustomerOutputSerializer),
    partial_update=extend_schema(request=CustomerUpdateInputSerializer, responses=CustomerOutputSerializer),
)
class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Customers in the user's scope, with contacts and tags."""

    serializer_class = CustomerOutputSerializer
    filterset_class = CustomerFilter
    filter_backends = SELECTOR_FILTER_BACKENDS
    search_fields = ["code", "name", "tax_id"]
    ordering_fields = ["code", "name", "created_at", "credit_limit"]
    ordering = ["code"]
    write_perm = Perm.CUSTOMER_CHANGE

    def get_queryset(self) -> QuerySet[Customer]:
        return customer_list(user=self.user, filters=self.request.query_params)

    def create(self, request: Request) -> Response:
        data = self.parse(CustomerCreateInputSerializer)
        customer = customer_create(actor=self.user, company=actor_company(self.user), **data)
        return self.render(customer, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str | None = None, *, partial: bool = False) -> Response:
        customer = self.get_object()
        data = self.parse(CustomerUpdateInputSerializer, partial=partial)
        customer = customer_update(actor=self.user, customer=customer, **data)
        return self.render(customer)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(
        parameters=[
            AS_OF_PARAMETER,
            OpenApiParameter("currency", OpenApiTypes.STR, description="Only this currency (ISO 4217)."),
        ],
        responses=CustomerBalanceSerializer,
    )
    @action(detail=True, methods=["get"])
    def balance(self, request: Request, pk: str | None = None) -> Response:
        """Open installments, unapplied cash and the balance (their difference) as of a date."""
        customer = self.get_object()
        currency = request.query_params.get("currency") or None
        figures = customer_balance(customer.pk, self.as_of, currency=currency)
        body = {
            "customer": customer.pk,
            "as_of": self.as_of,
            "currency": currency,
            "open_installments": figures.open_installments,
            "unapplied_cash": figures.unapplied_cash,
            "balance": figures.balance,
        }
        return Response(CustomerBalanceSerializer(body).data)
