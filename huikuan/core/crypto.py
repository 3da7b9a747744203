"""Secrets kept in the database (a bank account's number): encrypted at rest, found by a keyed digest.

The key comes from ``HUIKUAN_FIELD_KEYS`` (comma-separated; the first encrypts, every one decrypts, so
a key can be rotated) or, when unset, is derived from ``SECRET_KEY``: an install made by the one
setup command has encryption without a step of its own. Losing the key loses the numbers (the rows
keep only the last digits in clear), so a production install should set its own key and back it up.

The digest (HMAC-SHA256 under a key derived apart from the encryption key) lets a number be looked
up and kept unique without decrypting every row: Fernet tokens differ on every encryption. It is
keyed by the last key of the list, the install's first, so that adding a new key in front to rotate
the encryption leaves every digest as it was."""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _derived(secret: str, purpose: bytes) -> bytes:
    return hashlib.sha256(purpose + b"\0" + secret.encode()).digest()


def _secrets() -> list[str]:
    configured = [key.strip() for key in getattr(settings, "HUIKUAN_FIELD_KEYS", "").split(",") if key.strip()]
    return configured or [settings.SECRET_KEY]


@cache
def _fernet(secrets: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derived(s, b"huikuan.field"))) for s in secrets])


def encrypt(text: str) -> str:
    """``text`` encrypted (a Fernet token, ASCII)."""
    return _fernet(tuple(_secrets())).encrypt(text.encode()).decode("ascii")


class UndecryptableError(ValueError):
    """The token was written under a key this install no longer has."""


def decrypt(token: str) -> str:
    """The text of a token from ``encrypt``. Raises UndecryptableError."""
    try:
        return _fernet(tuple(_secrets())).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError) as error:
        raise UndecryptableError("the value was encrypted under another key") from error


def digest(text: str) -> str:
    """A keyed digest of ``text`` (hex): equal texts, equal digests; the text cannot be found from it."""
    key = _derived(_secrets()[-1], b"huikuan.digest")
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
