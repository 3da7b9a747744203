"""The audit trail as CSV, one row per event, written as it is read (the trail can be long)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.audit.chain import canonical_json
from huikuan.audit.models import AuditEvent

# A cell starting with one of these is a formula to a spreadsheet: a label such as "=HYPERLINK(...)"
# typed into a customer name must stay text when an auditor opens the export.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _header() -> list[str]:
    return [
        _("sequence"),
        _("at"),
        _("company"),
        _("actor"),
        _("action"),
        _("action code"),
        _("target type"),
        _("target id"),
        _("target"),
        _("reason"),
        _("data"),
        _("previous hash"),
        _("hash"),
    ]


def _row(event: AuditEvent) -> list[str]:
    return [
        _cell(event.sequence),
        _cell(timezone.localtime(event.created_at).isoformat()),
        _cell(event.company.code if event.company else ""),
        _cell(event.actor.username if event.actor else ""),
        _cell(event.action_label),
        _cell(event.action),
        _cell(event.target_type),
        _cell(event.target_id),
        _cell(event.target_label),
        _cell(event.reason),
        _cell(canonical_json(event.data)),
        event.prev_hash,
        event.hash,
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that Excel reads the Chinese as UTF-8
    yield writer.writerow(_header())
    for event in events:
        yield writer.writerow(_row(event))


def csv_response(events: QuerySet[AuditEvent], *, filename: str = "audit-events.csv") -> StreamingHttpResponse:
    """A download of exactly ``events``, oldest first."""
    rows = events.select_related("actor", "company").order_by("sequence").iterator(chunk_size=2000)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
