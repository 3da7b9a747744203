"""Error codes of the API front door (requests, tokens, idempotency)."""

from enum import StrEnum


class ApiErrorCode(StrEnum):
    CONFLICT = "conflict"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INVALID = "invalid"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    NO_COMPANY = "no_company"
    PARSE_ERROR = "parse_error"
    REQUEST_TOO_LARGE = "request_too_large"
