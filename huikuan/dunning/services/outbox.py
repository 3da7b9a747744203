"""Sending the outbox: every queued message whose time has come goes out once.

A sender claims a message with one conditional UPDATE (queued → sending, committed before it
sends), so two workers never send the same message. It then records sent, or on a transient
failure puts it back in the queue for a later attempt (1, 5, 30, 120 minutes, then 8 hours), or on a
permanent one (or after the last attempt) marks it failed with the reason. A sender that dies
between handing a message over and recording it leaves it "sending": after a while it is marked
unknown, shown in the log, and resent only when a person says so (rule 7: at most once, and
nothing silently skipped)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_visible
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.core.errors import DomainError
from huikuan.core.locking import for_update
from huikuan.dunning import channels, texts
from huikuan.dunning.choices import Channel, MessageStatus
from huikuan.dunning.errors import DunningErrorCode as Code
from huikuan.dunning.models import Message

BACKOFF_MINUTES = (1, 5, 30, 120, 480)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
STUCK_AFTER = dt.timedelta(minutes=15)
PAGE = 200


@dataclass
class DispatchReport:
    counts: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, int]:
        return {str(key): value for key, value in self.counts.items() if value}


def due_messages(now: dt.datetime) -> Q:
    return Q(status=MessageStatus.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def outbox_dispatch(*, now: dt.datetime | None = None, limit: int | None = None) -> DispatchReport:
    """Send the queued messages that are due, oldest first, each in its own transactions; at most
    ``limit`` of them. Safe to run in several workers at once."""
    now = now or timezone.now()
    report = DispatchReport()
    report.counts["unknown"] += _mark_stuck(now)
    tried: set[int] = set()
    while limit is None or len(tried) < limit:
        ids = [
            pk
            for pk in Message.objects.filter(due_messages(now)).order_by("pk").values_list("pk", flat=True)[:PAGE]
            if pk not in tried
        ]
        if not ids:
            break
        for pk in ids[: None if limit is None else limit - len(tried)]:
            tried.add(pk)
            message = _claim(pk, now)
            if message is not None:
                report.counts[_send(message, now)] += 1
    return report


def _claim(pk: int, now: dt.datetime) -> Message | None:
    claimed = Message.objects.filter(due_messages(now), pk=pk).update(
        status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return Message.objects.get(pk=pk) if claimed else None


def _send(message: Message, now: dt.datetime) -> str:
    if not message.body:
        # its text is fixed now, as it goes out: the log shows what was sent
        message.subject, message.body = texts.message_text(message)
        Message.objects.filter(pk=message.pk).update(subject=message.subject, body=message.body)
    try:
        if message.channel == Channel.EMAIL:
            channels.send_email(message, get_connection())
        elif message.channel == Channel.SMS:
            channels.send_sms(message)
        else:  # in-app notices and letters are delivered when written; nothing else is queued
            raise channels.Permanent(f"nothing sends channel {message.channel!r}")
    except channels.Transient as error:
        if message.attempts >= MAX_ATTEMPTS:
            return _record(message, MessageStatus.FAILED, str(error))
        wait = dt.timedelta(minutes=BACKOFF_MINUTES[message.attempts - 1])
        return _record(message, MessageStatus.QUEUED, str(error), next_attempt_at=now + wait)
    except channels.Permanent as error:
        return _record(message, MessageStatus.FAILED, str(error))
    return _record(message, MessageStatus.SENT, "", sent_at=timezone.now())


def _record(message: Message, status: str, error: str, **extra: dt.datetime) -> str:
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=status, last_error=error[:2000], claimed_at=None, **extra
    )
    return "retry" if status == MessageStatus.QUEUED else status


def _mark_stuck(now: dt.datetime) -> int:
    return Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=MessageStatus.UNKNOWN,
        last_error="the sender stopped while sending: check with the recipient before resending",
    )


@transaction.atomic
def message_resend(*, actor: User, message: Message) -> Message:
    """Queue a failed message, or one whose sending is unknown, again (the same message, with the
    same Message-ID). Raises DomainError."""
    require(actor, Perm.COLLECTION_WORK)
    if message.customer is not None:
        require_visible(actor, message.customer, owner="owner")
    message = for_update(Message.objects).get(pk=message.pk)
    if message.status not in {MessageStatus.FAILED, MessageStatus.UNKNOWN} or message.channel not in {
        Channel.EMAIL,
        Channel.SMS,
    }:
        raise DomainError(Code.MESSAGE_NOT_RESENDABLE, _("Only a failed or unknown email or text can be sent again."))
    before = message.status
    message.status, message.attempts, message.next_attempt_at = MessageStatus.QUEUED, 0, None
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit.record(action=AuditAction.MESSAGE_RESENT, target=message, actor=actor, data={"before": before})
    return message
