"""The home page's figures, worked out by hand for a small book, and scoped per user."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.core.dates import month_start, today
from huikuan.receivables.dashboard import MONTHS, dashboards, month_series
from huikuan.receivables.services.allocations import allocation_create
from huikuan.receivables.services.receipts import receipt_create

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


@pytest.fixture
def book(make_customer, make_contract, manager, rep, other_rep):
    """Rep's customer owes 1,000 (−40 d, paid by a receipt of 1,500 today), 2,000 (−1 d), 3,000 (+3 d),
    4,000 (+20 d), 5,000 (+45 d); the other rep's customer 700 (−10 d)."""
    plan = [
        ("1000.00", days(-40)),
        ("2000.00", days(-1)),
        ("3000.00", days(3)),
        ("4000.00", days(20)),
        ("5000.00", days(45)),
    ]
    ours = make_customer(owner=rep, name="甲方科技有限公司")
    theirs = make_customer(owner=other_rep, name="乙方贸易有限公司")
    signed = days(-60)
    contract = make_contract(ours, plan, signed_on=signed)
    make_contract(theirs, [("700.00", days(-10))], signed_on=signed)
    receipt = receipt_create(actor=manager, customer=ours, received_on=today(), amount=D("1500.00"))
    first = contract.installments.get(sequence=1)
    allocation_create(actor=manager, receipt=receipt, installment=first, amount=D("1000.00"))
    return {"ours": ours, "theirs": theirs, "plan": plan, "other": [("700.00", days(-10))]}


def other_rep_of(book):
    return book["theirs"].owner


def due_in_month(plan, start: dt.date) -> D:
    return sum((D(a) for a, due in plan if month_start(due) == start), D("0.00"))


def test_the_home_figures_of_a_finance_manager(book, manager):
    [figures] = dashboards(user=manager, as_of=today())
    assert figures.currency == "CNY"
    assert figures.receivable == D("14700.00")  # 2,000 + 3,000 + 4,000 + 5,000 + 700
    assert figures.overdue == D("2700.00")
    assert figures.overdue_share == D("0.1837")
    assert figures.due_next_7 == D("3000.00")
    assert figures.due_next_30 == D("7000.00")
    assert figures.collected_this_month == D("1500.00")
    this_month = month_start(today())
    assert figures.due_this_month == due_in_month(book["plan"] + book["other"], this_month)
    assert [(c.name, c.overdue) for c in figures.top_overdue] == [
        ("甲方科技有限公司", D("2000.00")),
        ("乙方贸易有限公司", D("700.00")),
    ]
    months = month_series(user=manager, as_of=today(), currency="CNY")
    assert len(months) == MONTHS
    assert months[-1].starts_on == this_month
    assert months[0].starts_on == month_start(today(), MONTHS - 1)
    for month in months:
        assert month.due == due_in_month(book["plan"] + book["other"], month.starts_on)
        assert month.collected == (D("1500.00") if month.starts_on == this_month else D("0.00"))
    # the rep's chart: their customer's only
    for month in month_series(user=other_rep_of(book), as_of=today(), currency="CNY"):
        assert month.due == due_in_month(book["other"], month.starts_on)
        assert month.collected == D("0.00")


def test_a_sales_rep_sees_only_their_customers(book, rep, other_rep):
    [ours] = dashboards(user=rep, as_of=today())
    assert ours.receivable == D("14000.00")
    assert ours.overdue == D("2000.00")
    assert [c.name for c in ours.top_overdue] == ["甲方科技有限公司"]
    [theirs] = dashboards(user=other_rep, as_of=today())
    assert theirs.receivable == D("700.00")
    assert theirs.collected_this_month == D("0.00")
    assert [c.name for c in theirs.top_overdue] == ["乙方贸易有限公司"]


def test_an_empty_book_shows_zeros_in_the_default_currency(manager):
    [figures] = dashboards(user=manager, as_of=today())
    assert (figures.currency, figures.receivable, figures.overdue_share, figures.collected_share) == (
        "CNY",
        D("0.00"),
        None,
        None,
    )
    assert figures.top_overdue == []
    assert [m.due for m in month_series(user=manager, as_of=today(), currency="CNY")] == [D("0.00")] * MONTHS


def test_currencies_are_never_added_together(make_customer, make_contract, manager, rep):
    customer = make_customer(owner=rep)
    make_contract(customer, [("100.00", days(-5))], signed_on=days(-30))
    make_contract(customer, [("250.00", days(-5))], signed_on=days(-30), currency="USD")
    by_currency = {f.currency: f for f in dashboards(user=manager, as_of=today())}
    assert list(by_currency) == ["CNY", "USD"]
    assert by_currency["CNY"].overdue == D("100.00")
    assert by_currency["USD"].overdue == D("250.00")
