import datetime as dt
import random
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Sum
from stdnum.cn import uscc

from huikuan.accounts.models import Company, User
from huikuan.contracts.models import Contract, Installment
from huikuan.core.dates import today
from huikuan.customers.models import Customer
from huikuan.demo import checks, names
from huikuan.demo.bulk import bulk_load
from huikuan.receivables import figures
from huikuan.receivables.models import Adjustment, Allocation, Receipt

PAST_DAYS = (1, 45, 200, 500)


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    output = run_demo("--customers", "10", "--contracts", "30")
    return Company.objects.get(code="DEMO"), output


def assert_figures_reconcile(company: Company) -> None:
    installments = Installment.objects.filter(company=company)
    open_now = installments.filter(booked_on__isnull=False).aggregate(t=Sum("open_amount"))["t"]
    aging = figures.aging_by_customer(installments)
    assert sum(row.total for row in aging) == figures.open_total(installments) == open_now
    assert {row.customer_id: row.total for row in aging} == checks.naive_open_by_customer(company)
    for days in PAST_DAYS:
        as_of = today() - dt.timedelta(days=days)
        expected = checks.naive_open_by_customer(company, as_of)
        aging = figures.aging_by_customer(installments, as_of)
        assert {row.customer_id: row.total for row in aging} == expected, as_of
        assert figures.open_total(installments, as_of) == sum(expected.values()), as_of


def test_demo_goes_through_the_services_keeps_every_invariant_and_prints_the_logins(demo):
    # given / when
    company, output = demo
    # then
    assert Customer.objects.filter(company=company).count() == 10
    assert Contract.objects.filter(company=company).count() == 30
    assert Receipt.objects.filter(company=company).exists()
    assert Allocation.objects.filter(company=company).exists()
    assert User.objects.filter(company=company).count() == 13
    assert User.objects.get(username="clerk").check_password("huikuan-demo")
    assert "http://127.0.0.1:8000/admin/" in output
    # a statement in the bank account: some lines matched on their own, the rest in the review queue
    from huikuan.bank.models import BankLine, MatchedBy

    assert BankLine.objects.filter(company=company, matched_by=MatchedBy.AUTO).exists()
    assert "Bank statement:" in output
    assert "/api/docs/" in output
    assert "south_rep3" in output
    for customer in Customer.objects.filter(company=company):
        assert uscc.is_valid(customer.tax_id)
        assert customer.contacts.exists()
    assert checks.problems(company) == []
    assert_figures_reconcile(company)


def test_if_empty_leaves_an_existing_company_alone_and_still_prints_logins(demo):
    # given
    company, _output = demo
    receipts = Receipt.objects.count()
    # when
    output = run_demo("--if-empty", "--url", "http://demo.example:9000/")
    # then
    assert Company.objects.count() == 1
    assert Receipt.objects.count() == receipts
    assert "http://demo.example:9000/admin/" in output
    assert "east_lead" in output


def test_bulk_load_keeps_every_invariant(db):
    # given
    run_demo("--installments", "3000")
    company = Company.objects.get(code="DEMO")
    # then
    installments = Installment.objects.filter(company=company)
    assert 3000 <= installments.count() < 3010
    assert 0.1 < installments.filter(open_amount__gt=0).count() / installments.count() < 0.35
    assert Allocation.objects.filter(reversed_on__isnull=False).exists()
    assert Adjustment.objects.exists()
    assert installments.filter(open_amount__gt=0, open_amount__lt=F("amount")).exists()  # partly paid
    assert checks.problems(company) == []
    assert_figures_reconcile(company)


def test_bulk_load_is_deterministic_for_a_seed(db):
    # given
    run_demo("--installments", "10")
    company = Company.objects.get(code="DEMO")

    def snapshot() -> list[tuple]:
        with transaction.atomic():
            bulk_load(company=company, installments=500, seed=7)
            rows = list(
                Installment.objects.order_by("pk").values_list("amount", "due_date", "open_amount", "settled_on")
            )
            transaction.set_rollback(True)
        return rows

    # when / then
    assert snapshot() == snapshot()


def test_tax_ids_are_valid_unified_social_credit_codes():
    rng = random.Random(1)
    for _ in range(500):
        assert uscc.is_valid(names.tax_id(rng, rng.randrange(len(names.CITIES))))


def test_the_demo_reps_have_collection_targets_for_this_year(demo):
    from huikuan.contracts.models import PlannedMonth
    from huikuan.reports.models import CollectionTarget

    company, _output = demo
    targets = CollectionTarget.objects.filter(company=company, month__year=today().year)
    planned_months = (
        PlannedMonth.objects.filter(company=company, month__year=today().year, currency="CNY")
        .values("customer__owner", "month")
        .distinct()
        .count()
    )
    # one target per owner and month with something falling due, 90 % of it in ten-thousands
    assert targets.count() == planned_months > 0
    for target in targets:
        planned = PlannedMonth.objects.filter(
            company=company, month=target.month, customer__owner=target.owner, currency="CNY"
        ).aggregate(t=Sum("amount_cents"))["t"]
        assert target.amount <= D(planned) / 100 * D("0.9")
        assert target.amount % 10_000 == 0
