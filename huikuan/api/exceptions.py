"""The one exception handler of the API: domain and validation errors become 400s with field
messages, never a 500."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from huikuan.api.errors import ApiErrorCode
from huikuan.core.errors import DomainError

logger = logging.getLogger(__name__)


def _field_messages(detail) -> dict:
    if isinstance(detail, dict):
        return {
            str(k): _field_messages(v) if isinstance(v, dict) else [str(m) for m in _as_list(v)]
            for k, v in detail.items()
        }
    return {"non_field_errors": [str(m) for m in _as_list(detail)]}


def _as_list(value) -> list:
    if isinstance(value, list):
        out: list = []
        for item in value:
            out.extend(_as_list(item) if isinstance(item, list) else [item])
        return out
    return [value]


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(
            {"code": ApiErrorCode.INVALID, "message": _("Invalid input."), "fields": _field_messages(detail)},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        # A database constraint caught what the service checks should have: refuse, do not crash.
        logger.warning("integrity error reached the API: %s", exc)
        return Response(
            {"code": ApiErrorCode.CONFLICT, "message": _("The change conflicts with the data; nothing was saved.")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, exceptions.ValidationError):
        return Response(
            {"code": ApiErrorCode.INVALID, "message": _("Invalid input."), "fields": _field_messages(exc.detail)},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, RequestDataTooBig):
        # DRF reads the body through request.body, which enforces DATA_UPLOAD_MAX_MEMORY_SIZE.
        return Response(
            {"code": ApiErrorCode.REQUEST_TOO_LARGE, "message": _("The request body is too large.")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, TooManyFieldsSent):
        return Response(
            {"code": ApiErrorCode.PARSE_ERROR, "message": _("The request has too many fields.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, RecursionError):
        # Only a body parsed by a parser other than ours (huikuan.api.parsers bounds the depth)
        # can get here, e.g. DRF's own parsers on the token view: still a bad request, not a 500.
        logger.warning("recursion error reached the API: %s", exc)
        return Response(
            {"code": ApiErrorCode.PARSE_ERROR, "message": _("The request body nests too deeply.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"code": getattr(detail, "code", "error"), "message": str(detail)}
    return response
