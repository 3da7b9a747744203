"""Every real bank file of the shared fixtures imports into an account of its own, once: its lines
are stored, a second import adds none, and statements whose own figures do not add up are stored
flagged, not refused."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.bank import names
from huikuan.bank.models import BalanceCheck, BankLine, BankStatement
from huikuan.bank.parsing.read import read_statement_file
from huikuan.bank.services.accounts import bank_account_create
from huikuan.bank.services.imports import statement_import
from huikuan.bank.tests.conftest import fixtures_dir

pytestmark = pytest.mark.django_db

# the files whose own figures do not add up (the balances or the totals they declare), as read
# by hand: see the parsing tests
DO_NOT_ADD_UP = {
    "cn_icbc_debit_gongshang.csv",
    "abn_amro_nl.sta",
    "ing_nl_legacy.sta",
    "knab_nl.sta",
    "postfinance_ch.sta",
    "raiffeisen_hu_iso8859-2.sta",
    "triodos_nl.sta",
    "genkgo_camt053_v02_five_decimals.xml",
    "genkgo_camt053_v04.xml",
    "oca_nl_camt053_v02_sepa_dd_return.xml",
    "tryton_be_camt053_v02_example.xml",
}


def statement_files() -> list[str]:
    try:
        folder = fixtures_dir()
    except pytest.skip.Exception:
        return []
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and path.parent.name in {"csv", "mt940", "camt053"}
    )


@pytest.mark.parametrize("relative", statement_files() or ["(fixtures absent)"])
def test_every_fixture_file_imports_once(relative, manager, clerk, company):
    folder = fixtures_dir()
    path = folder / relative
    data = path.read_bytes()
    parsed = read_statement_file(data, file_name=path.name, check_balances=False)
    wanted = {(s.account, s.currency) for s in parsed.statements}
    imported = 0
    for number, (named, currency) in enumerate(sorted(wanted), start=1):
        key = names.account_key(named)[-34:] or f"99887766{number:04d}"
        account = bank_account_create(
            actor=manager,
            company=company,
            name=f"{path.stem}-{number}",
            bank_name=path.stem,
            number=key,
            currency=currency,
        )
        result = statement_import(
            actor=clerk, account=account, data=data, file_name=path.name, today=dt.date(2026, 12, 1)
        )
        mine = [s for s in parsed.statements if (s.account, s.currency) == (named, currency)]
        assert result.read == sum(len(s.lines) for s in mine)
        imported += result.new
        again = statement_import(
            actor=clerk, account=account, data=data, file_name=path.name, today=dt.date(2026, 12, 1)
        )
        assert again.new == 0
        assert again.duplicates == again.read
    total = sum(len(s.lines) for s in parsed.statements)
    # lines alike in every field within a day count once per occurrence, so all are stored
    assert imported == BankLine.objects.count() == total
    checks = set(BankStatement.objects.filter(lines_new__gt=0).values_list("balance_check", flat=True))
    if path.name in DO_NOT_ADD_UP:
        assert BalanceCheck.MISMATCH in checks
    else:
        assert BalanceCheck.MISMATCH not in checks
    # what the lines add up to is what was stored
    for statement in BankStatement.objects.filter(lines_new__gt=0):
        lines = BankLine.objects.filter(statement=statement)
        assert sum((line.amount for line in lines if line.amount > 0), D(0)) == statement.credit_total
