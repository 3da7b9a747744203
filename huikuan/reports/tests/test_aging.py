"""The aging report on the hand-built company (conftest.py), with the figures worked out by hand."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.receivables import figures
from huikuan.receivables.models import Receipt
from huikuan.receivables.services.allocations import allocation_create
from huikuan.receivables.services.receipts import receipt_create
from huikuan.reports.aging import AgingSort, Grouping, aging_report, label_lines
from huikuan.reports.buckets import bucket_labels, parse_buckets
from huikuan.reports.tests.conftest import AS_OF

pytestmark = pytest.mark.django_db
Z = D("0.00")


def amounts(*values):
    return [D(v) for v in values]


def test_by_customer_on_a_past_date(manager, book):
    # as of 30 Jun 2025, default buckets 30/60/90/180/365:
    # A: 1,000.00 due that day (not overdue); 2,000.00 paid; 3,000.00 76 days overdue (61-90);
    #    500.00 425 days overdue (over 365); 500.00 of its 2,500.00 receipt unapplied
    # B: 7,000.00 less 1,000.00 discount, 149 days overdue (91-180); a 300.00 advance unapplied
    # C: 100.00 USD not yet due
    report = aging_report(user=manager, as_of=AS_OF)
    lines = {(line.customer_id, line.currency): line for line in report.lines}
    a = lines[(book.a.pk, "CNY")]
    assert a.amounts == amounts("1000.00", "0", "0", "3000.00", "0", "0", "500.00")
    assert (a.total, a.unapplied, a.net) == (D("4500.00"), D("500.00"), D("4000.00"))
    b = lines[(book.b.pk, "CNY")]
    assert b.amounts == amounts("0", "0", "0", "0", "6000.00", "0", "0")
    assert (b.total, b.unapplied, b.net) == (D("6000.00"), D("300.00"), D("5700.00"))
    c = lines[(book.c.pk, "USD")]
    assert c.amounts == amounts("100.00", "0", "0", "0", "0", "0", "0")
    assert (c.total, c.unapplied, c.net) == (D("100.00"), Z, D("100.00"))
    assert len(report.lines) == 3
    # largest receivable first
    assert [line.customer_id for line in report.lines] == [book.b.pk, book.a.pk, book.c.pk]
    cny, usd = report.totals
    assert cny.currency == "CNY"
    assert usd.currency == "USD"
    assert cny.amounts == amounts("1000.00", "0", "0", "3000.00", "6000.00", "0", "500.00")
    assert (cny.total, cny.unapplied, cny.net) == (D("10500.00"), D("800.00"), D("9700.00"))
    assert (usd.total, usd.unapplied, usd.net) == (D("100.00"), Z, D("100.00"))


def test_totals_reconcile_with_the_open_receivable_and_the_balances(manager, book):
    # rule 6, on the past date and today
    for as_of in (AS_OF, today()):
        report = aging_report(user=manager, as_of=as_of)
        cny = report.total_of("CNY")
        from huikuan.contracts.models import Installment

        assert cny.total == figures.open_total(Installment.objects.filter(currency="CNY"), as_of)
        assert cny.unapplied == figures.unapplied_total(Receipt.objects.filter(currency="CNY"), as_of)
        for line in report.lines:
            balance = figures.customer_balance(line.customer_id, as_of, currency=line.currency)
            assert (line.total, line.unapplied, line.net) == (
                balance.open_installments,
                balance.unapplied_cash,
                balance.balance,
            )


def test_today_everything_open_is_overdue(manager, book):
    report = aging_report(user=manager, as_of=today())
    cny = report.total_of("CNY")
    # nothing was paid after June 2025, and the last due date was 30 Jun 2025: by now (December
    # 2026 or later) all 10,500.00 is more than 365 days overdue
    assert cny.not_due == Z
    assert cny.total == D("10500.00")
    assert cny.buckets[-1] == D("10500.00")


def test_a_past_date_is_not_changed_by_later_activity(manager, book):
    before = aging_report(user=manager, as_of=AS_OF)
    receipt = receipt_create(actor=manager, customer=book.a, received_on=dt.date(2025, 8, 1), amount=D("3000.00"))
    allocation_create(
        actor=manager, receipt=receipt, installment=book.a1.installments.get(sequence=3), amount=D("3000.00")
    )
    after = aging_report(user=manager, as_of=AS_OF)
    assert [(line.customer_id, line.amounts, line.unapplied) for line in after.lines] == [
        (line.customer_id, line.amounts, line.unapplied) for line in before.lines
    ]
    # and today the 3,000.00 is gone from A
    now = aging_report(user=manager, as_of=today(), customer_id=book.a.pk)
    assert now.total_of("CNY").total == D("1500.00")


def test_buckets_of_the_users_choosing(manager, book):
    report = aging_report(user=manager, as_of=AS_OF, buckets=(10, 100), customer_id=book.a.pk)
    [a] = report.lines
    # 1,000.00 not overdue; 3,000.00 at 76 days in 11-100; 500.00 at 425 days over 100
    assert a.amounts == amounts("1000.00", "0", "3000.00", "500.00")
    assert bucket_labels((10, 100)) == ["Not overdue", "1–10 days", "11–100 days", "Over 100 days"]


def test_grouped_by_owner_contract_and_currency(manager, rep, other_rep, book):
    by_owner = aging_report(user=manager, as_of=AS_OF, grouping=Grouping.OWNER)
    owners = {(line.owner_id, line.currency): line for line in by_owner.lines}
    assert (owners[(rep.pk, "CNY")].total, owners[(rep.pk, "CNY")].net) == (D("4500.00"), D("4000.00"))
    assert (owners[(other_rep.pk, "CNY")].total, owners[(other_rep.pk, "CNY")].net) == (D("6000.00"), D("5700.00"))
    assert owners[(manager.pk, "USD")].total == D("100.00")
    label_lines(by_owner.lines, Grouping.OWNER)
    assert {line.label for line in by_owner.lines} == {
        u.get_full_name() or u.username for u in (rep, other_rep, manager)
    }

    by_contract = aging_report(user=manager, as_of=AS_OF, grouping=Grouping.CONTRACT)
    contracts = {line.contract_id: line for line in label_lines(by_contract.lines, Grouping.CONTRACT)}
    assert contracts[book.a1.pk].total == D("4000.00")  # 1,000.00 + 3,000.00
    assert contracts[book.a2.pk].amounts[-1] == D("500.00")
    assert contracts[book.b1.pk].total == D("6000.00")
    assert contracts[book.a1.pk].unapplied is None
    assert contracts[book.a1.pk].net is None
    assert contracts[book.a1.pk].code == book.a1.number
    assert contracts[book.a1.pk].label == "东方机电有限公司"
    # the cash still shows in the totals, which are the same whatever the grouping
    assert by_contract.total_of("CNY").unapplied == D("800.00")

    by_currency = aging_report(user=manager, as_of=AS_OF, grouping=Grouping.CURRENCY)
    assert [(line.currency, line.total, line.net) for line in by_currency.lines] == [
        ("CNY", D("10500.00"), D("9700.00")),
        ("USD", D("100.00"), D("100.00")),
    ]
    for report in (by_owner, by_contract, by_currency):
        assert [(t.currency, t.amounts, t.unapplied) for t in report.totals] == [
            (t.currency, t.amounts, t.unapplied) for t in aging_report(user=manager, as_of=AS_OF).totals
        ]


def test_a_customer_with_only_unapplied_cash_has_a_line(manager, make_customer):
    customer = make_customer(name="预付客户有限公司")
    receipt_create(actor=manager, customer=customer, received_on=dt.date(2025, 5, 1), amount=D("800.00"))
    [line] = aging_report(user=manager, as_of=AS_OF).lines
    assert (line.total, line.unapplied, line.net) == (Z, D("800.00"), D("-800.00"))


def test_narrowed_by_currency_and_sorted(manager, book):
    report = aging_report(user=manager, as_of=AS_OF, currency="USD")
    assert [line.customer_id for line in report.lines] == [book.c.pk]
    assert [t.currency for t in report.totals] == ["USD"]
    oldest = aging_report(user=manager, as_of=AS_OF, sort=AgingSort.OLDEST)
    assert [line.customer_id for line in oldest.lines][0] == book.a.pk  # 500.00 over 365 days
    overdue = aging_report(user=manager, as_of=AS_OF, sort=AgingSort.OVERDUE)
    assert [line.customer_id for line in overdue.lines] == [book.b.pk, book.a.pk, book.c.pk]


def test_a_sales_rep_sees_only_their_customers(rep, other_rep, book):
    report = aging_report(user=rep, as_of=AS_OF)
    assert [line.customer_id for line in report.lines] == [book.a.pk]
    assert report.total_of("CNY").total == D("4500.00")
    assert report.total_of("CNY").unapplied == D("500.00")
    assert report.total_of("USD") is None
    # asking for another rep's customer finds nothing
    assert aging_report(user=rep, as_of=AS_OF, customer_id=book.b.pk).lines == []
    assert aging_report(user=rep, as_of=AS_OF, owner_id=other_rep.pk).totals == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (30, 60, 90, 180, 365)),
        ("30,60,90", (30, 60, 90)),
        ("15，45、 90 ;120", (15, 45, 90, 120)),
    ],
)
def test_buckets_are_read_as_typed(text, expected):
    assert parse_buckets(text) == expected


@pytest.mark.parametrize("text", ["0,30", "30,30", "60,30", "a,b", "3651", "1.5", "-5", "１２", ",".join(["1"] * 13)])
def test_bad_buckets_are_refused(text):
    with pytest.raises(DomainError) as refused:
        parse_buckets(text)
    assert refused.value.field == "buckets"
