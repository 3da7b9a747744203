"""Files that cannot be read whole are refused with every problem and where it is."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from huikuan.bank.parsing import ColumnMapping, RowError, StatementFileError
from huikuan.bank.parsing.read import detect_format, read_statement_file


def _errors(data: bytes, **options: object) -> list[RowError]:
    with pytest.raises(StatementFileError) as raised:
        read_statement_file(data, **options)  # type: ignore[arg-type]
    return raised.value.errors


def test_every_bad_row_is_reported() -> None:
    text = (
        "中国某银行流水\n"  # row 1: title
        "交易日期,交易金额,对方户名\n"  # row 2: header
        "2024-01-01,100.00,甲\n"
        "2024-01-02,100.00,甲\n"
        "2024-01-03,100.00,甲\n"
        "2024-01-04,100.00,甲\n"
        "2024-13-45,100.00,乙\n"  # row 7: bad date
        "2024-01-08,100.00,丙\n"
        "2024-01-09,一百元,丁\n"  # row 9: unreadable amount
        "2024-01-10,,戊\n"  # row 10: missing amount
        "2024-01-11,1.234,己\n"  # row 11: more than 2 decimals
    )
    errors = _errors(text.encode("gb18030"), file_name="流水.csv")
    assert [(error.row, error.field) for error in errors] == [
        (7, "交易日期"),
        (9, "交易金额"),
        (10, "交易金额"),
        (11, "交易金额"),
    ]
    assert "2024-13-45" in errors[0].message
    assert "一百元" in errors[1].message
    assert "missing" in errors[2].message
    assert "decimal" in errors[3].message


def test_credit_debit_and_direction_problems() -> None:
    text = "交易日期,借贷,金额\n2024-01-01,贷,1\n2024-01-02,?,1\n"
    (error,) = _errors(text.encode())
    assert (error.row, error.field) == (3, "借贷")
    text = "日期,收入,支出\n2024-01-01,abc,\n2024-01-02,,x\n"
    assert [(e.row, e.field) for e in _errors(text.encode())] == [(2, "收入"), (3, "支出")]


def test_no_header_row_names_the_expected_columns() -> None:
    (error,) = _errors("名称,数量\n苹果,3\n".encode())
    assert error.row is None
    for word in ("交易日期", "交易金额", "收入", "支出", "Date", "Amount", "Credit", "Debit"):
        assert word in error.message


def test_given_mapping_with_missing_columns() -> None:
    mapping = ColumnMapping(date="日期", amount="金额", payer_name="对方户名")
    (error,) = _errors("日期,金额\n2024-01-01,1\n".encode(), mapping=mapping)
    assert (error.row, error.field) == (1, "payer_name")
    assert "对方户名" in error.message
    (error,) = _errors(b"Datum,Betrag\n2024-01-01,1\n", mapping=mapping)
    assert "日期" in error.message


def test_declared_totals_that_disagree() -> None:
    text = "交易日期,收入,支出\n2024-01-01,100.00,\n2024-01-02,,30.00\n合计,100.00,31.00\n"
    (error,) = _errors(text.encode())
    assert (error.row, error.field) == (None, "debit_total")
    assert "31.00" in error.message
    assert "30.00" in error.message
    parsed = read_statement_file(text.encode(), check_balances=False)
    assert parsed.statements[0].declared_debit_total == 31


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \r\n\t", "empty"),
        (b"\x00\x01\x02binary\x00stuff\xff", "not recognised"),
        (b"%PDF-1.7 ...", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"<?xml version='1.0'?><Document><Other/></Document>", "CAMT.053"),
    ],
)
def test_unknown_or_empty_files(data: bytes, words: str) -> None:
    (error,) = _errors(data)
    assert error.row is None
    assert words in error.message


def test_unknown_format_name() -> None:
    (error,) = _errors(b"a,b\n", format="pdf")
    assert "pdf" in error.message


def test_xlsx_that_is_not_a_workbook() -> None:
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    for data in (b"PK\x03\x04 this is not a zip at all", broken.getvalue()):
        assert detect_format(data) == "xlsx"
        (error,) = _errors(data)
        assert "workbook" in error.message


def test_xlsx_rows_report_their_row_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Amount"])
    sheet.append(["2024-01-01", 5])
    sheet.append(["someday", 5])
    sheet.append(["2024-01-03", "five"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [(e.row, e.field) for e in _errors(buffer.getvalue())] == [(3, "Date"), (4, "Amount")]


def test_malformed_and_hostile_xml() -> None:
    (error,) = _errors(b"<Document><BkToCstmrStmt><Stmt></BkToCstmrStmt>")
    assert "malformed" in error.message
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b"<Document><BkToCstmrStmt><Stmt><Id>&b;</Id></Stmt></BkToCstmrStmt></Document>"
    )
    (error,) = _errors(bomb)
    assert error.row is None


MT940_BAD = """:20:STMT
:25:NL01BANK0123456789
:28C:1/1
:60F:C240101EUR100,00
:61:2401020102C50,00NTRFNONREF
:86:/NAME/A/REMI/ok/
:61:240199C5,00NTRFNONREF
:61:xx
:61:2401030103D,NTRFNONREF
:62F:C240103EUR150,00
-
"""


def test_mt940_bad_lines_are_reported_with_their_file_line() -> None:
    errors = _errors(MT940_BAD.encode())
    assert [(error.row, error.field) for error in errors] == [(7, ":61:"), (8, ":61:"), (9, ":61:")]


def test_mt940_balance_that_does_not_add_up() -> None:
    text = MT940_BAD.replace(":61:240199C5,00NTRFNONREF\n:61:xx\n:61:2401030103D,NTRFNONREF\n", "").replace(
        "150,00", "149,00"
    )
    (error,) = _errors(text.encode())
    assert (error.row, error.field) == (None, "balance")
    for figure in ("100.00", "50.00", "150.00", "149.00", "NL01BANK0123456789"):
        assert figure in error.message


def test_mt940_without_balances() -> None:
    (error,) = _errors(b":20:X\n:25:1\n:61:2401020102C50,00NTRFNONREF\n-\n", format="mt940")
    assert error.row == 1
    assert "currency" in error.message


CAMT_BAD = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>DE00123</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">1.005</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-01-01</Dt></BookgDt></Ntry>
<Ntry><Amt Ccy="EUR">2.00</Amt><BookgDt><Dt>2024-01-01</Dt></BookgDt></Ntry>
<Ntry><Amt Ccy="EUR"></Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2024-01-01</Dt></BookgDt></Ntry>
<Ntry><Amt Ccy="EUR">3.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></Ntry>
</Stmt></BkToCstmrStmt></Document>"""


def test_camt_bad_entries_are_reported_by_entry_number() -> None:
    errors = _errors(CAMT_BAD.encode())
    assert [(error.row, error.field) for error in errors] == [
        (1, "Amt"),
        (2, "CdtDbtInd"),
        (3, "Amt"),
        (4, "BookgDt"),
    ]
