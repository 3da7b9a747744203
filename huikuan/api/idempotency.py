"""Idempotent POSTs: a client that sends an ``Idempotency-Key`` header may retry a request safely.

The first request runs and its response is stored, in the same transaction as the records it
created, under (user, scope, key) with a hash of the body. A retry with the same key and body
gets the stored response back and creates nothing; the same key with another body is refused
(422), since the client is confused about what it sent. Two concurrent requests with one key
both run, but only one can commit its record (unique constraint): the loser's transaction,
receipt and all, rolls back and it answers with the winner's stored response.

Only successful (2xx) responses are stored: a refused request changed nothing, so running it
again is harmless and lets the client fix a transient cause."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.api.errors import ApiErrorCode
from huikuan.api.tools import request_user
from huikuan.core.errors import DomainError
from huikuan.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A unique key per intended operation; a retry with the same key and body replays the first answer.",
)


class IdempotencyKeyReused(DomainError):
    """The key was already used for a request with another body."""

    status_code = 422


def request_hash(data: Any) -> str:
    """sha256 of the body in canonical JSON (sorted keys, no spaces), so key order does not matter."""
    if isinstance(data, QueryDict):
        data = {key: data.getlist(key) for key in sorted(data)}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _find_record(*, user: Any, scope: str, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(user=user, scope=scope, key=key).first()


def _replay(record: IdempotencyRecord, digest: str) -> Response:
    if record.request_hash != digest:
        raise IdempotencyKeyReused(
            ApiErrorCode.IDEMPOTENCY_KEY_REUSED,
            _("This Idempotency-Key was already used for a different request; use a new key."),
        )
    response = Response(record.response_body, status=record.status_code)
    response[REPLAYED_HEADER] = "true"
    return response


def _key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            ApiErrorCode.INVALID_IDEMPOTENCY_KEY,
            _("The Idempotency-Key header must have 1 to %(max)s characters.") % {"max": MAX_KEY_LENGTH},
        )
    return key


def idempotent(request: Request, scope: str, handler: Callable[[], Response]) -> Response:
    """Run ``handler`` (which calls the service and builds the response) at most once per key.

    Without the header the handler simply runs. Raises IdempotencyKeyReused (422)."""
    key = _key(request)
    if key is None:
        return handler()
    digest = request_hash(request.data)
    record = _find_record(user=request_user(request), scope=scope, key=key)
    if record is not None:
        return _replay(record, digest)
    try:
        with transaction.atomic():
            response = handler()
            if status.is_success(response.status_code):
                IdempotencyRecord.objects.create(
                    user=request_user(request),
                    scope=scope,
                    key=key,
                    request_hash=digest,
                    status_code=response.status_code,
                    response_body=json.loads(json.dumps(response.data, cls=DjangoJSONEncoder)),
                )
    except IntegrityError:
        # A concurrent request with the same key committed first; ours has rolled back.
        record = _find_record(user=request_user(request), scope=scope, key=key)
        if record is None:
            raise
        return _replay(record, digest)
    return response
