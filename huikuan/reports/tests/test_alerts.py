"""Risk alerts (风险预警) on the hand-built company (conftest.py), each worked out by hand: which fire,
which must not just under their threshold, the order, the scope, the past date; and the service
that sets the thresholds (who may, what values, the audit trail).

On 30 Jun 2025, in CNY: A owes 4,500.00 with 3,500.00 overdue, its oldest item due 1 May 2024
(425 days), 500.00 unapplied (balance 4,000.00); B owes 6,000.00, all overdue since 1 Feb 2025
(149 days), 300.00 unapplied (balance 5,700.00); C owes only USD, which raises nothing. The AR is
10,500.00 and the only sales of the last 24 months were booked in January 2025 (A1 6,000.00, B1
7,000.00): the countback runs 150 days through June back to February, then 10,500 / 13,000 of
January's 31 days = 25.04: a DSO of 175.0."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.accounts.models import Company
from huikuan.accounts.roles import Role
from huikuan.audit.actions import AuditAction
from huikuan.audit.models import AuditEvent
from huikuan.contracts.services import contract_activate, contract_create, contract_set_installments
from huikuan.core.dates import today
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.customers.models import Customer
from huikuan.customers.services import customer_create
from huikuan.receivables.services.allocations import allocation_create, allocation_reverse
from huikuan.receivables.services.receipts import receipt_create
from huikuan.reports.aging import aging_report
from huikuan.reports.kpis import kpis
from huikuan.reports.models import RiskThresholds
from huikuan.reports.risk import AlertKind, counts_by_kind, label_alerts, risk_alerts, thresholds_for
from huikuan.reports.services import thresholds_set
from huikuan.reports.tests.conftest import AS_OF

pytestmark = pytest.mark.django_db


def limits(book, a: str | None = None, b: str | None = None) -> None:
    for customer, limit in ((book.a, a), (book.b, b)):
        if limit is not None:
            Customer.objects.filter(pk=customer.pk).update(credit_limit=D(limit))


def seen(alerts) -> list[tuple]:
    return [(a.kind, a.customer_id, a.value, a.threshold, a.amount) for a in alerts]


def test_each_alert_worked_out_by_hand(manager, company, book):
    limits(book, a="4000.00", b="5000.00")
    thresholds_set(
        actor=manager, company=company, overdue_amount=D("3500.00"), overdue_days=149, dso_days=174, worsening_days=1
    )
    alerts = risk_alerts(user=manager, as_of=AS_OF)
    # the company-wide DSO first, then the most money first: B's 6,000.00 overdue, A's 3,500.00
    # overdue for 425 days, B's 700.00 over its limit. A's 3,500.00 is not above 3,500.00, B's 149
    # days are not more than 149, A's balance of 4,000.00 is not above its 4,000.00 limit; nobody
    # paid in both 90-day windows (A paid in June only, B not at all)
    assert seen(alerts) == [
        (AlertKind.DSO, None, D("175.0"), D("174"), D("10500.00")),
        (AlertKind.OVERDUE_AMOUNT, book.b.pk, D("6000.00"), D("3500.00"), D("6000.00")),
        (AlertKind.OVERDUE_DAYS, book.a.pk, D("425"), D("149"), D("3500.00")),
        (AlertKind.OVER_CREDIT_LIMIT, book.b.pk, D("5700.00"), D("5000.00"), D("700.00")),
    ]
    # the same DSO as the KPI page's for the month up to the date
    assert alerts[0].value == kpis(user=manager, start=dt.date(2025, 6, 1), end=AS_OF, currency="CNY").dso
    assert {a.currency for a in alerts} == {"CNY"}
    dso, amount, days, limit = label_alerts(alerts)
    assert (dso.customer_name, amount.customer_name, days.customer_code) == ("", "西部贸易有限公司", "A001")
    assert dso.message == "DSO is 175.0 days, above the threshold of 174 days."
    assert amount.message == "6,000.00 CNY overdue, above the threshold of 3,500.00."
    assert days.message == "425 days overdue (due on 2024-05-01), more than the threshold of 149 days."
    assert limit.message == "Balance 5,700.00 CNY is 700.00 over the credit limit of 5,000.00."
    # links: the customer's page on the date, and the KPIs of the date's month
    assert amount.link == f"/customers/{book.b.pk}/?as_of=2025-06-30"
    assert dso.link == "/reports/kpis/?start=2025-06-01&end=2025-06-30&currency=CNY"
    assert counts_by_kind(alerts) == [
        ("dso", "DSO above the threshold", 1),
        ("overdue_amount", "Overdue amount", 1),
        ("overdue_days", "Overdue too long", 1),
        ("over_credit_limit", "Over the credit limit", 1),
    ]
    # narrowed to some kinds, the others are not computed
    assert seen(risk_alerts(user=manager, as_of=AS_OF, kinds=[AlertKind.OVERDUE_DAYS])) == [seen(alerts)[2]]


def test_nothing_fires_at_its_threshold_and_a_cent_or_a_day_below_it_does(manager, company, book):
    limits(book, a="4000.00", b="5700.00")
    thresholds_set(actor=manager, company=company, overdue_amount=D("6000.00"), overdue_days=425, dso_days=175)
    # B's 6,000.00 overdue, A's 425 days, the DSO of 175.0 and both balances sit exactly on them
    assert risk_alerts(user=manager, as_of=AS_OF) == []
    limits(book, b="5699.99")
    thresholds_set(actor=manager, company=company, overdue_amount=D("5999.99"), overdue_days=424)
    assert [(a.kind, a.customer_id, a.amount) for a in risk_alerts(user=manager, as_of=AS_OF)] == [
        (AlertKind.OVERDUE_AMOUNT, book.b.pk, D("6000.00")),
        (AlertKind.OVERDUE_DAYS, book.a.pk, D("3500.00")),
        (AlertKind.OVER_CREDIT_LIMIT, book.b.pk, D("0.01")),
    ]


def test_without_thresholds_only_credit_limits_are_checked(manager, company, book):
    defaults = thresholds_for(company)
    assert (defaults.pk, defaults.over_credit_limit, defaults.overdue_amount, defaults.dso_days) == (
        None,
        True,
        None,
        None,
    )
    assert risk_alerts(user=manager, as_of=AS_OF) == []  # no customer has a limit yet
    limits(book, b="5000.00")
    assert seen(risk_alerts(user=manager, as_of=AS_OF)) == [
        (AlertKind.OVER_CREDIT_LIMIT, book.b.pk, D("5700.00"), D("5000.00"), D("700.00"))
    ]
    # switched off, nothing is checked
    thresholds_set(actor=manager, company=company, over_credit_limit=False)
    assert risk_alerts(user=manager, as_of=AS_OF) == []


def test_a_rep_gets_the_alerts_of_their_customers_and_the_dso_of_their_scope(manager, rep, team_lead, company, book):
    limits(book, a="3000.00", b="5000.00")
    thresholds_set(actor=manager, company=company, overdue_amount=D("1000.00"), overdue_days=100, dso_days=173)
    # the rep sees A only: AR 4,500.00 against January's 6,000.00 of A1: 150 + 4,500 / 6,000 × 31
    # = 173.25 days, which the countback keeps to a tenth as 173.2 (half to even, as the KPIs show)
    mine = risk_alerts(user=rep, as_of=AS_OF)
    assert seen(mine) == [
        (AlertKind.DSO, None, D("173.2"), D("173"), D("4500.00")),
        (AlertKind.OVERDUE_AMOUNT, book.a.pk, D("3500.00"), D("1000.00"), D("3500.00")),
        (AlertKind.OVERDUE_DAYS, book.a.pk, D("425"), D("100"), D("3500.00")),
        (AlertKind.OVER_CREDIT_LIMIT, book.a.pk, D("4000.00"), D("3000.00"), D("1000.00")),
    ]
    assert mine[0].value == kpis(user=rep, start=dt.date(2025, 6, 1), end=AS_OF, currency="CNY").dso
    # the team lead sees both reps' customers, and the company's DSO of 175.0
    team = risk_alerts(user=team_lead, as_of=AS_OF)
    assert {a.customer_id for a in team} == {None, book.a.pk, book.b.pk}
    assert team[0].value == D("175.0")
    assert len(risk_alerts(user=manager, as_of=AS_OF)) == len(team)


def test_another_companys_customers_raise_nothing_and_an_account_of_none_gets_none(manager, company, book, make_user):
    thresholds_set(actor=manager, company=company, overdue_amount=D("1.00"))
    elsewhere = Company.objects.create(code="SZ", name="深圳分公司")
    admin = make_user("group_admin", Role.ADMIN)
    admin.other_companies.add(elsewhere)
    far_rep = make_user("far_rep", Role.SALES_REP, company=elsewhere)
    far = customer_create(actor=admin, company=elsewhere, owner=far_rep, name="远方客户有限公司")
    contract = contract_create(
        actor=admin, customer=far, title="设备采购合同", signed_on=dt.date(2025, 1, 10), amount=D("800.00")
    )
    contract_set_installments(
        actor=admin, contract=contract, installments=[{"amount": D("800.00"), "due_date": dt.date(2025, 3, 1)}]
    )
    contract_activate(actor=admin, contract=contract)
    # the administrator sees both companies (the other's 800.00 is in their aging); the alerts are
    # those of their own company's customers, by their own company's thresholds
    assert far.pk in {line.customer_id for line in aging_report(user=admin, as_of=AS_OF).lines}
    assert {a.customer_id for a in risk_alerts(user=admin, as_of=AS_OF)} == {book.a.pk, book.b.pk}
    nobody = make_user("no_company", Role.FINANCE_MANAGER, company=None)
    assert risk_alerts(user=nobody, as_of=AS_OF) == []


def test_the_oldest_overdue_item_on_a_past_date_and_today(manager, company, book):
    # A2's 500.00 (due 1 May 2024) is paid on 1 Aug 2025: today A's oldest overdue item is A1's
    # 3,000.00 due 15 Apr 2025; on 30 Jun 2025 it was still the 500.00
    thresholds_set(actor=manager, company=company, overdue_days=400)
    receipt = receipt_create(actor=manager, customer=book.a, received_on=dt.date(2025, 8, 1), amount=D("500.00"))
    allocation_create(actor=manager, receipt=receipt, installment=book.a2.installments.get(), amount=D("500.00"))
    then = {a.customer_id: a.value for a in risk_alerts(user=manager, as_of=AS_OF)}
    assert then == {book.a.pk: D("425")}
    now = {a.customer_id: a.value for a in risk_alerts(user=manager, as_of=today())}
    assert now[book.a.pk] == D((today() - dt.date(2025, 4, 15)).days)
    assert now[book.b.pk] == D((today() - dt.date(2025, 2, 1)).days)


@pytest.fixture
def late_payer(manager, make_customer, make_contract):
    """D pays four installments, each later than the one before: in the 90 days up to 1 Apr 2025
    1,000.00 10 days late (20 Jan for 10 Jan) and 3,000.00 20 days late (21 Feb for 1 Feb): 17.5
    days on average; in the 90 days after, 2,000.00 30 days late (10 May for 10 Apr) and 2,000.00
    40 days late (10 Jun for 1 May): 35.0. 17.5 days later. A 1,000.00 allocated on 1 Mar, 40 days
    early, and reversed on 5 Mar counts for nothing."""
    d = make_customer(owner=manager, name="北方物流有限公司", code="D001")
    contract = make_contract(
        d,
        [
            ("1000.00", dt.date(2025, 1, 10)),
            ("3000.00", dt.date(2025, 2, 1)),
            ("2000.00", dt.date(2025, 4, 10)),
            ("2000.00", dt.date(2025, 5, 1)),
        ],
        signed_on=dt.date(2024, 12, 1),
    )
    first, second, third, fourth = contract.installments.order_by("sequence")
    early = receipt_create(actor=manager, customer=d, received_on=dt.date(2025, 3, 1), amount=D("1000.00"))
    undone = allocation_create(actor=manager, receipt=early, installment=third, amount=D("1000.00"))
    allocation_reverse(actor=manager, allocation=undone, reason="错配", reversed_on=dt.date(2025, 3, 5))
    for received_on, installment, amount in (
        (dt.date(2025, 1, 20), first, "1000.00"),
        (dt.date(2025, 2, 21), second, "3000.00"),
        (dt.date(2025, 5, 10), third, "2000.00"),
        (dt.date(2025, 6, 10), fourth, "2000.00"),
    ):
        receipt = receipt_create(actor=manager, customer=d, received_on=received_on, amount=D(amount))
        allocation_create(actor=manager, receipt=receipt, installment=installment, amount=D(amount))
    return d


def test_a_customer_paying_later_than_before(manager, rep, company, book, late_payer):
    thresholds_set(actor=manager, company=company, worsening_days=17)
    [alert] = label_alerts(risk_alerts(user=manager, as_of=AS_OF))
    # D owes nothing on the date: the alert is about its payments, not money open
    assert (alert.kind, alert.customer_id, alert.value, alert.threshold, alert.amount) == (
        AlertKind.WORSENING,
        late_payer.pk,
        D("17.5"),
        D("17"),
        D("0.00"),
    )
    assert alert.message == "Pays 17.5 days later: 35.0 days late in the last 90 days, 17.5 before."
    assert alert.customer_name == "北方物流有限公司"
    # 17.5 days is not more than 18; and D is not the rep's customer
    thresholds_set(actor=manager, company=company, worsening_days=18)
    assert risk_alerts(user=manager, as_of=AS_OF) == []
    thresholds_set(actor=manager, company=company, worsening_days=1)
    assert risk_alerts(user=rep, as_of=AS_OF) == []
    # on 9 May the windows are 9 Feb – 9 May (21 Feb, 20 days late; the allocation of 1 Mar was
    # reversed by then) and 11 Nov – 8 Feb (20 Jan, 10 days late): 10.0 days later
    [earlier] = risk_alerts(user=manager, as_of=dt.date(2025, 5, 9))
    assert (earlier.customer_id, earlier.value) == (late_payer.pk, D("10.0"))
    # had the reversed 1,000.00 (40 days early) counted, the earlier window would be 6.0 days late
    # on 30 Jun (a change of 29.0), and on 9 May the last one 5.0 against 10.0: no alert


# --- the service --------------------------------------------------------------------------------


def test_finance_sets_the_thresholds_and_each_change_is_audited(manager, company):
    saved = thresholds_set(actor=manager, company=company, overdue_amount="5000", overdue_days=30)
    assert (saved.company_id, saved.overdue_amount, saved.overdue_days, saved.over_credit_limit, saved.dso_days) == (
        company.pk,
        D("5000.00"),
        30,
        True,
        None,
    )
    # the ones not given keep their value; None switches one off
    changed = thresholds_set(actor=manager, company=company, overdue_days=None, dso_days=60)
    assert changed.pk == saved.pk
    row = RiskThresholds.objects.get()
    assert (row.overdue_amount, row.overdue_days, row.dso_days, row.updated_by_id) == (
        D("5000.00"),
        None,
        60,
        manager.pk,
    )
    events = list(AuditEvent.objects.filter(action=AuditAction.RISK_THRESHOLDS_SET).order_by("sequence"))
    assert events[0].data["before"] is None
    assert events[0].data["after"]["overdue_amount"] == "5000.00"
    assert (events[1].data["before"]["overdue_days"], events[1].data["after"]["overdue_days"]) == (30, None)
    assert (events[1].actor_id, events[1].company_id) == (manager.pk, company.pk)
    # the same values again change nothing and write nothing
    thresholds_set(actor=manager, company=company, overdue_amount=D("5000.00"), dso_days=60)
    assert AuditEvent.objects.filter(action=AuditAction.RISK_THRESHOLDS_SET).count() == 2


@pytest.mark.parametrize("who", ["rep", "clerk", "auditor", "team_lead"])
def test_no_one_else_may_set_them(request, company, who):
    with pytest.raises(NotPermitted):
        thresholds_set(actor=request.getfixturevalue(who), company=company, dso_days=30)
    assert not RiskThresholds.objects.exists()


def test_an_administrator_may_but_not_for_a_company_not_theirs(make_user, company):
    admin = make_user("admin", Role.ADMIN)
    assert thresholds_set(actor=admin, company=company, dso_days=30).dso_days == 30
    elsewhere = Company.objects.create(code="SZ", name="深圳分公司")
    with pytest.raises(NotPermitted):
        thresholds_set(actor=admin, company=elsewhere, dso_days=30)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"overdue_amount": D("0")}, "overdue_amount"),
        ({"overdue_amount": D("-1")}, "overdue_amount"),
        ({"overdue_amount": D("1.005")}, "overdue_amount"),
        ({"overdue_amount": "1e3"}, "overdue_amount"),
        ({"overdue_amount": D("1000000000000")}, "overdue_amount"),
        ({"overdue_days": 0}, "overdue_days"),
        ({"overdue_days": 3651}, "overdue_days"),
        ({"overdue_days": True}, "overdue_days"),
        ({"overdue_days": "30 days"}, "overdue_days"),
        ({"dso_days": 731}, "dso_days"),
        ({"worsening_days": -5}, "worsening_days"),
        ({"over_credit_limit": "yes"}, "over_credit_limit"),
        ({"over_credit_limit": None}, "over_credit_limit"),
        # one bad value refuses them all
        ({"dso_days": 30, "overdue_days": 2.5}, "overdue_days"),
    ],
)
def test_bad_values_are_refused_on_their_field_and_nothing_is_saved(manager, company, values, field):
    with pytest.raises(DomainError) as refused:
        thresholds_set(actor=manager, company=company, **values)
    assert refused.value.field == field
    assert not RiskThresholds.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.RISK_THRESHOLDS_SET).exists()


def test_a_name_that_is_no_threshold_is_a_programming_error(manager, company):
    with pytest.raises(TypeError, match="overdue_amout"):
        thresholds_set(actor=manager, company=company, overdue_amout=D("1"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_two_people_saving_the_first_thresholds_at_once_leave_one_row(manager, make_user, company, race):
    admin = make_user("admin", Role.ADMIN)
    results = race(
        lambda: thresholds_set(actor=manager, company=company, dso_days=30),
        lambda: thresholds_set(actor=admin, company=company, overdue_days=60),
    )
    assert [type(result).__name__ for result in results] == ["RiskThresholds", "RiskThresholds"]
    row = RiskThresholds.objects.get()
    assert (row.dso_days, row.overdue_days) == (30, 60)
