"""MT940 and CAMT.053 details on small hand-written files, and format detection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from huikuan.bank.parsing import StatementFileError
from huikuan.bank.parsing.read import detect_format, read_statement_file

MT940_PAGES = (
    "\x01{1:F01BANKCNBJAXXX0000000000}{2:O940BANKCNBJXXXXN}{3:{108:ABC}}{4:\r\n"
    ":20:P1\r\n:25:CN/12345\r\n:28C:7/1\r\n:60F:D231231CNY1000,00\r\n"
    ":61:2401010101C1500,NTRFREF1//BANKREF1\r\n"
    ":86:166?00GUTSCHRIFT?20EREF+INV-2024-001?21SVWZ+Rechnung 2024-001?32Shanghai Trading?33 Co Ltd?31622200001\r\n"
    ":61:2401020102RD200,00NTRFNONREF\r\n:86:RETURN OF DEBIT\r\n"
    ":62M:C240102CNY700,00\r\n:90C:2CNY1700,00\r\n:90D:0CNY0,\r\n-}{5:{CHK:123}}\r\n"
    "{1:F01BANKCNBJAXXX0000000000}{2:O940BANKCNBJXXXXN}{4:\r\n"
    ":20:P2\r\n:25:CN/12345\r\n:28C:7/2\r\n:60M:C240102CNY700,00\r\n"
    ":61:240103RC100,00NTRFNONREF\r\n:61:2401030103C0,NMSCNONREF\r\n"
    ":62F:C240103CNY600,00\r\n:90C:0CNY0,\r\n:90D:1CNY90,00\r\n-}\x03"
)


def test_mt940_swift_blocks_pages_reversals_and_totals() -> None:
    data = MT940_PAGES.encode()
    assert detect_format(data) == "mt940"
    parsed = read_statement_file(data, check_balances=False)
    (statement,) = parsed.statements  # two pages of one statement
    assert parsed.skipped == 1  # the zero line
    assert (statement.account, statement.currency) == ("CN/12345", "CNY")
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("-1000.00"), Decimal("600.00"))
    assert [line.amount for line in statement.lines] == [Decimal("1500"), Decimal("200"), Decimal("-100")]
    first = statement.lines[0]
    assert first.payer_name == "Shanghai Trading Co Ltd"
    assert first.payer_account == "622200001"
    assert (first.reference, first.memo) == ("INV-2024-001", "Rechnung 2024-001")
    assert statement.lines[2].booked_on == dt.date(2024, 1, 3)
    assert (statement.starts_on, statement.ends_on) == (dt.date(2023, 12, 31), dt.date(2024, 1, 3))
    assert (statement.declared_credit_total, statement.declared_debit_total) == (Decimal("1700"), Decimal("90"))
    with pytest.raises(StatementFileError) as raised:  # 100 of debits, not 90
        read_statement_file(data)
    assert [error.field for error in raised.value.errors] == ["debit_total"]
    fixed = data.replace(b":90D:1CNY90,00", b":90D:1CNY100,00")
    assert read_statement_file(fixed).statements[0].declared_debit_total == Decimal("100")


def test_mt940_entry_date_across_new_year() -> None:
    text = ":20:X\n:25:A\n:60F:C231231EUR0,\n:61:2312310102C1,00NTRFNONREF\n:62F:C240102EUR1,\n-\n"
    (line,) = read_statement_file(text.encode()).statements[0].lines
    assert (line.value_on, line.booked_on) == (dt.date(2023, 12, 31), dt.date(2024, 1, 2))


def _camt(entries: str, balances: str = "", summary: str = "", version: str = "053.001.08") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{version}"><BkToCstmrStmt>
<GrpHdr><MsgId>M</MsgId><CreDtTm>2024-02-01T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S</Id><Acct><Id><Othr><Id>ACC-1</Id></Othr></Id></Acct>{balances}{summary}{entries}</Stmt>
</BkToCstmrStmt></Document>""".encode()


def _bal(code: str, amount: str, indicator: str = "CRDT") -> str:
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">{amount}</Amt>'
        f"<CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>2024-01-31</Dt></Dt></Bal>"
    )


def _tx(amount: str, name: str, end_to_end: str = "NOTPROVIDED", reference: str = "") -> str:
    return (
        f"<TxDtls><Refs><AcctSvcrRef>{reference}</AcctSvcrRef><EndToEndId>{end_to_end}</EndToEndId></Refs>"
        f'<Amt Ccy="CNY">{amount}</Amt><RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr>'
        f"<DbtrAcct><Id><Othr><Id>6222-{name}</Id></Othr></Id></DbtrAcct></RltdPties>"
        f"<RmtInf><Ustrd>HT-{name}</Ustrd><Ustrd>part 2</Ustrd></RmtInf></TxDtls>"
    )


def _entry(amount: str, details: str, indicator: str = "CRDT", extra: str = "") -> str:
    return (
        f'<Ntry><NtryRef>NR</NtryRef><Amt Ccy="CNY">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{extra}'
        f"<BookgDt><DtTm>2024-01-15T09:30:00+08:00</DtTm></BookgDt><ValDt><Dt>2024-01-16</Dt></ValDt>"
        f"<AcctSvcrRef>ENTRY-REF</AcctSvcrRef><NtryDtls>{details}</NtryDtls></Ntry>"
    )


def test_camt_batch_split_and_fallbacks() -> None:
    entries = (
        _entry("300.00", _tx("100.00", "甲公司", "E2E-1") + _tx("200.00", "乙公司", reference="TX-REF"))
        + _entry("50.00", _tx("20.00", "丙") + _tx("20.00", "丁"))  # details do not add up: one line
        + _entry("10.00", _tx("10.00", "戊"), indicator="DBIT", extra="<RvslInd>true</RvslInd>")
        + _entry("99.00", "", extra="<Sts><Cd>PDNG</Cd></Sts>")
    )
    data = _camt(entries, _bal("OPBD", "1000") + _bal("CLBD", "1340"))
    assert detect_format(data, "statement.xml") == "camt053"
    parsed = read_statement_file(data)
    (statement,) = parsed.statements
    assert parsed.skipped == 1  # the pending entry
    assert (statement.account, statement.currency) == ("ACC-1", "CNY")
    assert [(line.row, line.amount) for line in statement.lines] == [
        (1, Decimal("100.00")),
        (1, Decimal("200.00")),
        (2, Decimal("50.00")),
        (3, Decimal("-10.00")),
    ]
    first, second, lumped = statement.lines[:3]
    assert (first.payer_name, first.payer_account, first.reference) == ("甲公司", "6222-甲公司", "E2E-1")
    assert first.memo == "HT-甲公司 part 2"
    assert first.booked_on == dt.date(2024, 1, 15)
    assert first.value_on == dt.date(2024, 1, 16)
    assert second.reference == "TX-REF"
    assert lumped.reference == "ENTRY-REF"


def test_camt_summary_totals_and_debit_opening() -> None:
    summary = (
        "<TxsSummry><TtlCdtNtries><NbOfNtries>1</NbOfNtries><Sum>5.00</Sum></TtlCdtNtries>"
        "<TtlDbtNtries><NbOfNtries>1</NbOfNtries><Sum>2.00</Sum></TtlDbtNtries></TxsSummry>"
    )
    entries = _entry("5.00", "") + _entry("2.00", "", indicator="DBIT")
    data = _camt(entries, _bal("PRCD", "10", "DBIT") + _bal("CLBD", "7", "DBIT"), summary, "053.001.02")
    (statement,) = read_statement_file(data).statements
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("-10"), Decimal("-7"))
    assert (statement.declared_credit_total, statement.declared_debit_total) == (Decimal("5"), Decimal("2"))
    wrong = _camt(entries, summary=summary.replace("2.00", "3.00"))
    with pytest.raises(StatementFileError) as raised:
        read_statement_file(wrong)
    assert [error.field for error in raised.value.errors] == ["debit_total"]


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"PK\x03\x04rest", "", "xlsx"),
        (b"\xef\xbb\xbf<?xml version='1.0'?><Document><BkToCstmrStmt/></Document>", "", "camt053"),
        (b":20:X\n:25:Y\n:60F:C240101EUR1,\n", "", "mt940"),
        (b"ABNANL2A\n940\nABNANL2A\n:20:ABN\n:25:1\n", "", "mt940"),
        (b"0000 01INGBNL2AXXXX00001\n940 00\n:20:MPBZ\n:25:1\n", "", "mt940"),
        (b":940:\n:20:940S\n:25:NL\n", "", "mt940"),
        ("交易日期,金额\n".encode("gb18030"), "a.txt", "csv"),
        ("\ufeffDate,Amount\n".encode("utf-16"), "", "csv"),
    ],
)
def test_detect_format(data: bytes, name: str, expected: str) -> None:
    assert detect_format(data, name) == expected


def test_utf16_csv_reads() -> None:
    data = "交易日期\t金额\t对方户名\n2024-01-01\t12.00\t甲\n".encode("utf-16")
    (line,) = read_statement_file(data).statements[0].lines
    assert (line.amount, line.payer_name) == (Decimal("12.00"), "甲")
