"""POST /api/v1/auth/token/: a user's API token for their username and password.

Our own view rather than DRF's ``obtain_auth_token`` because sign-in throttling (django-axes) must
see the Django request: DRF's view passes its own Request wrapper to ``authenticate``, on which the
lockout flag never reaches AxesMiddleware. A locked-out user or address gets 429 ``{code, message}``
even with the right password (huikuan.accounts.lockout)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.lockout import lockout_response
from huikuan.api.errors import ApiErrorCode
from huikuan.core.errors import DomainError


class TokenCredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class ObtainTokenView(APIView):
    # Credentials come in the body; a stale Authorization header must not turn this into a 401.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenCredentialsSerializer,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Too many failed sign-ins for this user or from this address."),
        },
    )
    def post(self, request: Request) -> HttpResponse:
        serializer = TokenCredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            django_request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            return lockout_response(django_request)
        if user is None:
            raise DomainError(ApiErrorCode.INVALID_CREDENTIALS, _("The username or password is wrong."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


obtain_token = ObtainTokenView.as_view()
