import datetime as dt
import os
from pathlib import Path

import pytest

from huikuan.bank.services.accounts import bank_account_create

LINE_DAY = dt.date(2026, 11, 2)


def fixtures_dir() -> Path:
    """The real bank files of ../shared/fixtures (HUIKUAN_FIXTURES overrides)."""
    configured = os.environ.get("HUIKUAN_FIXTURES")
    base = Path(configured) if configured else Path(__file__).resolve().parents[3].parent / "shared" / "fixtures"
    folder = base / "bank-statements" if (base / "bank-statements").is_dir() else base
    if not folder.is_dir():
        pytest.skip(f"the shared bank statement fixtures are not at {folder} (set HUIKUAN_FIXTURES)")
    return folder


@pytest.fixture
def account(manager, company):
    return bank_account_create(
        actor=manager, company=company, name="工行基本户", bank_name="中国工商银行", number="6222 0212 3456 7890 123"
    )


@pytest.fixture
def customer(make_customer, manager):
    return make_customer(owner=manager, name="杭州云帆网络科技有限公司")


@pytest.fixture
def contract(make_contract, customer):
    """Signed 10 Jan 2025: 3,000.00 due 1 Feb, 5,000.00 due 1 Mar, 2,000.00 due 1 Apr."""
    return make_contract(
        customer,
        [("3000.00", dt.date(2025, 2, 1)), ("5000.00", dt.date(2025, 3, 1)), ("2000.00", dt.date(2025, 4, 1))],
    )


def csv_file(*rows: str, header: str = "交易日期,收入金额,支出金额,对方户名,对方账号,摘要,余额") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()
