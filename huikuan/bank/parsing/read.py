"""The one entry point: bytes of an uploaded statement file → ParsedFile, or StatementFileError."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import FORMATS, ColumnMapping, ParsedFile, StatementFileError
from .camt053 import read_camt053
from .checks import statement_problems
from .columns import guess_mapping
from .detect import detect_format
from .mt940 import read_mt940
from .problems import fail
from .spreadsheet import csv_rows, find_header, read_spreadsheet, xlsx_sheets

__all__ = ["detect_format", "guess_mapping", "read_statement_file"]


def read_statement_file(
    data: bytes,
    *,
    file_name: str = "",
    format: str = "auto",
    mapping: ColumnMapping | None = None,
    default_currency: str = "CNY",
    check_balances: bool = True,
) -> ParsedFile:
    """Read a whole statement file. ``format`` is one of FORMATS or 'auto'; ``mapping`` applies to CSV and
    XLSX (None: find the header row and guess it); ``default_currency`` is for spreadsheets without a
    currency column. With ``check_balances`` a statement whose balances or declared totals disagree
    with its lines is refused, since lines would then be missing or wrong."""
    if not data or not data.strip():
        raise fail(_("The file is empty."))
    if format == "auto":
        format = detect_format(data, file_name)
    elif format not in FORMATS:
        raise fail(_("Unknown statement format “%(format)s”.") % {"format": format})
    if format == "csv":
        parsed = read_spreadsheet(
            csv_rows(data, mapping), format="csv", mapping=mapping, default_currency=default_currency
        )
    elif format == "xlsx":
        parsed = _read_xlsx(data, mapping, default_currency)
    elif format == "mt940":
        parsed = read_mt940(data)[0]
    else:
        parsed = read_camt053(data)
    if check_balances:
        errors = [error for number, st in enumerate(parsed.statements, 1) for error in statement_problems(st, number)]
        if errors:
            raise StatementFileError(errors)
    return parsed


def _read_xlsx(data: bytes, mapping: ColumnMapping | None, default_currency: str) -> ParsedFile:
    sheets = xlsx_sheets(data)
    # the first sheet with a header row: some banks put a cover sheet first
    rows = next((sheet for sheet in sheets if find_header(sheet, mapping) is not None), sheets[0] if sheets else [])
    return read_spreadsheet(rows, format="xlsx", mapping=mapping, default_currency=default_currency)
