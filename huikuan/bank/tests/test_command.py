"""``huikuan bank import|match`` from the shell: what it prints, what it stores, and what it refuses
(a bad file, an unknown account, a user who may not import) with nothing stored. One test runs the
real console command in a child process, on PostgreSQL, for its exit code."""

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal as D
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from huikuan.accounts.roles import Role
from huikuan.bank.models import BankLine, BankStatement, LineStatus, MatchedBy
from huikuan.bank.services.accounts import bank_account_create, bank_account_update
from huikuan.bank.tests.conftest import csv_file, fixtures_dir
from huikuan.receivables.models import Receipt

pytestmark = pytest.mark.django_db

SUBITE = "camt053/subite_be_camt053_v02_month_2024-11.xml"


def statement(tmp_path, *rows: str, name: str = "工行流水.csv"):
    path = tmp_path / name
    path.write_bytes(csv_file(*rows))
    return path


def three_lines(contract) -> tuple[str, ...]:
    """One sure payment (full name, contract number, the installment's amount), one from an
    abbreviated name (for review), one of money out."""
    return (
        f"2026-11-02,3000.00,,杭州云帆网络科技有限公司,6222020200112233,货款 {contract.number},13000.00",
        "2026-11-03,1000.00,,云帆网络,,货款,14000.00",
        "2026-11-04,,200.00,某物流公司,,运费,13800.00",
    )


def bank(*args: str) -> tuple[str, str]:
    """Run ``huikuan bank ...`` in this process; returns what it printed (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("bank", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> tuple[str, str]:
    """Run ``huikuan bank ...``, which must refuse; returns (the error's message, stderr)."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("bank", *args, stdout=out, stderr=err)
    return str(caught.value), err.getvalue()


def test_import_prints_the_counts_and_matches(tmp_path, clerk, account, contract, customer):
    path = statement(tmp_path, *three_lines(contract))
    # when
    out, err = bank("import", str(path), "--account", "工行基本户", "--user", "clerk")
    # then
    assert "3 lines read: 3 new, 0 duplicates, 1 money out (ignored)." in out
    assert "Statement 2026-11-02 – 2026-11-04: balances Balances agree." in out
    assert "1 matched automatically, 1 left for review (0 without a proposal)." in out
    assert err == ""
    sure, abbreviated, money_out = BankLine.objects.order_by("booked_on")
    assert (sure.status, sure.matched_by, sure.customer) == (LineStatus.MATCHED, MatchedBy.AUTO, customer)
    assert sure.receipt.amount == D("3000.00")
    assert sure.receipt.created_by == clerk  # recorded by --user
    assert (abbreviated.status, abbreviated.receipt) == (LineStatus.OPEN, None)
    assert abbreviated.proposals[0]["customer"] == customer.pk
    assert money_out.status == LineStatus.IGNORED
    assert BankStatement.objects.get().imported_by == clerk


def test_the_same_file_again_prints_duplicates_and_adds_nothing(tmp_path, clerk, account, contract):
    path = statement(tmp_path, *three_lines(contract))
    bank("import", str(path), "--account", "工行基本户", "--user", "clerk")
    lines, receipts = BankLine.objects.count(), Receipt.objects.count()
    # when
    out, _err = bank("import", str(path), "--account", "工行基本户", "--user", "clerk")
    # then
    assert "3 lines read: 0 new, 3 duplicates, 0 money out (ignored)." in out
    assert "0 matched automatically, 0 left for review (0 without a proposal)." in out
    assert (BankLine.objects.count(), Receipt.objects.count()) == (lines, receipts)
    # the second import is on record, with no line of its own
    again = BankStatement.objects.order_by("-pk").first()
    assert (again.lines_read, again.lines_new, again.lines_duplicate) == (3, 0, 3)
    assert not again.lines.exists()


def test_a_bad_file_prints_every_bad_row_and_stores_nothing(tmp_path, clerk, account, contract):
    path = statement(
        tmp_path,
        f"2026-11-02,3000.00,,杭州云帆网络科技有限公司,,货款 {contract.number},",
        "2026-11-31,100.00,,甲,,货款,",
        "2026-11-04,oops,,乙,,货款,",
    )
    # when
    message, err = refused("import", str(path), "--account", "工行基本户", "--user", "clerk")
    # then
    assert "Nothing was stored" in message
    assert "2 problem(s)" in message
    rows = err.splitlines()
    assert len(rows) == 2, err
    # each bad row by its number in the file (the header is row 1), the column and the value
    assert rows[0].startswith("row 3: 交易日期: ")
    assert "2026-11-31" in rows[0]
    assert rows[1].startswith("row 4: 收入金额: ")
    assert "oops" in rows[1]
    assert not BankStatement.objects.exists()
    assert not BankLine.objects.exists()
    assert not Receipt.objects.exists()


def test_a_file_that_cannot_be_read_is_refused(tmp_path, clerk, account):
    message, _err = refused("import", str(tmp_path / "missing.csv"), "--account", "工行基本户", "--user", "clerk")
    assert "Cannot read" in message
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    message, _err = refused("import", str(empty), "--account", "工行基本户", "--user", "clerk")
    assert "Nothing was stored" in message
    assert not BankStatement.objects.exists()


def test_an_unknown_account_is_refused(tmp_path, clerk, account, contract):
    path = statement(tmp_path, *three_lines(contract))
    message, _err = refused("import", str(path), "--account", "建行一般户", "--user", "clerk")
    assert "No bank account is named or numbered 建行一般户" in message
    message, _err = refused("import", str(path), "--account", "6222 0212 3456 7890 999", "--user", "clerk")
    assert "No bank account" in message
    assert not BankLine.objects.exists()


def test_the_account_is_found_by_its_number_however_it_is_spaced(tmp_path, clerk, account, contract):
    for number, name in (("6222 0212 3456 7890 123", "a.csv"), ("6222-0212-3456-7890-123", "b.csv")):
        path = statement(tmp_path, f"2026-11-05,10.00,,张三,,{name},", name=name)
        out, _err = bank("import", str(path), "--account", number, "--user", "clerk")
        assert "1 lines read: 1 new" in out
    assert set(BankLine.objects.values_list("account", flat=True)) == {account.pk}


def test_an_account_of_another_company_is_not_found(tmp_path, clerk, contract):
    from huikuan.accounts.models import Company, User

    other = Company.objects.create(code="OT", name="别家公司")
    boss = User.objects.create_user("boss", password="x-pass-123", role=Role.FINANCE_MANAGER, company=other)
    bank_account_create(actor=boss, company=other, name="别家户", bank_name="工行", number="99998888777")
    path = statement(tmp_path, *three_lines(contract))
    for wanted in ("别家户", "99998888777"):
        message, _err = refused("import", str(path), "--account", wanted, "--user", "clerk")
        assert "No bank account" in message
    assert not BankLine.objects.exists()


@pytest.mark.parametrize("user", ["nobody", "retired"])
def test_an_unknown_or_inactive_user_is_refused(tmp_path, make_user, account, contract, user):
    make_user("retired", Role.AR_CLERK, is_active=False)
    path = statement(tmp_path, *three_lines(contract))
    message, _err = refused("import", str(path), "--account", "工行基本户", "--user", user)
    assert f"No active user is called {user}." in message
    message, _err = refused("match", "--user", user)
    assert f"No active user is called {user}." in message
    assert not BankStatement.objects.exists()


def test_a_user_of_no_company_is_refused(tmp_path, account, contract):
    from huikuan.accounts.models import User

    User.objects.create_user("admin", password="x-pass-123", role=Role.FINANCE_MANAGER, company=None)
    path = statement(tmp_path, *three_lines(contract))
    message, _err = refused("import", str(path), "--account", "工行基本户", "--user", "admin")
    assert "admin works in no company." in message
    assert not BankStatement.objects.exists()


def test_a_sales_rep_may_not_import_or_match(tmp_path, rep, clerk, account, contract):
    path = statement(tmp_path, *three_lines(contract))
    # when
    message, _err = refused("import", str(path), "--account", "工行基本户", "--user", "rep")
    # then
    assert "Your role does not allow this action." in message
    assert not BankStatement.objects.exists()
    assert not BankLine.objects.exists()
    # nor match lines a clerk imported
    bank("import", str(path), "--account", "工行基本户", "--user", "clerk", "--no-match")
    message, _err = refused("match", "--user", "rep")
    assert "Your role does not allow this action." in message
    assert not Receipt.objects.exists()


def test_no_match_stores_the_lines_and_matches_nothing(tmp_path, clerk, account, contract):
    path = statement(tmp_path, *three_lines(contract))
    # when
    out, _err = bank("import", str(path), "--account", "工行基本户", "--user", "clerk", "--no-match")
    # then
    assert "3 lines read: 3 new, 0 duplicates, 1 money out (ignored)." in out
    assert "matched automatically" not in out
    assert BankLine.objects.count() == 3
    assert BankLine.objects.filter(status=LineStatus.OPEN).count() == 2
    assert not BankLine.objects.exclude(proposals=[]).exists()
    assert not Receipt.objects.exists()
    # and matching later applies the sure one
    out, _err = bank("match", "--user", "clerk")
    assert "1 matched automatically, 1 left for review (0 without a proposal)." in out
    assert Receipt.objects.count() == 1


def test_match_later_applies_lines_once_their_contract_is_added(
    tmp_path, clerk, account, make_customer, make_contract, manager
):
    path = statement(
        tmp_path,
        "2026-11-02,3000.00,,杭州云帆网络科技有限公司,,货款 HT-2026-088,",
        "2026-11-03,66.00,,工商银行,,利息,",
    )
    out, _err = bank("import", str(path), "--account", "工行基本户", "--user", "clerk")
    assert "0 matched automatically, 2 left for review (2 without a proposal)." in out
    assert not Receipt.objects.exists()
    # when: the customer and its contract are entered afterwards, and the open lines matched again
    customer = make_customer(owner=manager, name="杭州云帆网络科技有限公司")
    contract = make_contract(customer, [("3000.00", dt.date(2026, 10, 31))], number="HT-2026-088")
    out, _err = bank("match", "--user", "clerk")
    # then
    assert "1 matched automatically, 1 left for review (1 without a proposal)." in out
    line = BankLine.objects.get(amount=D("3000.00"))
    assert (line.status, line.matched_by, line.customer) == (LineStatus.MATCHED, MatchedBy.AUTO, customer)
    installment = contract.installments.get()
    installment.refresh_from_db()
    assert installment.open_amount == D("0.00")
    # and again: nothing more to do, the matched line is not applied twice
    out, _err = bank("match", "--user", "clerk")
    assert "0 matched automatically, 1 left for review (1 without a proposal)." in out
    assert Receipt.objects.count() == 1


def test_a_retired_account_takes_no_file(tmp_path, clerk, manager, account, contract):
    bank_account_update(
        actor=manager, account=account, name=account.name, bank_name=account.bank_name, auto_threshold=90, active=False
    )
    path = statement(tmp_path, *three_lines(contract))
    message, _err = refused("import", str(path), "--account", "工行基本户", "--user", "clerk")
    assert "no longer in use" in message
    assert not BankStatement.objects.exists()
    assert not BankLine.objects.exists()


def test_a_real_camt053_month_is_imported_whole(clerk, manager, company):
    path = fixtures_dir() / SUBITE
    bank_account_create(
        actor=manager, company=company, name="KBC EUR", bank_name="KBC", number="BE68 7932 3077 3034", currency="EUR"
    )
    # when
    out, err = bank("import", str(path), "--account", "KBC EUR", "--user", "clerk", "--format", "camt053")
    # then: 268 entries, 264 of them money out
    assert "268 lines read: 268 new, 0 duplicates, 264 money out (ignored)." in out
    assert "Statement 2024-11-01 – 2024-11-30: balances Balances agree." in out
    assert "0 matched automatically, 4 left for review (4 without a proposal)." in out
    assert err == ""
    assert BankLine.objects.count() == 268
    assert BankLine.objects.filter(status=LineStatus.IGNORED).count() == 264
    statement_ = BankStatement.objects.get()
    assert (statement_.opening_balance, statement_.closing_balance) == (D("59370.37"), D("87539.12"))
    # and once more, found by its IBAN, recognised: all duplicates
    out, _err = bank("import", str(path), "--account", "BE68793230773034", "--user", "clerk")
    assert "268 lines read: 0 new, 268 duplicates, 0 money out (ignored)." in out
    assert BankLine.objects.count() == 268


def test_a_file_in_the_wrong_format_is_refused(tmp_path, clerk, account, contract):
    path = statement(tmp_path, *three_lines(contract))
    message, _err = refused("import", str(path), "--account", "工行基本户", "--user", "clerk", "--format", "mt940")
    assert "Nothing was stored" in message
    assert not BankStatement.objects.exists()


def huikuan_bank(*args: str) -> subprocess.CompletedProcess:
    """``python -m huikuan.manage bank ...`` in a child process, on this test's database."""
    database = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )
    # the account's number is encrypted under a key derived from these: the child must share them
    env["SECRET_KEY"] = settings.SECRET_KEY
    env["HUIKUAN_FIELD_KEYS"] = getattr(settings, "HUIKUAN_FIELD_KEYS", "")
    return subprocess.run(
        [sys.executable, "-m", "huikuan.manage", "bank", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_the_console_command_exits_non_zero_on_a_bad_file_and_zero_on_a_good_one(tmp_path, clerk, account, contract):
    bad = statement(tmp_path, "2026-11-02,3000.00,,甲,,货款,", "2026-11-31,oops,,乙,,货款,", name="bad.csv")
    good = statement(tmp_path, *three_lines(contract), name="good.csv")
    # when: a bad file
    run = huikuan_bank("import", str(bad), "--account", "工行基本户", "--user", "clerk")
    # then
    assert run.returncode != 0, run.stdout + run.stderr
    # both problems of row 3, each on a line of its own, with the value found
    problems = [
        row for row in run.stderr.splitlines() if "3" in row.split(": ")[0] and ("2026-11-31" in row or "oops" in row)
    ]
    assert len(problems) == 2, run.stderr
    assert not BankStatement.objects.exists()
    assert not BankLine.objects.exists()
    # when: a good one
    run = huikuan_bank("import", str(good), "--account", "工行基本户", "--user", "clerk")
    # then
    assert run.returncode == 0, run.stdout + run.stderr
    assert BankLine.objects.count() == 3
    assert Receipt.objects.count() == 1
    assert BankLine.objects.get(amount=D("3000.00")).status == LineStatus.MATCHED
    # an unknown user: non-zero, nothing more
    run = huikuan_bank("match", "--user", "nobody")
    assert run.returncode != 0
    assert Receipt.objects.count() == 1
