"""A message to a user of the workbench (a notice in the app, or their email), written with its
text: digests, broken promises and risk alerts say what they say when they are made."""

from __future__ import annotations

from django.utils import timezone

from huikuan.accounts.models import User
from huikuan.dunning.choices import Channel, MessageStatus
from huikuan.dunning.models import Message


def staff_message(
    *,
    company_id: int,
    user: User,
    kind: str,
    language: str,
    subject: str,
    body: str,
    by_email: bool = False,
    customer_id: int | None = None,
    run_id: int | None = None,
) -> Message:
    """Unsaved: a notice in the app (delivered as it is written), or with ``by_email`` an email to
    the user's address, queued for the outbox."""
    return Message(
        company_id=company_id,
        customer_id=customer_id,
        recipient_user=user,
        run_id=run_id,
        channel=Channel.EMAIL if by_email else Channel.IN_APP,
        kind=kind,
        language=language,
        to_address=user.email if by_email else "",
        subject=subject[:300],
        body=body,
        status=MessageStatus.QUEUED if by_email else MessageStatus.SENT,
        sent_at=None if by_email else timezone.now(),
    )
