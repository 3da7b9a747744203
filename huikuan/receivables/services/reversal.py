"""The one way a posted row (receipt, allocation, adjustment) is reversed: its reversal fields are
filled once, with who, when and why; its amounts and dates never change (DOMAIN.md rule 4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.core.dates import require_business_date, require_not_future, require_order, today
from huikuan.core.errors import DomainError
from huikuan.receivables.errors import ReceivableErrorCode as Code
from huikuan.receivables.models import Reversible


def reversal_date(row: Reversible, *, starts_on: dt.date, reversed_on: dt.date | None) -> dt.date:
    """The date a reversal of ``row`` takes effect: today unless given, not in the future, not
    before ``starts_on`` (when the row took effect). Raises DomainError."""
    if row.is_reversed:
        raise DomainError(
            Code.ALREADY_REVERSED,
            _("%(record)s is already reversed.") % {"record": capfirst(row._meta.verbose_name)},
        )
    reversed_on = reversed_on or today()
    require_not_future(reversed_on, field="reversed_on")
    require_business_date(reversed_on, field="reversed_on")
    require_order(
        starts_on, reversed_on, field="reversed_on", message=_("A reversal cannot come before what it undoes.")
    )
    return reversed_on


def mark_reversed(rows: Sequence[Reversible], *, actor: User, reason: str, reversed_on: dt.date) -> None:
    """Fill the reversal fields of rows already checked by ``reversal_date``."""
    now = timezone.now()
    for row in rows:
        row.reversed_on, row.reversed_at, row.reversed_by, row.reversal_reason = reversed_on, now, actor, reason
        row.save(update_fields=["reversed_on", "reversed_at", "reversed_by", "reversal_reason"])
