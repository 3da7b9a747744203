"""Importing statement files: stored whole or not at all, never a line twice, balances checked."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection

from huikuan.bank.errors import BankErrorCode, StatementRejected
from huikuan.bank.models import BalanceCheck, BankAccount, BankLine, BankStatement, ColumnMappingSetting, LineStatus
from huikuan.bank.services.accounts import account_number, bank_account_create
from huikuan.bank.services.imports import statement_import
from huikuan.bank.tests.conftest import csv_file, fixtures_dir
from huikuan.core.errors import DomainError, NotPermitted

pytestmark = pytest.mark.django_db

FIRST = csv_file(
    "2026-11-02,3000.00,,杭州云帆网络科技有限公司,6222020200112233,货款,13000.00",
    "2026-11-03,,500.00,上海某某物流有限公司,6222020200998877,运费,12500.00",
    "2026-11-04,1200.50,,宁波中瑞精密制造有限公司,,设备款,13700.50",
)
# overlaps FIRST by its last day and adds one
SECOND = csv_file(
    "2026-11-04,1200.50,,宁波中瑞精密制造有限公司,,设备款,13700.50",
    "2026-11-05,800.00,,杭州云帆网络科技有限公司,6222020200112233,货款,14500.50",
)


def do_import(actor, account, data, name="statement.csv", **kwargs):
    return statement_import(actor=actor, account=account, data=data, file_name=name, **kwargs)


def test_a_chinese_csv_is_stored_with_money_out_ignored_and_the_balances_checked(clerk, account):
    # when
    result = do_import(clerk, account, FIRST)
    # then
    assert (result.read, result.new, result.duplicates, result.outgoing) == (3, 3, 0, 1)
    lines = list(BankLine.objects.order_by("booked_on"))
    assert [(line.amount, line.status) for line in lines] == [
        (D("3000.00"), LineStatus.OPEN),
        (D("-500.00"), LineStatus.IGNORED),
        (D("1200.50"), LineStatus.OPEN),
    ]
    assert lines[0].payer_name == "杭州云帆网络科技有限公司"
    assert lines[0].payer_account == "6222020200112233"
    [statement] = result.statements
    assert (statement.opening_balance, statement.closing_balance) == (D("10000.00"), D("13700.50"))
    assert statement.balance_check == BalanceCheck.OK
    assert (statement.starts_on, statement.ends_on) == (dt.date(2026, 11, 2), dt.date(2026, 11, 4))
    assert ColumnMappingSetting.objects.get(bank_name="中国工商银行").mapping["credit"] == "收入金额"


def test_the_same_file_again_adds_nothing(clerk, account):
    do_import(clerk, account, FIRST)
    # when
    again = do_import(clerk, account, FIRST)
    # then
    assert (again.read, again.new, again.duplicates) == (3, 0, 3)
    assert BankLine.objects.count() == 3


def test_an_overlapping_period_adds_only_the_new_lines(clerk, account):
    do_import(clerk, account, FIRST)
    # when
    result = do_import(clerk, account, SECOND, name="later.csv")
    # then
    assert (result.new, result.duplicates) == (1, 1)
    assert BankLine.objects.count() == 4
    assert result.statements[0].balance_check == BalanceCheck.OK


def test_two_alike_payments_on_one_day_stay_two_and_are_found_again(clerk, account):
    twins = csv_file(
        "2026-11-02,100.00,,杭州云帆网络科技有限公司,6222020200112233,货款,",
        "2026-11-02,100.00,,杭州云帆网络科技有限公司,6222020200112233,货款,",
    )
    assert do_import(clerk, account, twins).new == 2
    assert do_import(clerk, account, twins).new == 0


def test_a_bad_file_stores_nothing_and_reports_every_bad_row(clerk, account):
    bad = csv_file(
        "2026-11-02,3000.00,,杭州云帆网络科技有限公司,,货款,",
        "2026-13-45,100.00,,甲,,货款,",
        "2026-11-04,abc,,乙,,货款,",
    )
    # when
    with pytest.raises(StatementRejected) as caught:
        do_import(clerk, account, bad)
    # then
    assert sorted(error.row for error in caught.value.errors) == [3, 4]
    assert caught.value.as_dict()["rows"][0]["row"] == 3
    assert not BankLine.objects.exists()
    assert not BankStatement.objects.exists()


def test_a_line_after_today_is_refused(clerk, account):
    future = csv_file("2026-12-30,100.00,,甲,,货款,")
    with pytest.raises(StatementRejected) as caught:
        do_import(clerk, account, future, today=dt.date(2026, 12, 1))
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "date")]


def test_a_file_over_the_size_limit_is_refused_unread(clerk, account, settings):
    settings.HUIKUAN_BANK_FILE_MAX_BYTES = 1024
    with pytest.raises(DomainError) as caught:
        do_import(clerk, account, FIRST + b" " * 2000)
    assert caught.value.code == BankErrorCode.FILE_TOO_LARGE
    assert not BankStatement.objects.exists()


def test_an_empty_or_unreadable_file_is_refused(clerk, account):
    for data in (b"", b"\x00\x01\x02 not a statement", b"PK\x03\x04 broken workbook"):
        with pytest.raises(StatementRejected):
            do_import(clerk, account, data)
    assert not BankLine.objects.exists()


def test_a_file_of_another_account_or_currency_is_refused(clerk, manager, company):
    folder = fixtures_dir()
    euro = bank_account_create(
        actor=manager, company=company, name="EUR", bank_name="ABN", number="NL00BANK0123456789", currency="EUR"
    )
    with pytest.raises(StatementRejected) as caught:
        do_import(clerk, euro, (folder / "mt940" / "rabobank_nl_iban.sta").read_bytes())
    assert caught.value.errors[0].field == "account"
    usd = bank_account_create(
        actor=manager, company=company, name="USD", bank_name="Citi", number="9876543210", currency="USD"
    )
    # a CNY statement in a USD account (a file without a currency column is in the account's)
    in_yuan = csv_file(
        "2026-11-02,100.00,,甲,,货款,CNY", header="交易日期,收入金额,支出金额,对方户名,对方账号,摘要,币种"
    )
    with pytest.raises(StatementRejected) as caught:
        do_import(clerk, usd, in_yuan)
    assert {e.field for e in caught.value.errors} == {"currency"}
    assert not BankLine.objects.exists()


def test_a_statement_that_does_not_follow_the_previous_one_is_flagged(clerk, account):
    do_import(clerk, account, FIRST)
    gap = csv_file("2026-11-10,100.00,,甲,,货款,14000.00", "2026-11-11,100.00,,乙,,货款,14100.00")
    # when
    [statement] = do_import(clerk, account, gap).statements
    # then: 13,700.50 closed the first, this one opens at 13,900.00
    assert statement.balance_check == BalanceCheck.GAP
    assert (statement.previous_closing, statement.opening_balance) == (D("13700.50"), D("13900.00"))


def test_only_finance_imports_into_its_own_companys_accounts(rep, account, make_user):
    from huikuan.accounts.models import Company
    from huikuan.accounts.roles import Role

    with pytest.raises(NotPermitted):
        do_import(rep, account, FIRST)
    other = Company.objects.create(code="OT", name="别家公司")
    outsider = make_user("outsider", Role.AR_CLERK, company=other)
    with pytest.raises(NotPermitted):
        do_import(outsider, account, FIRST)
    assert not BankLine.objects.exists()


def test_an_account_number_is_encrypted_at_rest_and_shown_masked(account, manager, company):
    # then
    raw = BankAccount.objects.filter(pk=account.pk).values_list("number_encrypted", flat=True).get()
    assert "6222021234567890123" not in raw
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM bank_bankaccount")
        assert not any("6222021234567890123" in str(value) for value in cursor.fetchone())
    assert account.masked_number == "**** 0123"
    assert account_number(account) == "6222021234567890123"
    # the same number twice is refused, however it is spaced
    with pytest.raises(DomainError) as caught:
        bank_account_create(
            actor=manager, company=company, name="又一个", bank_name="工行", number="6222-0212-3456-7890-123"
        )
    assert caught.value.field == "number"


def test_a_clerk_may_not_set_up_accounts(clerk, company):
    with pytest.raises(NotPermitted):
        bank_account_create(actor=clerk, company=company, name="x", bank_name="y", number="12345678")
