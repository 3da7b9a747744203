"""Untrusted workbooks: one that unpacks to too much, or declares too many rows, is refused."""

import io
import zipfile

import pytest

from huikuan.bank.parsing import StatementFileError, spreadsheet
from huikuan.bank.parsing.read import read_statement_file


def test_a_workbook_that_unpacks_to_too_much_is_refused_unread(monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 5000)
    with pytest.raises(StatementFileError) as caught:
        read_statement_file(buffer.getvalue(), file_name="bomb.xlsx", format="xlsx")
    assert "unpacks to more than" in caught.value.errors[0].message


def test_a_sheet_with_too_many_rows_is_refused(monkeypatch):
    from openpyxl import Workbook

    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 5)
    book = Workbook()
    sheet = book.active
    sheet.append(["交易日期", "收入金额", "对方户名"])
    for day in range(1, 10):
        sheet.append([f"2026-11-{day:02d}", 1, "甲"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(StatementFileError) as caught:
        read_statement_file(buffer.getvalue(), file_name="long.xlsx", format="xlsx")
    assert "more than 5 rows" in caught.value.errors[0].message
