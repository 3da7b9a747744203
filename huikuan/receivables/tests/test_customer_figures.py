"""The customer list's figures (balance and overdue per customer, in the database), its filters and
sorts, one customer's figures per currency, and the customer timeline: every figure worked out by
hand from the records each test makes. The records are dated in 2025, so as of today everything
due then is overdue."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huikuan.accounts.models import Company
from huikuan.accounts.roles import Role, Scope
from huikuan.core.dates import today
from huikuan.receivables.customer_figures import (
    EventKind,
    companies_visible_to,
    customer_figures,
    customer_list_with_figures,
    customer_timeline,
    row_figures,
    teams_visible_to,
)
from huikuan.receivables.figures import customer_balance
from huikuan.receivables.services.adjustments import adjustment_create, adjustment_reverse
from huikuan.receivables.services.allocations import allocation_create, allocation_reverse
from huikuan.receivables.services.receipts import receipt_create, receipt_reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(make_customer, make_contract, manager, rep, other_rep):
    """Four customers:

    - ``owing`` (rep, tax id 91110000600037341L): 6,000.00 due 10 Feb 2025 and 4,000.00 due
      10 Mar 2025; a receipt of 5,000.00 of which 1,000.00 went to the first; a 100.00 discount on
      the second; a receipt of 700.00 reversed. Open 5,000.00 + 3,900.00 = 8,900.00, all overdue;
      unapplied 4,000.00; balance 4,900.00.
    - ``later`` (rep): 3,000.00 due in 60 days and 2,500.00 in USD overdue. In CNY: open and
      balance 3,000.00, nothing overdue (the USD is never added in).
    - ``prepaid`` (other_rep): a draft contract (not receivable) and 800.00 received: balance
      −800.00, nothing overdue.
    - ``quiet`` (other_rep): nothing at all."""
    owing = make_customer(owner=rep, name="甲方科技有限公司", tax_id="91110000600037341L")
    contract = make_contract(owing, [("6000.00", dt.date(2025, 2, 10)), ("4000.00", dt.date(2025, 3, 10))])
    first, second = contract.installments.order_by("sequence")
    receipt = receipt_create(actor=manager, customer=owing, received_on=dt.date(2025, 2, 1), amount=D("5000.00"))
    allocation_create(actor=manager, receipt=receipt, installment=first, amount=D("1000.00"))
    adjustment_create(
        actor=manager,
        installment=second,
        kind="discount",
        amount=D("100.00"),
        reason="质量折让",
        effective_on=dt.date(2025, 3, 1),
    )
    bounced = receipt_create(actor=manager, customer=owing, received_on=dt.date(2025, 3, 5), amount=D("700.00"))
    receipt_reverse(actor=manager, receipt=bounced, reason="退票")

    later = make_customer(owner=rep, name="乙方贸易有限公司")
    make_contract(later, [("3000.00", today() + dt.timedelta(days=60))], signed_on=dt.date(2025, 6, 1))
    make_contract(later, [("2500.00", dt.date(2025, 5, 1))], currency="USD", title="出口合同")

    prepaid = make_customer(owner=other_rep, name="丙方实业有限公司")
    make_contract(prepaid, [("9000.00", dt.date(2025, 8, 1))], activate=False)
    receipt_create(actor=manager, customer=prepaid, received_on=dt.date(2025, 4, 1), amount=D("800.00"))

    quiet = make_customer(owner=other_rep, name="丁方物流有限公司")
    return {"owing": owing, "later": later, "prepaid": prepaid, "quiet": quiet}


def figures_by_name(rows):
    return {row.name: (row_figures(row).balance, row_figures(row).overdue) for row in rows}


def test_each_customer_has_its_balance_and_overdue_in_the_company_currency(books, manager):
    rows = list(customer_list_with_figures(user=manager))
    assert figures_by_name(rows) == {
        "甲方科技有限公司": (D("4900.00"), D("8900.00")),
        "乙方贸易有限公司": (D("3000.00"), D("0.00")),
        "丙方实业有限公司": (D("-800.00"), D("0.00")),
        "丁方物流有限公司": (D("0.00"), D("0.00")),
    }
    assert {row_figures(row).currency for row in rows} == {"CNY"}
    # the same balance as the figures every report uses (DOMAIN.md rule 6)
    for row in rows:
        assert row_figures(row).balance == customer_balance(row.pk, currency="CNY").balance


def test_the_list_sorts_by_code_name_balance_and_overdue_in_the_database(books, manager):
    def names(sort):
        return [row.name for row in customer_list_with_figures(user=manager, filters={"sort": sort})]

    by_code = [c.name for c in sorted(books.values(), key=lambda c: c.code)]
    assert names("code") == by_code
    assert names("name") == sorted(by_code)
    assert names("balance") == ["甲方科技有限公司", "乙方贸易有限公司", "丁方物流有限公司", "丙方实业有限公司"]
    # overdue largest first, ties by code
    assert names("overdue")[0] == "甲方科技有限公司"
    assert names("overdue")[1:] == [n for n in by_code if n != "甲方科技有限公司"]
    # the sort names the selected balance (by position or alias) instead of summing it again
    query = str(customer_list_with_figures(user=manager, filters={"sort": "balance"}).query)
    assert "SELECT" not in query.split("ORDER BY")[1]


def test_a_page_is_one_query_sorted_by_balance_or_not(books, manager):
    for sort in ("code", "balance", "overdue"):
        rows = customer_list_with_figures(user=manager, filters={"sort": sort})
        with CaptureQueriesContext(connection) as queries:
            page = list(rows[:50])
            for row in page:
                row_figures(row)
                str(row.owner)
        assert len(queries) == 1, sort


def test_filters_text_owner_team_company_status_and_overdue(books, manager, rep, team, make_user):
    def names(**filters):
        return {row.name for row in customer_list_with_figures(user=manager, filters=filters)}

    assert names(q="甲方") == {"甲方科技有限公司"}
    assert names(q=books["later"].code.lower()) == {"乙方贸易有限公司"}
    assert names(q="0000600037341l") == {"甲方科技有限公司"}  # part of the tax id, any case
    assert names(owner=rep.pk) == {"甲方科技有限公司", "乙方贸易有限公司"}
    assert names(team=team.pk) == {n.name for n in books.values()}
    assert names(has_overdue=True) == {"甲方科技有限公司"}
    assert names(has_overdue=False) == {"乙方贸易有限公司", "丙方实业有限公司", "丁方物流有限公司"}
    assert names(company=books["owing"].company_id) == {n.name for n in books.values()}
    assert names(company=books["owing"].company_id + 999) == set()
    assert names(status="on_hold") == set()
    with pytest.raises(ValidationError):
        customer_list_with_figures(user=manager, filters={"sort": "nonsense"})
    with pytest.raises(ValidationError):
        customer_list_with_figures(user=manager, filters={"owner": "x"})


def test_a_sales_rep_lists_only_their_own_customers_whatever_the_filters(books, rep, other_rep):
    mine = {row.name for row in customer_list_with_figures(user=rep)}
    assert mine == {"甲方科技有限公司", "乙方贸易有限公司"}
    assert list(customer_list_with_figures(user=rep, filters={"owner": other_rep.pk})) == []
    assert list(customer_list_with_figures(user=rep, filters={"q": "丙方"})) == []


def test_the_figures_are_those_of_today(books, manager):
    with pytest.raises(ValueError, match="today"):
        customer_list_with_figures(user=manager, as_of=today() - dt.timedelta(days=1))


def test_filter_choices_follow_the_scope(books, manager, rep, team, team_lead, make_user):
    other = Company.objects.create(code="SZ", name="深圳分公司")
    admin = make_user("group_admin", Role.ADMIN, scope=Scope.GROUP)
    admin.other_companies.add(other)
    assert list(teams_visible_to(manager)) == [team]
    assert list(teams_visible_to(team_lead)) == [team]
    assert list(teams_visible_to(rep)) == []
    assert set(companies_visible_to(admin)) == {books["owing"].company, other}
    assert list(companies_visible_to(rep)) == [books["owing"].company]


def test_one_customers_figures_per_currency(books):
    cny, usd = customer_figures(books["later"])
    assert (cny.currency, cny.open_installments, cny.open_count, cny.unapplied_cash, cny.balance) == (
        "CNY",
        D("3000.00"),
        1,
        D("0.00"),
        D("3000.00"),
    )
    assert (cny.overdue, cny.overdue_count) == (D("0.00"), 0)
    assert (usd.currency, usd.open_installments, usd.overdue, usd.overdue_count, usd.balance) == (
        "USD",
        D("2500.00"),
        D("2500.00"),
        1,
        D("2500.00"),
    )
    [owing] = customer_figures(books["owing"])
    assert (owing.open_installments, owing.open_count, owing.unapplied_cash, owing.balance) == (
        D("8900.00"),
        2,
        D("4000.00"),
        D("4900.00"),
    )
    assert (owing.overdue, owing.overdue_count) == (D("8900.00"), 2)
    [quiet] = customer_figures(books["quiet"])
    assert (quiet.currency, quiet.balance, quiet.open_count) == ("CNY", D("0.00"), 0)


def test_the_timeline_lists_every_dated_record_newest_first_with_reversals(books, manager):
    owing = books["owing"]
    allocation = owing.receipts.get(amount=D("5000.00")).allocations.get()
    allocation_reverse(actor=manager, allocation=allocation, reason="错配", reversed_on=dt.date(2025, 4, 2))
    adjustment = allocation.installment.contract.installments.get(sequence=2).adjustments.get()
    adjustment_reverse(actor=manager, adjustment=adjustment, reason="折让撤销", reversed_on=dt.date(2025, 4, 3))
    timeline = customer_timeline(user=manager, customer=owing)
    seen = [(event.on, event.kind, event.amount) for event in timeline.events]
    reversed_receipt_on = owing.receipts.get(amount=D("700.00")).reversed_on
    expected = [
        (reversed_receipt_on, EventKind.RECEIPT_REVERSED, D("700.00")),
        (dt.date(2025, 4, 3), EventKind.ADJUSTMENT_REVERSED, D("100.00")),
        (dt.date(2025, 4, 2), EventKind.ALLOCATION_REVERSED, D("1000.00")),
        (dt.date(2025, 3, 10), EventKind.INSTALLMENT_DUE, D("4000.00")),
        (dt.date(2025, 3, 5), EventKind.RECEIPT, D("700.00")),
        (dt.date(2025, 3, 1), EventKind.ADJUSTMENT, D("100.00")),
        (dt.date(2025, 2, 10), EventKind.INSTALLMENT_DUE, D("6000.00")),
        # on one day, newest first too: the money came in before it was matched
        (dt.date(2025, 2, 1), EventKind.ALLOCATION, D("1000.00")),
        (dt.date(2025, 2, 1), EventKind.RECEIPT, D("5000.00")),
        (dt.date(2025, 1, 10), EventKind.CONTRACT_SIGNED, D("10000.00")),
    ]
    assert seen == expected
    assert timeline.has_more is False
    assert timeline.events[0].receipt is not None
    assert timeline.events[-1].contract == allocation.installment.contract


def test_the_timeline_is_cut_and_says_more_is_left(books, manager):
    owing = books["owing"]
    short = customer_timeline(user=manager, customer=owing, limit=3)
    full = customer_timeline(user=manager, customer=owing, limit=100)
    assert short.has_more is True
    assert [(e.on, e.kind) for e in short.events] == [(e.on, e.kind) for e in full.events[:3]]
    assert full.has_more is False


def test_a_draft_plan_and_later_due_dates_are_not_on_the_timeline_and_others_see_nothing(books, manager, rep):
    kinds = [e.kind for e in customer_timeline(user=manager, customer=books["prepaid"]).events]
    assert sorted(kinds) == [EventKind.CONTRACT_SIGNED, EventKind.RECEIPT]
    # what falls due after today is the worklist's, not the timeline's
    later = [(e.kind, e.amount) for e in customer_timeline(user=manager, customer=books["later"]).events]
    assert sorted(later) == [
        (EventKind.CONTRACT_SIGNED, D("2500.00")),
        (EventKind.CONTRACT_SIGNED, D("3000.00")),
        (EventKind.INSTALLMENT_DUE, D("2500.00")),
    ]
    # a rep reading another rep's customer (the pages 404 first): the selectors show nothing
    assert customer_timeline(user=rep, customer=books["prepaid"]).events == []
