"""Request body parsers of the API: bounded in size and depth, so no body can exhaust memory or
Python's recursion limit (a 5,000-deep JSON array used to be a 500).

- Size: at most ``settings.DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes, else 413. Django checks that
  limit only when ``request.body`` or ``request.POST`` is read; DRF reads the stream itself.
- Depth: arrays and objects nested at most MAX_DEPTH deep, else 400. No request of ours nests more
  than four levels (a plan's lines inside the body); the limit leaves room and stays far below
  the recursion limit of the standard JSON decoder.
- Numbers: JSON numbers are read as Decimal, never float, so ``1000.10`` keeps its cents exactly and
  ``1e3`` stays an exponent that the number fields refuse (core.numbers). ``NaN`` and
  ``Infinity``, which Python's decoder accepts but JSON does not, are refused.
"""

from __future__ import annotations

import codecs
import json
import re
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers, status

MAX_DEPTH = 32

# A JSON string (with its escapes) or a bracket: strings are skipped whole, so a bracket inside one
# does not count.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "request_too_large"


def read_bounded(stream: IO[bytes] | None) -> bytes:
    """The whole body, refused (413) beyond DATA_UPLOAD_MAX_MEMORY_SIZE bytes."""
    if stream is None:
        return b""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = stream.read(limit + 1) if limit is not None else stream.read()
    if limit is not None and len(body) > limit:
        raise RequestTooLarge()
    return body


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text (0 for a scalar). Linear, no recursion."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        piece = match.group()
        if piece in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif piece in ("]", "}"):
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, bounded in size and depth, reading numbers as Decimal."""

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        body = read_bounded(stream)
        try:
            text = codecs.decode(body, encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise exceptions.ParseError(_("The request body is not valid text.")) from error
        if nesting_depth(text) > MAX_DEPTH:
            raise exceptions.ParseError(
                _("The request body nests deeper than %(depth)s levels.") % {"depth": MAX_DEPTH}
            )
        try:
            return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError(_("The request body is not valid JSON.")) from error


class FormParser(parsers.FormParser):
    """DRF's form parser (the token endpoint's ``-d username=...``), bounded in size."""

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        return super().parse(BytesIO(read_bounded(stream)), media_type, parser_context)
