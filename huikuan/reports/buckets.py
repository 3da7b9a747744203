"""Aging buckets: the upper bounds in days overdue, as a user types them ("30, 60, 90") and as
the figures take them (``receivables.figures.DEFAULT_BUCKETS``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from huikuan.core.errors import DomainError
from huikuan.receivables.figures import DEFAULT_BUCKETS
from huikuan.reports.errors import ReportErrorCode

MAX_BUCKETS = 12
# ten years: a bound past it is a typing mistake, and keeps the date arithmetic in range
MAX_DAYS = 3650


def parse_buckets(text: str | None, *, field: str = "buckets") -> tuple[int, ...]:
    """Bounds from text such as "30, 60, 90, 180" (commas, Chinese commas or spaces); the default
    when blank. Raises DomainError naming ``field`` for anything else: bounds must be whole days
    from 1 to 3650, rising, at most twelve."""
    if text is None or not text.strip():
        return DEFAULT_BUCKETS
    pieces = [piece for piece in re.split(r"[\s,，、;；]+", text.strip()) if piece]
    message = _(
        "Enter the buckets' upper bounds in days overdue, rising, separated by commas "
        "(for example 30, 60, 90): at most %(count)d, each from 1 to %(days)d."
    ) % {"count": MAX_BUCKETS, "days": MAX_DAYS}
    if not pieces or len(pieces) > MAX_BUCKETS or not all(piece.isascii() and piece.isdigit() for piece in pieces):
        raise DomainError(ReportErrorCode.INVALID_BUCKETS, message, field=field)
    bounds = tuple(int(piece) for piece in pieces)
    if bounds[0] < 1 or bounds[-1] > MAX_DAYS or any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)):
        raise DomainError(ReportErrorCode.INVALID_BUCKETS, message, field=field)
    return bounds


def buckets_text(buckets: Sequence[int]) -> str:
    return ", ".join(str(bound) for bound in buckets)


def bucket_labels(buckets: Sequence[int]) -> list[str]:
    """The columns of an aging: not overdue, then each range of days overdue, then the rest."""
    labels = [_("Not overdue")]
    lower = 1
    for bound in buckets:
        labels.append(_("%(low)d–%(high)d days") % {"low": lower, "high": bound})
        lower = bound + 1
    labels.append(_("Over %(days)d days") % {"days": lower - 1})
    return labels


def bucket_ranges(buckets: Sequence[int]) -> list[tuple[int, int | None]]:
    """(first, last) days overdue of each overdue bucket, the last one open-ended (None)."""
    ranges: list[tuple[int, int | None]] = []
    lower = 1
    for bound in buckets:
        ranges.append((lower, bound))
        lower = bound + 1
    ranges.append((lower, None))
    return ranges
