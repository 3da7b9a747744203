"""Email settings from the environment, and the embedded default that writes each message to a
file the user can open.

``EMAIL_URL`` chooses the backend in one variable (``smtp://user:password@host:587?tls=1``,
``smtps://…`` for SSL, ``file:///var/mail/huikuan`` for .eml files, ``console:`` to print);
without it, ``EMAIL_HOST`` (with ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``,
``EMAIL_USE_TLS``, ``EMAIL_USE_SSL``) means SMTP as Django reads it; without either, messages go to
.eml files in the data directory's ``mail`` folder, so a demo needs no mail server."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

FILE_BACKEND = "huikuan.core.mail.EmlFileBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
_TRUE = {"1", "true", "yes", "on"}


def email_settings(environ: Mapping[str, str], data_dir: Path) -> dict[str, Any]:
    """Django's EMAIL_* settings for this environment. Raises ImproperlyConfigured on a bad EMAIL_URL."""
    found: dict[str, Any] = {
        "DEFAULT_FROM_EMAIL": environ.get("DEFAULT_FROM_EMAIL") or "huikuan@localhost",
        "EMAIL_TIMEOUT": int(environ.get("EMAIL_TIMEOUT") or 30),
    }
    url = environ.get("EMAIL_URL", "").strip()
    if url:
        found.update(_from_url(url))
    elif environ.get("EMAIL_HOST"):
        found.update(
            EMAIL_BACKEND=SMTP_BACKEND,
            EMAIL_HOST=environ["EMAIL_HOST"],
            EMAIL_PORT=int(environ.get("EMAIL_PORT") or 25),
            EMAIL_HOST_USER=environ.get("EMAIL_HOST_USER", ""),
            EMAIL_HOST_PASSWORD=environ.get("EMAIL_HOST_PASSWORD", ""),
            EMAIL_USE_TLS=environ.get("EMAIL_USE_TLS", "").lower() in _TRUE,
            EMAIL_USE_SSL=environ.get("EMAIL_USE_SSL", "").lower() in _TRUE,
        )
    else:
        found.update(EMAIL_BACKEND=FILE_BACKEND, EMAIL_FILE_PATH=str(data_dir / "mail"))
    return found


def _from_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE_BACKEND}
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL file:// needs a folder, e.g. file:///var/mail/huikuan")
        return {"EMAIL_BACKEND": FILE_BACKEND, "EMAIL_FILE_PATH": unquote(parts.path)}
    if scheme not in {"smtp", "smtps"} or not parts.hostname:
        scheme_given = url.split(":")[0]
        raise ImproperlyConfigured(f"EMAIL_URL must be smtp://, smtps://, file:// or console:, not {scheme_given!r}")
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    try:
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL has a bad port: {error}") from error
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": scheme == "smtp" and query.get("tls", "") in _TRUE,
    }


class EmlFileBackend(BaseEmailBackend):
    """Writes each message to its own ``.eml`` file (named by its Message-ID) in EMAIL_FILE_PATH,
    which any mail program opens; Django's own file backend appends every message of a connection
    to one log file instead."""

    def __init__(self, *, file_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)  # type: ignore[misc]  # set by email_settings

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            mime = message.message()
            name = re.sub(r"[^A-Za-z0-9._-]+", "_", str(mime["Message-ID"]).strip("<>")) or "message"
            (self.folder / f"{name}.eml").write_bytes(mime.as_bytes())
            sent += 1
        return sent
