"""Two clerks (or a clerk and the importer) on the same lines at once, over real PostgreSQL
connections: every line becomes one receipt, never two."""

import pytest

from huikuan.bank.models import BankLine, LineStatus
from huikuan.bank.services.imports import statement_import
from huikuan.bank.services.matching import line_accept, lines_match
from huikuan.bank.tests.conftest import csv_file
from huikuan.demo import checks
from huikuan.receivables.models import Receipt

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def test_two_matching_runs_over_the_same_lines_apply_each_once(clerk, manager, account, contract, race):
    result = statement_import(
        actor=clerk,
        account=account,
        data=csv_file(
            f"2026-11-02,3000.00,,杭州云帆网络科技有限公司,,货款 {contract.number},",
            f"2026-11-03,5000.00,,杭州云帆网络科技有限公司,,货款 {contract.number},",
        ),
        file_name="s.csv",
    )
    ids = result.new_line_ids
    # when
    outcomes = race(
        lambda: lines_match(actor=clerk, company_id=account.company_id, line_ids=ids),
        lambda: lines_match(actor=manager, company_id=account.company_id, line_ids=ids),
    )
    # then
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert sum(o.applied for o in outcomes) == 2
    assert Receipt.objects.count() == 2
    assert BankLine.objects.filter(status=LineStatus.MATCHED).count() == 2
    assert checks.problems(account.company) == []


def test_two_clerks_accepting_one_line_make_one_receipt(clerk, manager, account, contract, race):
    result = statement_import(
        actor=clerk, account=account, data=csv_file("2026-11-02,1000.00,,云帆网络,,货款,"), file_name="s.csv"
    )
    lines_match(actor=clerk, company_id=account.company_id, line_ids=result.new_line_ids)
    line = BankLine.objects.get()
    # when
    outcomes = race(
        lambda: line_accept(actor=clerk, line=BankLine.objects.get(pk=line.pk)),
        lambda: line_accept(actor=manager, line=BankLine.objects.get(pk=line.pk)),
    )
    # then
    assert sum(isinstance(o, BankLine) for o in outcomes) == 1
    assert Receipt.objects.count() == 1
    assert checks.problems(account.company) == []
