"""The owners' daily digest (员工提醒): for each owner, their customers' installments that fall due
in the next HUIKUAN_DIGEST_DAYS days and those that became overdue since their last digest, as a
notice in the app and, when the owner has an email address, an email. Once per owner and business
date (OwnerDigest is unique on both), written with its messages in one transaction per owner."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from huikuan.accounts.models import User
from huikuan.contracts.models import Installment
from huikuan.core import money
from huikuan.dunning import texts
from huikuan.dunning.choices import MessageKind
from huikuan.dunning.models import Message, OwnerDigest
from huikuan.dunning.notices import staff_message

LINES_SHOWN = 50


@dataclass(frozen=True)
class Line:
    customer_id: int
    customer: str
    contract: str
    sequence: int
    due_date: dt.date
    currency: str
    open_amount: str


def digests_send(*, company_id: int, as_of: dt.date, run_id: int | None = None) -> int:
    """Write the digest of every owner who has something in it for ``as_of``; the number written."""
    horizon = as_of + dt.timedelta(days=settings.HUIKUAN_DIGEST_DAYS)
    previous = dict(
        OwnerDigest.objects.filter(company_id=company_id, business_date__lt=as_of)
        .values("owner_id")
        .annotate(last=Max("business_date"))
        .values_list("owner_id", "last")
    )
    done_today = set(
        OwnerDigest.objects.filter(company_id=company_id, business_date=as_of).values_list("owner_id", flat=True)
    )
    # the earliest day any owner's "became overdue" reaches back to: a week at most for an owner
    # without an earlier digest, so that a first digest is not the whole book's history
    first_day = as_of - dt.timedelta(days=7)
    rows = (
        Installment.objects.filter(
            company_id=company_id,
            open_amount__gt=0,
            booked_on__isnull=False,
            booked_on__lte=as_of,
            due_date__gte=min([first_day, *previous.values()]),
            due_date__lte=horizon,
        )
        .order_by("due_date", "customer__name", "pk")
        .values_list(
            "customer__owner_id",
            "customer_id",
            "customer__name",
            "contract__number",
            "sequence",
            "due_date",
            "currency",
            "open_amount",
        )
    )
    soon: dict[int, list[Line]] = defaultdict(list)
    overdue: dict[int, list[Line]] = defaultdict(list)
    for owner_id, customer_id, name, number, sequence, due_date, currency, open_amount in rows:
        if due_date is None:  # the query asks for due dates in a range: never None here
            continue
        line = Line(customer_id, name, number, sequence, due_date, currency, money.display(open_amount))
        since = previous.get(owner_id, first_day)
        if due_date >= as_of:
            soon[owner_id].append(line)
        elif due_date >= since:  # overdue from the day after its due date, which came since the last digest
            overdue[owner_id].append(line)
    owners = {user.pk: user for user in User.objects.filter(pk__in=set(soon) | set(overdue), is_active=True)}
    written = 0
    for owner_id in sorted(owners):
        if owner_id in done_today:
            continue
        if _write(owners[owner_id], company_id, as_of, soon[owner_id], overdue[owner_id], run_id):
            written += 1
    return written


def _write(
    owner: User, company_id: int, as_of: dt.date, soon: list[Line], overdue: list[Line], run_id: int | None
) -> bool:
    language = texts.language_of(owner.language)
    with translation.override(language):
        subject = _("Your customers: %(soon)d falling due, %(overdue)d newly overdue (%(date)s)") % {
            "soon": len(soon),
            "overdue": len(overdue),
            "date": as_of.isoformat(),
        }
        body = "\n".join(
            [
                *_section(
                    _("Falling due by %(date)s")
                    % {"date": (as_of + dt.timedelta(days=settings.HUIKUAN_DIGEST_DAYS)).isoformat()},
                    soon,
                ),
                *_section(_("Newly overdue"), overdue),
            ]
        )
    messages = [
        staff_message(
            company_id=company_id,
            user=owner,
            kind=MessageKind.OWNER_DIGEST,
            language=language,
            subject=subject,
            body=body,
            by_email=by_email,
            run_id=run_id,
        )
        for by_email in ([False, True] if owner.email else [False])
    ]
    try:
        with transaction.atomic():
            OwnerDigest.objects.create(
                company_id=company_id,
                owner=owner,
                business_date=as_of,
                due_soon=len(soon),
                became_overdue=len(overdue),
            )
            Message.objects.bulk_create(messages)
    except IntegrityError:
        return False  # another run wrote it first
    return True


def _section(title: str, lines: list[Line]) -> list[str]:
    if not lines:
        return []
    shown = [
        f"- {line.customer} {line.contract} #{line.sequence}: {line.due_date} {line.currency} {line.open_amount}"
        for line in lines[:LINES_SHOWN]
    ]
    more = len(lines) - LINES_SHOWN
    if more > 0:
        shown.append(ngettext("… and %(count)d more", "… and %(count)d more", more) % {"count": more})
    return [f"{title} ({len(lines)})", *shown, ""]
