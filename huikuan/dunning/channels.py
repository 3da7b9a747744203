"""Where messages go: email through Django's email backend (SMTP, files, console: core/mail.py),
text messages through an SMS provider, and in-app notices (written already delivered).

A channel raises ``Transient`` for a failure worth retrying (a server down, a timeout, a 4xx of
SMTP) and ``Permanent`` for one that will not mend by waiting (an address refused)."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from huikuan.dunning.letters import letter_pdf
from huikuan.dunning.models import Message


class Transient(Exception):
    """Failed, may succeed later."""


class Permanent(Exception):
    """Failed, will fail again."""


def message_id(message: Message) -> str:
    """The Message-ID of a message's email: the same on every attempt, so a receiving server (and a
    person) can tell a retry from a new message."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<huikuan-message-{message.pk}@{domain}>"


def send_email(message: Message, connection: BaseEmailBackend) -> None:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        headers={"Message-ID": message_id(message)},
        connection=connection,
    )
    if message.has_letter:
        email.attach(f"letter-{message.pk}.pdf", letter_pdf(message), "application/pdf")
    try:
        email.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        raise Permanent(str(error)) from error
    except smtplib.SMTPResponseException as error:
        # 5xx: the server refuses the message itself; 4xx: try again later
        if 500 <= error.smtp_code < 600:
            raise Permanent(f"{error.smtp_code} {error.smtp_error!r}") from error
        raise Transient(f"{error.smtp_code} {error.smtp_error!r}") from error
    except (smtplib.SMTPException, OSError) as error:
        raise Transient(f"{type(error).__name__}: {error}") from error


class SmsProvider(Protocol):
    def send(self, *, message_id: int, to: str, text: str) -> None: ...


class HttpJsonSms:
    """Posts ``{"id", "to", "text"}`` as JSON to a configured address, signed with
    ``X-Huikuan-Signature: sha256=<HMAC-SHA256 of the body under the shared secret>``; a 2xx answer
    is success, 408, 429 and 5xx are retried, any other answer is final. The id is also sent as
    ``Idempotency-Key``, so a provider that honours it never sends a retry twice."""

    def __init__(self, url: str, secret: str, timeout: float = 10) -> None:
        self.url, self.secret, self.timeout = url, secret.encode(), timeout

    def send(self, *, message_id: int, to: str, text: str) -> None:
        body = json.dumps({"id": message_id, "to": to, "text": text}, ensure_ascii=False).encode()
        signature = hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(  # noqa: S310  # the address is the operator's setting
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Huikuan-Signature": f"sha256={signature}",
                "Idempotency-Key": f"huikuan-message-{message_id}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                answer.read()
        except urllib.error.HTTPError as error:
            if error.code in {408, 429} or error.code >= 500:
                raise Transient(f"HTTP {error.code}") from error
            raise Permanent(f"HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise Transient(f"{type(error).__name__}: {error}") from error


class FileSms:
    """The embedded default, like email's: each text is written to ``<id>.json`` in a folder (the
    data directory's ``sms``), the same JSON the HTTP provider would get, so a demo needs no provider."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, *, message_id: int, to: str, text: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            body = json.dumps({"id": message_id, "to": to, "text": text}, ensure_ascii=False, indent=2)
            (self.folder / f"{message_id}.json").write_text(body + "\n", encoding="utf-8")
        except OSError as error:
            raise Transient(f"{type(error).__name__}: {error}") from error


def sms_provider() -> SmsProvider:
    if settings.HUIKUAN_SMS_URL:
        return HttpJsonSms(settings.HUIKUAN_SMS_URL, settings.HUIKUAN_SMS_SECRET)
    return FileSms(Path(settings.HUIKUAN_SMS_FILE_PATH))


def send_sms(message: Message) -> None:
    sms_provider().send(message_id=message.pk, to=message.to_address, text=message.body)
