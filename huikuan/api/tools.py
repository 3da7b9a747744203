"""Building blocks of the API views: scoped related-field inputs, money fields, the ``as_of``
parameter and the base viewset whose writes parse, call a service and render.

Kept apart from ``api.exceptions`` and ``api.pagination`` because REST_FRAMEWORK settings import
those modules while DRF's generic views are being defined."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any, cast

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import filters, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.accounts.models import Company, User
from huikuan.api.errors import ApiErrorCode
from huikuan.core.as_of import as_of_from
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.core.filters import MAX_ID
from huikuan.core.money import DECIMAL_PLACES
from huikuan.core.numbers import NumberFormatError, parse_decimal, parse_int


def request_user(request: Request) -> User:
    """The user an API request acts for.

    DRF types ``request.user`` as possibly anonymous, but RolePermission (the default permission
    class) only lets authenticated, active users reach a view, and our user model is ``User``."""
    return cast(User, request.user)


class VisiblePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary-key input whose choices are what the requesting user may see.

    ``selector`` is a ``*_visible_to(user)`` function, called per request, so an id outside the
    user's scope is refused as unknown (400) exactly like an id that does not exist. ``model`` only
    tells the schema generator what the id points at."""

    def __init__(self, selector: Callable[[Any], QuerySet], model: type[Model], **kwargs: Any) -> None:
        self.selector = selector
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet | None:
        request = self.context.get("request")
        if request is None:
            return super().get_queryset()
        return self.selector(request.user)

    def to_internal_value(self, data: Any) -> Model:
        # An id is a plain whole number (core.numbers): "1_0" is not id 10, nor " 1 " id 1.
        try:
            pk = parse_int(data)
        except NumberFormatError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= pk <= MAX_ID:
            self.fail("does_not_exist", pk_value=pk)
        return super().to_internal_value(pk)


NOT_A_NUMBER = gettext_lazy(
    "Enter a number with digits 0-9 and at most one decimal point: no spaces, separators or exponents."
)
NOT_A_WHOLE_NUMBER = gettext_lazy("Enter a whole number with digits 0-9: no spaces, separators or exponents.")


class StrictDecimalField(serializers.DecimalField):
    """A decimal read by ``core.numbers.parse_decimal`` (refusing "1_000", "1e3", " 1000 ",
    non-ASCII digits; full-width digits are read as ASCII), then checked by DRF for places."""

    default_error_messages = {"invalid": NOT_A_NUMBER}

    def to_internal_value(self, data: Any) -> Any:
        try:
            value = parse_decimal(data, allow_negative=True)
        except NumberFormatError:
            self.fail("invalid")
        return super().to_internal_value(str(value))


class StrictIntegerField(serializers.IntegerField):
    """A whole number read by ``core.numbers.parse_int``; see StrictDecimalField."""

    default_error_messages = {"invalid": NOT_A_WHOLE_NUMBER}

    def to_internal_value(self, data: Any) -> int:
        try:
            return parse_int(data, allow_negative=True)
        except NumberFormatError:
            self.fail("invalid")


def money_input(**kwargs: Any) -> serializers.DecimalField:
    """An amount as the API accepts it: a plain decimal (string or number) with at most two
    places; the service checks the sign, the limit (``money.MAX_AMOUNT``) and the currency's minor
    unit, so that every path refuses the same amounts with the same message."""
    return StrictDecimalField(max_digits=None, decimal_places=DECIMAL_PLACES, **kwargs)


def decimal_input(*, max_digits: int, decimal_places: int, **kwargs: Any) -> serializers.DecimalField:
    """A plain decimal that is not an amount (a percentage, a rate)."""
    return StrictDecimalField(max_digits=max_digits, decimal_places=decimal_places, **kwargs)


def integer_input(**kwargs: Any) -> serializers.IntegerField:
    """A plain whole number (an offset, a count, a day of the month)."""
    return StrictIntegerField(**kwargs)


def money_output(**kwargs: Any) -> serializers.DecimalField:
    """An amount or a sum as the API renders it. No digit limit: a sum of many amounts has more
    digits than one amount, and a read must never fail on what is stored."""
    return serializers.DecimalField(max_digits=None, decimal_places=DECIMAL_PLACES, read_only=True, **kwargs)


AS_OF_PARAMETER = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description=gettext_lazy("The date the figures are computed for (default: today)."),
)


class ServiceViewSet(viewsets.GenericViewSet):
    """A viewset whose writes parse input with a serializer, call a service and render the
    result; it holds no business rule itself. ``as_of`` is the date figures are computed for
    (``?as_of=``, default today)."""

    @property
    def user(self) -> User:
        """The requesting user; see ``request_user``."""
        return request_user(self.request)

    @cached_property
    def as_of(self) -> dt.date:
        request = getattr(self, "request", None)
        return as_of_from(request.query_params) if request is not None else today()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "as_of": self.as_of}

    def parse(self, serializer_class: type[serializers.Serializer], *, partial: bool = False) -> dict[str, Any]:
        """The request body checked for shape by ``serializer_class``. Raises ValidationError."""
        serializer = serializer_class(data=self.request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def render(
        self,
        instance: Model,
        *,
        status_code: int = status.HTTP_200_OK,
        serializer_class: type[serializers.BaseSerializer] | None = None,
    ) -> Response:
        """The record as the list shows it, fetched again so prefetches and annotations apply."""
        fresh = self.get_queryset().filter(pk=instance.pk).first() or instance
        output_class = serializer_class or self.get_serializer_class()
        return Response(output_class(fresh, context=self.get_serializer_context()).data, status=status_code)


def actor_company(user: User) -> Company:
    """The company a user's new company-wide records go to. Raises DomainError."""
    if user.company is None:
        raise DomainError(ApiErrorCode.NO_COMPANY, _("Your account is not attached to a company."))
    return user.company


class SelectorFilterBackend(DjangoFilterBackend):
    """For views whose selector applies the filters (``get_queryset`` calls ``*_list(filters=...)``):
    documents the view's ``filterset_class`` in the schema and passes the queryset through, so the
    filters run once, in the selector the pages call too."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        return queryset


SELECTOR_FILTER_BACKENDS = [SelectorFilterBackend, filters.SearchFilter, filters.OrderingFilter]
