"""CSV and XLSX exports: header recognition, mappings, encodings, amounts, dates."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from huikuan.bank.parsing import ColumnMapping
from huikuan.bank.parsing.columns import normalise_header
from huikuan.bank.parsing.read import guess_mapping, read_statement_file
from huikuan.bank.parsing.values import ValueProblem, parse_amount, parse_currency, parse_date
from huikuan.bank.tests.test_parsing_fixtures import fixture_bytes


def _csv(text: str, **options: object) -> object:
    return read_statement_file(text.encode(), file_name="x.csv", **options)  # type: ignore[arg-type]


# --- guessing the columns of each Chinese bank's header ---


def _header(relative: str, row: int) -> list[str]:
    text = fixture_bytes(relative).decode("utf-8-sig")
    return [cell.strip() for cell in text.splitlines()[row].split(",")]


def test_guess_cmb() -> None:
    mapping = guess_mapping(_header("csv/cn_cmb_debit_zhaoshang.csv", 0))
    assert mapping == ColumnMapping(
        date="记账日期",
        amount="交易金额",
        payer_name="对手信息",
        memo=("交易摘要", "客户摘要"),
        balance="联机余额",
        currency="货币",
    )


def test_guess_boc() -> None:
    mapping = guess_mapping(_header("csv/cn_boc_debit_zhongguo.csv", 1))
    assert mapping == ColumnMapping(
        date="记账日期",
        amount="金额",
        payer_name="对方账户名",
        payer_account="对方卡号/账号",
        payer_bank="对方开户行",
        memo=("交易名称", "附言"),
        balance="余额",
        currency="币别",
    )


def test_guess_bocom() -> None:
    mapping = guess_mapping(_header("csv/cn_bocom_debit_jiaotong.csv", 0))
    assert mapping == ColumnMapping(
        date="交易日期",
        amount="交易金额",
        direction="借贷",
        payer_name="对方户名",
        payer_account="对方账号",
        memo=("交易类型", "摘要"),
        balance="余额",
    )


def test_guess_abc_header_with_spaces() -> None:
    mapping = guess_mapping(_header("csv/cn_abc_debit_nongye.csv", 0))
    assert mapping == ColumnMapping(
        date="交易日期",
        amount="交易金额",
        payer_name="对手信息",
        reference="日 志 号",
        memo=("交易摘要", "交易附言"),
        balance="本次余额",
    )


def test_guess_icbc_prefers_booked_amounts() -> None:
    mapping = guess_mapping(_header("csv/cn_icbc_debit_gongshang.csv", 6))
    assert mapping == ColumnMapping(
        date="交易日期",
        credit="记账金额(收入)",
        debit="记账金额(支出)",
        payer_name="对方户名",
        payer_account="对方账户",
        memo=("摘要", "交易详情"),
        balance="余额",
        currency="记账币种",
    )


def test_guess_english_and_nothing() -> None:
    mapping = guess_mapping(["Booking Date", "Value date", "Amount", "Currency", "Counterparty", "Description"])
    assert mapping is not None
    assert (mapping.date, mapping.value_date, mapping.amount, mapping.currency) == (
        "Booking Date",
        "Value date",
        "Amount",
        "Currency",
    )
    assert mapping.payer_name == "Counterparty"
    assert mapping.memo == ("Description",)
    assert guess_mapping(["中国银行交易流水明细单"]) is None
    assert guess_mapping(["交易日期", "摘要"]) is None  # no amount


def test_normalise_header() -> None:
    assert normalise_header(" 日 志 号\t") == "日志号"
    assert normalise_header("交易金额（收入）") == "交易金额(收入)"
    assert normalise_header("金额(元)") == "金额"


# --- reading ---


def test_given_mapping_overrides_the_guess() -> None:
    text = "日期,收入,支出,付款方,备注,金额\n2024-03-01,100.00,,甲公司,合同A,999\n2024-03-02,,20.50,乙公司,退款,999\n"
    guessed = _csv(text).statements[0].lines  # type: ignore[attr-defined]
    assert [line.amount for line in guessed] == [Decimal("100.00"), Decimal("-20.50")]
    mapping = ColumnMapping(date="日期", amount="金额", payer_name="付款方", memo=("备注",), currency="")
    parsed = _csv(text, mapping=mapping, default_currency="usd")
    lines = parsed.statements[0].lines  # type: ignore[attr-defined]
    assert [line.amount for line in lines] == [Decimal("999"), Decimal("999")]
    assert lines[0].payer_name == "甲公司"
    assert lines[0].memo == "合同A"
    assert lines[0].currency == "USD"
    assert parsed.mapping == mapping  # type: ignore[attr-defined]


def test_mapping_round_trips_and_date_format() -> None:
    mapping = ColumnMapping(date="Datum", amount="Betrag", date_format="%d.%m.%Y", decimal_comma=True)
    assert ColumnMapping.from_dict(mapping.as_dict()) == mapping
    parsed = _csv("Datum;Betrag\n03.04.2024;1.234,56\n", mapping=mapping)
    (line,) = parsed.statements[0].lines  # type: ignore[attr-defined]
    assert (line.booked_on, line.amount) == (dt.date(2024, 4, 3), Decimal("1234.56"))


def test_gb18030_copy_reads_like_the_utf8_one() -> None:
    for relative in ("csv/cn_icbc_debit_gongshang.csv", "csv/cn_boc_debit_zhongguo.csv"):
        utf8 = fixture_bytes(relative)
        gbk = utf8.decode("utf-8").encode("gb18030")
        assert gbk != utf8
        options = {"file_name": "x.csv", "check_balances": False}
        assert read_statement_file(gbk, **options) == read_statement_file(utf8, **options)  # type: ignore[arg-type]


def test_utf8_bom_crlf_tabs_and_semicolons() -> None:
    data = '\ufeff交易日期\t交易金额\t对方户名\r\n2024-01-05\t"1,000.00"\t丙公司\r\n'.encode()
    (line,) = read_statement_file(data).statements[0].lines
    assert (line.amount, line.payer_name) == (Decimal("1000.00"), "丙公司")
    (line,) = _csv("Date;Amount;Payer\n2024-01-05;-12,50;X\n").statements[0].lines  # type: ignore[attr-defined]
    assert line.amount == Decimal("-12.50")


def test_xlsx_built_in_memory() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["某某公司 银行流水"])
    sheet.append(["账号: 6222000011112222"])
    sheet.append(["交易时间", "收入金额", "支出金额", "对方户名", "用途", "余额"])
    sheet.append([dt.datetime(2024, 5, 6, 10, 20, 30), 1500, None, "丁公司", "货款 HT-2024-001", 11500.5])  # noqa: DTZ001 - Excel cells have no zone
    sheet.append([dt.date(2024, 5, 7), None, 500.5, "戊公司", "服务费", 11000])
    sheet.append(["合计", 1500, 500.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = read_statement_file(buffer.getvalue(), file_name="流水.xlsx")
    assert parsed.format == "xlsx"
    assert parsed.skipped == 1
    (statement,) = parsed.statements
    assert statement.account == "6222000011112222"
    assert statement.currency == "CNY"
    assert [(line.booked_on, line.amount) for line in statement.lines] == [
        (dt.date(2024, 5, 6), Decimal("1500.00")),
        (dt.date(2024, 5, 7), Decimal("-500.50")),
    ]
    assert statement.lines[0].payer_name == "丁公司"
    assert statement.lines[0].memo == "货款 HT-2024-001"
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("10000.50"), Decimal("11000.00"))
    assert (statement.declared_credit_total, statement.declared_debit_total) == (Decimal("1500"), Decimal("500.5"))


def test_matching_total_line_and_currency_groups() -> None:
    text = (
        "交易日期,币种,收入,支出,对方户名\n"
        "2024-01-01,人民币,100.00,,甲\n"
        "2024-01-02,USD,50.00,,乙\n"
        "2024-01-03,RMB,,30.00,丙\n"
        "人民币合计,,100.00,30.00,\n"
    )
    parsed = _csv(text)
    assert [(s.currency, len(s.lines)) for s in parsed.statements] == [("CNY", 2), ("USD", 1)]  # type: ignore[attr-defined]
    cny = parsed.statements[0]  # type: ignore[attr-defined]
    assert (cny.declared_credit_total, cny.declared_debit_total) == (Decimal("100.00"), Decimal("30.00"))
    assert parsed.statements[1].declared_credit_total is None  # type: ignore[attr-defined]


def test_forward_chained_balances_and_unchained_ones() -> None:
    forward = "Date,Amount,Balance\n2024-01-01,10,110\n2024-01-02,-5,105\n"
    statement = _csv(forward).statements[0]  # type: ignore[attr-defined]
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("100"), Decimal("105"))
    broken = "Date,Amount,Balance\n2024-01-01,10,110\n2024-01-02,-5,100\n2024-01-03,1,90\n"
    statement = _csv(broken).statements[0]  # type: ignore[attr-defined]
    assert statement.opening_balance is None
    assert statement.closing_balance is None
    assert [line.balance for line in statement.lines] == [Decimal("110"), Decimal("100"), Decimal("90")]


def test_direction_values() -> None:
    text = "交易日期,借贷标志,金额\n2024-01-01,贷,5\n2024-01-02,借,5\n2024-01-03,收入,5\n2024-01-04,支出,5\n"
    text += "2024-01-05,C,5\n2024-01-06,D,5\n2024-01-07,Credit,5\n2024-01-08,Dr,5\n"
    lines = _csv(text).statements[0].lines  # type: ignore[attr-defined]
    assert [int(line.amount) for line in lines] == [5, -5, 5, -5, 5, -5, 5, -5]


def test_blank_ragged_and_note_rows_are_skipped() -> None:
    text = "交易日期,交易金额,摘要\n2024-01-01,1.00,a\n,,\n\n2024-01-02,0.00,利息税\n导出时间：2024-02-01\n"
    parsed = _csv(text)
    assert len(parsed.statements[0].lines) == 1
    assert parsed.skipped == 4


# --- values ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", "1234.56"),
        ("+10000.00", "10000.00"),
        ("-50,00", "-50.00"),
        ("¥1,234.00", "1234.00"),
        ("人民币 88.8", "88.80"),
        ("CNY 12", "12.00"),
        ("1.234,56", "1234.56"),
        ("(12.00)", "-12.00"),
        ("12.00-", "-12.00"),
        ("18.150", "18.15"),
        ("1,234", "1234.00"),
    ],
)
def test_parse_amount(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "12.345", "xx,yyyy.zz", "1,2345"])
def test_parse_amount_refuses(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_amount(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-02", dt.date(2024, 1, 2)),
        ("2024/1/2", dt.date(2024, 1, 2)),
        ("20240102", dt.date(2024, 1, 2)),
        ("2024年01月02日", dt.date(2024, 1, 2)),
        ("02/01/24", dt.date(2024, 1, 2)),
        ("02/01/2024", dt.date(2024, 1, 2)),
        ("2024-01-02 10:20:30", dt.date(2024, 1, 2)),
        ("2023-05-02     \t", dt.date(2023, 5, 2)),
        (dt.datetime(2024, 1, 2, 8, 0), dt.date(2024, 1, 2)),  # noqa: DTZ001 - as an Excel cell gives it
    ],
)
def test_parse_date(value: object, expected: dt.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("text", ["2024-13-01", "yesterday", "123456", "2024-01-02 abc"])
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_date(text)


def test_parse_currency() -> None:
    assert [parse_currency(text) for text in ("人民币", "RMB", "cny", "美元", "EUR ", "-")] == [
        "CNY",
        "CNY",
        "CNY",
        "USD",
        "EUR",
        "",
    ]


def test_hundred_thousand_rows_quickly() -> None:
    import time

    rows = ["交易日期,交易金额,余额,对方户名,摘要"]
    balance = Decimal(0)
    for number in range(100_000):
        amount = Decimal(number % 997) + Decimal("0.5") if number % 3 else -Decimal(number % 311) - Decimal("0.25")
        balance += amount
        rows.append(f'2024-01-{number % 28 + 1:02d},"{amount:,.2f}","{balance:,.2f}",客户{number % 500},货款{number}')
    data = "\n".join(rows).encode("gb18030")
    started = time.perf_counter()
    parsed = read_statement_file(data, file_name="big.csv")
    assert time.perf_counter() - started < 10
    (statement,) = parsed.statements
    assert len(statement.lines) == 100_000
    assert statement.closing_balance == balance
