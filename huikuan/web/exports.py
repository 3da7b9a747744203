"""Lists to .xlsx and CSV: what the page shows, every row of it (``lists.Column``).

The rows are read in chunks through the list's own slicing (a status list reads a slice through
its indexes, ``receivables.selectors.InstallmentQuerySet``), so figures are attached as on the
page. An export holds at most ``MAX_ROWS`` rows; a bigger list is refused with a message asking to
narrow the filters, before anything is read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from huikuan.core.paging import count_up_to
from huikuan.web.lists import Column, cells, page_of, plain

MAX_ROWS = 100_000
CHUNK = 2_000
FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TooManyRows(Exception):
    def __init__(self, count: int) -> None:
        super().__init__(
            _("The list has more than %(limit)s rows: narrow the filters to export it.") % {"limit": f"{MAX_ROWS:,}"}
        )
        self.count = count


def _rows(rows: Any) -> Iterator[Any]:
    start = 0
    while True:
        chunk = list(rows[start : start + CHUNK])
        yield from chunk
        if len(chunk) < CHUNK:
            return
        start += CHUNK


def _values(columns: Sequence[Column], rows: Any) -> Iterator[list[Any]]:
    for row in _rows(rows):
        yield [plain(column.cell(row)) for column in columns]


def export(rows: Any, columns: Sequence[Column], *, fmt: str, name: str) -> HttpResponse:
    """The whole list as a download. Raises TooManyRows for a list longer than MAX_ROWS."""
    counted = count_up_to(rows, MAX_ROWS + 1)
    if counted > MAX_ROWS:
        raise TooManyRows(counted)
    headers = [str(column.label) for column in columns]
    if fmt == "csv":
        buffer = io.StringIO()
        # a byte-order mark, so Excel opens the Chinese as UTF-8
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(_values(columns, rows))
        response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=name[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for values in _values(columns, rows):
        sheet.append(values)
    buffer_bytes = io.BytesIO()
    book.save(buffer_bytes)
    response = HttpResponse(buffer_bytes.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def export_or_page(
    request: HttpRequest, rows: Any, columns: Sequence[Column], *, name: str, refused: bool = False
) -> HttpResponse | dict[str, Any]:
    """What a list page answers: the export its query string asks for (``?export=xlsx|csv``), or
    the context of the page asked for (``page``, ``columns`` and the ``rows``' cells). A list whose
    filters were refused (``refused``) is not exported; one too long to export shows its page
    with the message saying why."""
    fmt = request.GET.get("export")
    if fmt in FORMATS and not refused:
        try:
            return export(rows, columns, fmt=fmt, name=name)
        except TooManyRows as error:
            messages.error(request, str(error))
    page = page_of(request, rows)
    return {"page": page, "columns": columns, "rows": [cells(columns, row) for row in page.object_list]}
