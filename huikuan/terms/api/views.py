from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.accounts.roles import Perm
from huikuan.api.tools import ServiceViewSet, actor_company
from huikuan.terms.api.serializers import (
    PlannedInstallmentSerializer,
    TermsCreateInputSerializer,
    TermsOutputSerializer,
    TermsPreviewInputSerializer,
    TermsUpdateInputSerializer,
)
from huikuan.terms.filters import TermsFilter
from huikuan.terms.models import PaymentTerms
from huikuan.terms.selectors import terms_visible_to
from huikuan.terms.services import terms_create, terms_preview, terms_update


@extend_schema_view(
    create=extend_schema(request=TermsCreateInputSerializer, responses={201: TermsOutputSerializer}),
    update=extend_schema(request=TermsUpdateInputSerializer, responses=TermsOutputSerializer),
    partial_update=extend_schema(request=TermsUpdateInputSerializer, responses=TermsOutputSerializer),
)
class TermsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Payment terms templates of the user's company; they are deactivated, never deleted."""

    serializer_class = TermsOutputSerializer
    filterset_class = TermsFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]
    write_perm = Perm.TERMS_CHANGE

    def get_queryset(self) -> QuerySet[PaymentTerms]:
        return terms_visible_to(self.user)

    def create(self, request: Request) -> Response:
        data = self.parse(TermsCreateInputSerializer)
        terms = terms_create(actor=self.user, company=actor_company(self.user), **data)
        return self.render(terms, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str | None = None, *, partial: bool = False) -> Response:
        terms = self.get_object()
        terms = terms_update(actor=self.user, terms=terms, **self.parse(TermsUpdateInputSerializer, partial=partial))
        return self.render(terms)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(request=TermsPreviewInputSerializer, responses=PlannedInstallmentSerializer(many=True))
    @action(detail=False, methods=["post"], write_perm=None)
    def preview(self, request: Request) -> Response:
        """The installments a template (or lines) would make of an amount; writes nothing."""
        data = self.parse(TermsPreviewInputSerializer)
        planned = terms_preview(company=self.user.company, **data)
        return Response(PlannedInstallmentSerializer(planned, many=True).data)
