"""Reports as files: one ``ReportDocument`` (title, lines under it, tables with totals) written as
.xlsx (openpyxl) or PDF (``core.pdf``, which renders Chinese with ReportLab's CID font). A report
page builds the document from the same figures it shows, so the file holds what the page does."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from huikuan.core.money import display
from huikuan.web.exports import XLSX_TYPE

FORMATS = ("xlsx", "pdf")
# a PDF past this many rows is hundreds of pages nobody prints: the Excel file holds them all
MAX_PDF_ROWS = 5_000
AMOUNT_FORMAT = "#,##0.00"
BOLD = Font(bold=True)


class TooLong(Exception):
    def __init__(self, rows: int) -> None:
        super().__init__(
            _("The report has %(rows)s lines, too many for a PDF (at most %(limit)s): narrow it, or export to Excel.")
            % {"rows": f"{rows:,}", "limit": f"{MAX_PDF_ROWS:,}"}
        )


@dataclass
class Sheet:
    """One table: headers, rows of values (text, Decimal amounts, dates, whole numbers), which
    columns are numeric, and total rows set in bold."""

    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    numeric: frozenset[int] = frozenset()
    totals: Sequence[Sequence[Any]] = ()


@dataclass
class ReportDocument:
    title: str
    name: str  # the file's name, without extension
    lines: Sequence[str] = ()
    sheets: Sequence[Sheet] = ()
    footer: Sequence[str] = ()
    landscape: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def text(value: Any) -> str:
    """A value as the PDF writes it: amounts with separators, dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return display(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def xlsx(document: ReportDocument) -> bytes:
    book = Workbook(write_only=True)
    for number, sheet in enumerate(document.sheets or [Sheet(document.title, [], [])]):
        title = (sheet.caption or document.title)[:31] or f"{number + 1}"
        ws = book.create_sheet(title=_sheet_title(title, number))
        for line in (document.title, *document.lines):
            ws.append([line])
        ws.append([])

        ws.append(_cells(ws, sheet.headers, strong=True))
        for values in sheet.rows:
            ws.append(_cells(ws, values))
        for values in sheet.totals:
            ws.append(_cells(ws, values, strong=True))
        for line in document.footer:
            ws.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cells(ws: Any, values: Sequence[Any], *, strong: bool = False) -> list[Any]:
    row = []
    for value in values:
        cell = WriteOnlyCell(ws, value="" if value is None else value)
        if isinstance(value, Decimal):
            cell.number_format = AMOUNT_FORMAT
        if strong:
            cell.font = BOLD
        row.append(cell)
    return row


def _sheet_title(title: str, number: int) -> str:
    # Excel refuses these characters in a sheet's name
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip() or str(number + 1)
    return cleaned[:31]


def pdf(document: ReportDocument) -> bytes:
    from huikuan.core import pdf as renderer

    rows = sum(len(sheet.rows) for sheet in document.sheets)
    if rows > MAX_PDF_ROWS:
        raise TooLong(rows)
    tables = []
    for sheet in document.sheets:
        body = [[text(value) for value in values] for values in sheet.rows]
        totals = [[text(value) for value in values] for values in sheet.totals]
        # the renderer sets one bold total row; more (one per currency) go in as rows, the last bold
        last = totals[-1] if totals else None
        table = renderer.Table(
            headers=[str(h) for h in sheet.headers],
            rows=[*body, *totals[:-1]],
            numeric=sorted(sheet.numeric),
            total=last,
        )
        tables.append((sheet.caption, table))
    return renderer.render(
        renderer.Document(
            title=document.title,
            lines=list(document.lines),
            tables=tables,
            footer=list(document.footer),
            landscape=document.landscape,
        )
    )


def respond(document: ReportDocument, *, fmt: str) -> HttpResponse:
    """The document as a download in ``fmt`` (xlsx or pdf). Raises TooLong for a PDF too long."""
    if fmt == "pdf":
        response = HttpResponse(pdf(document), content_type="application/pdf")
    else:
        response = HttpResponse(xlsx(document), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{document.name}.{fmt}"'
    return response


def printed_by(request: HttpRequest | None) -> list[str]:
    """The line naming who printed a report (none without a signed-in user)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return [_("Printed by %(name)s") % {"name": user.get_full_name() or user.get_username()}]
