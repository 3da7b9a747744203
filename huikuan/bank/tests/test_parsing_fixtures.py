"""Every shared real-world fixture (Chinese bank CSVs, MT940 dialects, CAMT.053 versions) reads whole."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from huikuan.bank.parsing import ParsedFile, StatementFileError
from huikuan.bank.parsing.read import detect_format, read_statement_file

FIXTURES = Path(
    os.environ.get("HUIKUAN_FIXTURES")
    or Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "bank-statements"
)
FORMAT_OF_FOLDER = {"csv": "csv", "mt940": "mt940", "camt053": "camt053"}


def fixture_files() -> list[Path]:
    if not FIXTURES.is_dir():
        return []
    return sorted(path for folder in FORMAT_OF_FOLDER for path in (FIXTURES / folder).glob("*") if path.is_file())


def fixture_bytes(relative: str) -> bytes:
    path = FIXTURES / relative
    if not path.is_file():
        pytest.skip(f"bank statement fixture {path} is absent (set HUIKUAN_FIXTURES to the fixtures folder)")
    return path.read_bytes()


def read_fixture(relative: str, **options: object) -> ParsedFile:
    return read_statement_file(fixture_bytes(relative), file_name=Path(relative).name, **options)  # type: ignore[arg-type]


# Upstream test files whose own figures do not add up (they were written to test parsers, not
# reconciled): by default they are refused with the figures; with check_balances=False they read.
INCONSISTENT = {
    "csv/cn_icbc_debit_gongshang.csv": ["credits of 1234.56", "2841.74", "debits of 9876.54", "4241.08"],
    "mt940/abn_amro_nl.sta": ["3236.28", "-321.44", "2914.84", "876.84"],
    "mt940/ing_nl_legacy.sta": ["0.00", "-45.59", "3.47"],
    "mt940/knab_nl.sta": ["3058.98", "-6760.00", "-3701.02", "798.98"],
    "mt940/postfinance_ch.sta": ["159.40", "159.60"],
    "mt940/raiffeisen_hu_iso8859-2.sta": ["25170637.10", "-1012213.50", "25281687.60"],
    "mt940/triodos_nl.sta": ["4975.09", "-715.70", "4370.79"],
    "camt053/genkgo_camt053_v02_five_decimals.xml": ["18.15", "8.85", "27.05"],
    "camt053/genkgo_camt053_v04.xml": ["18.15", "8.85", "-27.00"],
    "camt053/oca_nl_camt053_v02_sepa_dd_return.xml": ["15568.27", "-12.99", "15121.12"],
    "camt053/tryton_be_camt053_v02_example.xml": ["credits of 1024.03", "add up to 0"],
}


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", fixture_files(), ids=_name)
def test_every_fixture_reads(path: Path) -> None:
    data = path.read_bytes()
    expected_format = FORMAT_OF_FOLDER[path.parent.name]
    assert detect_format(data, path.name) == expected_format
    parsed = read_statement_file(data, file_name=path.name, check_balances=False)
    assert parsed.format == expected_format
    assert parsed.statements
    for statement in parsed.statements:
        assert statement.currency.isalpha()
        assert statement.currency.isupper()
        assert len(statement.currency) == 3
        for line in statement.lines:
            assert line.amount != 0
            assert line.currency == statement.currency
            assert line.amount == line.amount.quantize(Decimal("0.01"))
    if _name(path) in INCONSISTENT:
        with pytest.raises(StatementFileError) as raised:
            read_statement_file(data, file_name=path.name)
        messages = " ".join(error.message for error in raised.value.errors)
        assert all(error.row is None for error in raised.value.errors)
        for figure in INCONSISTENT[_name(path)]:
            assert figure in messages
        return
    checked = read_statement_file(data, file_name=path.name)
    assert checked == parsed
    for statement in checked.statements:
        net = sum((line.amount for line in statement.lines), Decimal(0))
        if statement.opening_balance is not None and statement.closing_balance is not None:
            assert statement.opening_balance + net == statement.closing_balance
        if statement.declared_credit_total is not None:
            assert statement.declared_credit_total == sum(line.amount for line in statement.lines if line.amount > 0)
        if statement.declared_debit_total is not None:
            assert statement.declared_debit_total == -sum(line.amount for line in statement.lines if line.amount < 0)


def test_fixture_folder_is_complete() -> None:
    if not FIXTURES.is_dir():
        pytest.skip(f"bank statement fixtures folder {FIXTURES} is absent (set HUIKUAN_FIXTURES)")
    counts = {folder: len(list((FIXTURES / folder).glob("*"))) for folder in FORMAT_OF_FOLDER}
    assert counts == {"csv": 6, "mt940": 14, "camt053": 9}


# --- known figures (SOURCES.md) ---


def test_subite_be_month() -> None:
    parsed = read_fixture("camt053/subite_be_camt053_v02_month_2024-11.xml")
    (statement,) = parsed.statements
    assert (statement.account, statement.currency) == ("BE68793230773034", "EUR")
    assert statement.opening_balance == Decimal("59370.37")
    assert statement.closing_balance == Decimal("87539.12")
    assert len(statement.lines) == 268
    assert sum(line.amount for line in statement.lines) == Decimal("28168.75")
    first = statement.lines[0]
    assert (first.payer_name, first.payer_account, first.reference) == (
        "Stellar Ltd",
        "BE91516952884376",
        "E2ESEKOZLQO41354223",
    )
    assert first.memo == "Transfer ref HBAVHC9717"


def test_camt_txdtls_batch_gives_one_line_per_payer_with_esr_reference() -> None:
    (statement,) = read_fixture("camt053/oca_ch_camt053_v04_batch_txdtls.xml").statements
    assert statement.currency == "CHF"
    assert [line.amount for line in statement.lines] == [Decimal("2187.00"), Decimal("1296.00")]
    assert statement.lines[0].memo == "302388292000011111111111111"
    assert statement.lines[1].memo == "302388292000022222222222222"
    assert {line.payer_account for line in statement.lines} == {"CH2222000000123456789", "CH3333000000123456789"}


def test_camt_multi_statement_no_entries_and_balances_without_indicator() -> None:
    multi = read_fixture("camt053/genkgo_camt053_v02_multi_statement.xml").statements
    assert [(s.opening_balance, s.closing_balance) for s in multi] == [
        (Decimal("18.15"), Decimal("27.00")),
        (Decimal("27.00"), Decimal("20.00")),
    ]
    (empty,) = read_fixture("camt053/oca_camt053_v04_no_entries.xml").statements
    assert empty.lines == []
    assert empty.opening_balance == empty.closing_balance == Decimal("1520.76")
    lithuanian = read_fixture("camt053/subite_lt_camt053_v08_2024-03-07.xml").statements
    assert [len(s.lines) for s in lithuanian] == [3, 0]
    assert lithuanian[0].opening_balance == Decimal("21081222.58")  # no CdtDbtInd: positive
    assert lithuanian[0].lines[0].booked_on.isoformat() == "2024-03-07"  # no BookgDt: the statement's date


def test_camt_five_decimals_and_declared_totals_read_as_written() -> None:
    (five,) = read_fixture("camt053/genkgo_camt053_v02_five_decimals.xml", check_balances=False).statements
    assert five.opening_balance == Decimal("18.15")
    assert five.lines[0].amount == Decimal("8.85")
    (tryton,) = read_fixture("camt053/tryton_be_camt053_v02_example.xml", check_balances=False).statements
    assert tryton.declared_credit_total == Decimal("1024.03")
    assert tryton.lines[0].payer_name == "Supplier"
    assert tryton.lines[0].memo == "INV 2150135"


@pytest.mark.parametrize(
    ("relative", "opening", "closing"),
    [
        ("mt940/abn_amro_nl_sepa_tryton.txt", "5138.61", "5638.62"),
        ("mt940/citibank_usd.txt", "17376.67", "16233.92"),
        ("mt940/mbank_pl.sta", "0.40", "0.43"),
        ("mt940/sberbank_hu.sta", "627311.30", "617874.30"),
        ("mt940/knab_nl.sta", "3058.98", "798.98"),
        ("mt940/triodos_nl.sta", "4975.09", "4370.79"),
        ("mt940/raiffeisen_hu_iso8859-2.sta", "25170637.10", "25281687.60"),
        ("mt940/rabobank_nl_iban.sta", "965.00", "930.00"),
        ("mt940/postfinance_ch.sta", "0", "159.60"),
    ],
)
def test_mt940_last_statement_balances(relative: str, opening: str, closing: str) -> None:
    statement = read_fixture(relative, check_balances=False).statements[-1]
    assert statement.opening_balance == Decimal(opening)
    assert statement.closing_balance == Decimal(closing)


def test_mt940_abn_amro_first_statement_and_short_amounts() -> None:
    first = read_fixture("mt940/abn_amro_nl.sta", check_balances=False).statements[0]
    assert (first.opening_balance, first.closing_balance) == (Decimal("3236.28"), Decimal("876.84"))
    assert first.lines[0].amount == Decimal("-9")  # '9,'
    assert Decimal("-107") in [line.amount for line in first.lines]


def test_mt940_knab_memo_payer_and_account() -> None:
    statements = read_fixture("mt940/knab_nl.sta", check_balances=False).statements
    assert len(statements) == 2
    invoice = statements[1].lines[0]
    assert "FACTUUR 201403110" in invoice.memo
    assert (invoice.payer_name, invoice.payer_account) == ("PICQER", "NL65INGB0123456789")
    assert statements[1].lines[1].amount == Decimal("500")  # '500' without a comma


def test_mt940_tryton_reversal_duplicate_copy_and_slash_codes() -> None:
    parsed = read_fixture("mt940/abn_amro_nl_sepa_tryton.txt")
    (statement,) = parsed.statements  # the second, identical copy is not booked twice
    assert parsed.skipped == 3
    assert [line.amount for line in statement.lines] == [Decimal("500.01"), Decimal("-15.67"), Decimal("15.67")]
    sepa = statement.lines[0]
    assert (sepa.payer_name, sepa.payer_account, sepa.payer_bank) == ("QASD JGRED", "FR12345678901234", "GEFRADAM")
    assert sepa.memo.startswith("Dit zijn de omschrijvingsregels")
    assert statement.lines[2].reference == "REFERENCE"  # a :61: without entry date


def test_mt940_german_structured_86_and_pages() -> None:
    parsed = read_fixture("mt940/de_sepa_structured86_multi_account.sta")
    assert sum(len(s.lines) for s in parsed.statements) == 97
    assert len({s.account for s in parsed.statements}) == len(parsed.statements)  # pages joined per account
    first = parsed.statements[0]
    assert first.opening_balance == Decimal("-1234718.36")  # a debit opening balance
    assert first.lines[0].reference == "TFNR 40005 00005"
    assert first.lines[0].memo == "Grund nicht spezifiziert Reject aus SEPA-Ueberweisungsauftrag"
    reversal = next(line for line in first.lines if line.row == 19)
    assert reversal.amount == Decimal("-204.88")  # RC: a credit reversed takes the money out again
    credit = parsed.statements[1].lines[0]
    assert credit.payer_name == "Richter Renate 70 Zeichen Beginn Fuellzeichen xxxxxxxx"
    assert (credit.payer_account, credit.payer_bank) == ("DE42100100100043921105", "PBNKDEFF100")


def test_mt940_cmxl_sub_fields_and_invoice_number() -> None:
    statements = read_fixture("mt940/de_structured86_dem_eur.sta").statements
    assert [s.currency for s in statements] == ["DEM", "EUR", "PLN"]
    salary = statements[1].lines[1]
    assert salary.memo.startswith("Gehalt Oktober")
    assert salary.payer_name == "MUELLER"
    assert "FAKTURA 333/2003" in statements[2].lines[0].memo


def test_mt940_asn_long_customer_reference_and_many_days() -> None:
    statements = read_fixture("mt940/asn_bank_nl_daily_statements.txt").statements
    assert len(statements) == 31
    first = statements[0].lines[0]
    assert (first.amount, first.payer_name, first.payer_account) == (
        Decimal("-65.00"),
        "hr gjlm paulissen",
        "NL47INGB9999999999",
    )
    assert first.memo == "Betaling sieraden"


def test_mt940_other_dialects() -> None:
    citi = read_fixture("mt940/citibank_usd.txt")
    assert citi.skipped == 2
    assert len(citi.statements[0].lines) == 3
    mbank = read_fixture("mt940/mbank_pl.sta").statements[0].lines[0]
    assert mbank.payer_account == "56114010810000267002001001"
    assert mbank.payer_name.startswith("JAN NOWAK")
    raiffeisen = read_fixture("mt940/raiffeisen_hu_iso8859-2.sta", check_balances=False).statements[0]
    assert "összevont utánvét" in raiffeisen.lines[0].memo  # ISO-8859-2 decoded
    triodos = read_fixture("mt940/triodos_nl.sta", check_balances=False).statements[0].lines[0]
    assert triodos.memo == "ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010"
    rabo = read_fixture("mt940/rabobank_nl_iban.sta").statements[0].lines[0]
    assert (rabo.payer_name, rabo.payer_account) == ("CONTRA ACCOUNT HOLDER", "NL70ABNA0987654321")
    sber = read_fixture("mt940/sberbank_hu.sta").statements[0].lines[0]
    assert sber.payer_name == "ERGO Versicherung AG Fioktelep"
    ing = read_fixture("mt940/ing_nl_legacy.sta", check_balances=False).statements[0]
    assert len(ing.lines) == 7  # the summary :86: after :62F: is no transaction


# --- Chinese bank CSVs ---


def test_icbc_total_line_masked_balance_and_padding() -> None:
    parsed = read_fixture("csv/cn_icbc_debit_gongshang.csv", check_balances=False)
    (statement,) = parsed.statements
    assert statement.account == "1234****9876"
    assert len(statement.lines) == 11
    assert parsed.skipped == 2
    assert statement.opening_balance is None
    assert statement.closing_balance is None
    assert all(line.balance is None for line in statement.lines)
    assert (statement.declared_credit_total, statement.declared_debit_total) == (
        Decimal("1234.56"),
        Decimal("9876.54"),
    )
    first = statement.lines[0]
    assert (first.booked_on.isoformat(), first.amount, first.payer_name, first.memo) == (
        "2023-05-02",
        Decimal("-13.40"),
        "深圳市财付通支付科技有限公司",
        "消费",
    )
    assert statement.lines[2].amount == Decimal("1234.56")
    assert statement.lines[2].payer_name == "李四"


def test_boc_reverse_chained_balances_and_counterparty() -> None:
    (statement,) = read_fixture("csv/cn_boc_debit_zhongguo.csv").statements
    assert len(statement.lines) == 17
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("2813.58"), Decimal("3240.28"))
    salary = next(line for line in statement.lines if line.amount == Decimal("5771.00"))
    assert (salary.payer_name, salary.payer_account, salary.payer_bank) == (
        "美金数据有限公司",
        "4520******1924",
        "中国银行上海市十厦支行",
    )
    assert salary.currency == "CNY"
    assert salary.memo == "工资"


def test_other_chinese_csvs() -> None:
    abc = read_fixture("csv/cn_abc_debit_nongye.csv")
    assert [line.amount for line in abc.statements[0].lines] == [
        Decimal("10000.00"),
        Decimal("-10.00"),
        Decimal("-12345.89"),
        Decimal("0.01"),
    ]
    assert abc.skipped == 1  # the +0.00 line
    assert abc.statements[0].lines[0].reference == "369396693"  # 日 志 号
    assert abc.statements[0].opening_balance is None  # its balances do not chain
    bocom = read_fixture("csv/cn_bocom_debit_jiaotong.csv").statements[0].lines
    assert [line.amount for line in bocom[:2]] == [Decimal("1.23"), Decimal("-3.21")]  # 贷 Cr / 借 Dr
    assert bocom[0].payer_name == "应付个人活期储蓄存款利息"
    assert bocom[0].payer_account == "1323132313211331313"
    cmb = read_fixture("csv/cn_cmb_debit_zhaoshang.csv").statements[0].lines
    assert cmb[0].amount == Decimal("1234.00")
    assert cmb[1].amount == Decimal("-1000.00")
    assert (cmb[0].payer_name, cmb[0].payer_account) == ("北京住房公积金管理中心", "1111111111")


def test_french_meta_header_decimal_comma_and_trailer() -> None:
    parsed = read_fixture("csv/oca_fr_meta_header_separate_debit_credit.csv")
    (statement,) = parsed.statements
    assert parsed.mapping is not None
    assert parsed.mapping.decimal_comma
    assert (statement.account, statement.currency) == ("08088804068", "EUR")
    assert [line.amount for line in statement.lines] == [
        Decimal("-50.00"),
        Decimal("-100.00"),
        Decimal("-80.68"),
        Decimal("1300.00"),
    ]
    assert statement.lines[0].booked_on.isoformat() == "2020-04-01"  # 01/04/20 is day first
    assert statement.lines[0].reference == "UNIQUE OP 1"
    assert statement.lines[0].memo == "LABEL 1 DETAILS 1"
    assert parsed.skipped == 1  # 'Balance at start of period' under the lines
