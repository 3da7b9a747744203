"""The engine on a labelled set made from a bulk-loaded book (``demo/bank.py``): what it applies on
its own is always right (the issue's 100 % precision), and it applies most lines."""

import datetime as dt
from collections import Counter

import pytest

from huikuan.audit.services import chain_verify
from huikuan.bank.models import BankLine, KnownPayer, MatchedBy
from huikuan.bank.names import account_key
from huikuan.bank.services.accounts import bank_account_create
from huikuan.bank.services.imports import statement_import
from huikuan.bank.services.matching import lines_match
from huikuan.demo import checks
from huikuan.demo import company as demo_company
from huikuan.demo.bank import as_csv, labelled_set
from huikuan.demo.bulk import LARGE_BOOK, bulk_load
from huikuan.receivables.models import Allocation, Receipt

pytestmark = pytest.mark.django_db


def judge(lines, labels):
    """(applied, right) and the kinds of the wrong ones."""
    by_reference = {label.reference: label for label in labels}
    applied = right = 0
    wrong: Counter[str] = Counter()
    for line in lines:
        if line.matched_by != MatchedBy.AUTO:
            continue
        applied += 1
        label = by_reference[line.reference]
        allocations = {
            a.installment_id: int(a.amount * 100) for a in Allocation.objects.filter(receipt_id=line.receipt_id)
        }
        if label.customer_id == line.customer_id and allocations == label.allocations:
            right += 1
        else:
            wrong[label.kind] += 1
    return applied, right, wrong


def test_what_is_applied_on_its_own_is_right_and_is_most_of_the_set():
    # given: about 300 customers with open installments, one payment each
    company = demo_company.create_company()
    staff = demo_company.create_staff(company)
    demo_company.create_terms(company, staff.finance)
    bulk_load(company=company, installments=6000, seed=11, shape=LARGE_BOOK)
    account = bank_account_create(
        actor=staff.finance, company=company, name="基本户", bank_name="招商银行", number="755912345610001"
    )
    day = dt.date(2026, 11, 30)
    labels = labelled_set(company_id=company.pk, currency="CNY", count=400, seed=3, on=day)
    for payer_account, customer_id in labels.known_accounts:
        KnownPayer.objects.create(
            company=company, kind="account", key=account_key(payer_account), customer_id=customer_id
        )
    assert len(labels.lines) >= 150
    # when
    result = statement_import(
        actor=staff.finance, account=account, data=as_csv(labels.lines).encode(), file_name="set.csv", today=day
    )
    summary = lines_match(actor=staff.finance, company_id=company.pk, line_ids=result.new_line_ids)
    # then
    lines = list(BankLine.objects.filter(account=account))
    applied, right, wrong = judge(lines, labels.lines)
    assert wrong == Counter(), f"wrong matches applied on their own, by kind: {dict(wrong)}"
    assert applied == right == summary.applied
    share = applied / len(labels.lines)
    assert share >= 0.5, f"only {share:.0%} applied on their own"
    # the receipts written in batches keep every figure and the audit chain whole
    assert checks.problems(company) == []
    assert chain_verify().intact
    numbers = sorted(Receipt.objects.filter(bank_line__isnull=False).values_list("number", flat=True))
    assert len(set(numbers)) == applied
    # nothing that is no customer's payment was applied
    not_customers = {label.reference for label in labels.lines if label.customer_id is None}
    assert not any(line.receipt_id for line in lines if line.reference in not_customers)
