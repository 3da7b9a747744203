"""Error codes of users, roles and ownership."""

from enum import StrEnum


class AccountErrorCode(StrEnum):
    INVALID_OWNER = "invalid_owner"
    LOCKED_OUT = "locked_out"
