"""Plan vs actual on the hand-built company (plan_book.py), with the figures worked out by hand, and
a property: on random books, collected per period is the receipts received in it and not reversed,
planned the booked installments due in it."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikuan.contracts.models import Installment
from huikuan.core.errors import DomainError
from huikuan.receivables.models import Allocation, Receipt
from huikuan.reports.errors import ReportErrorCode
from huikuan.reports.plan import PlanGrouping, PlanPeriod, label_lines, plan_periods, plan_vs_actual
from huikuan.reports.tests.plan_book import YEAR_END, YEAR_START, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_book(manager, rep, other_rep, make_user, team, make_customer, make_contract):
    return build(manager, rep, other_rep, make_user, team, make_customer, make_contract)


Z = D("0.00")


def year(user, **kwargs):
    return plan_vs_actual(user=user, first_month=YEAR_START, last_month=YEAR_END, **kwargs)


def planned(line):
    return [cell.planned for cell in line.cells]


def collected(line):
    return [cell.collected for cell in line.cells]


def amounts(*values):
    """Twelve months: the values given, then zeros."""
    return [D(v) for v in values] + [Z] * (12 - len(values))


def test_totals_by_month(manager, plan_book):
    report = year(manager, grouping=PlanGrouping.TOTAL)
    assert [p.label for p in report.periods][:2] == ["2025-01", "2025-02"]
    assert len(report.periods) == 12
    cny, usd = report.totals
    assert (cny.currency, usd.currency) == ("CNY", "USD")
    # Jan: A1 #1 (the draft A3 is not planned); Feb: A1 #2; Mar: B1 #1; Apr: A1 #3; May: B1 #2
    assert planned(cny) == amounts("1000.00", "2000.00", "4000.00", "3000.00", "6000.00")
    # Jan: R1 1,500.00 + R0 700.00; Feb: R2 was reversed; Mar: R4; Apr: R3
    assert collected(cny) == amounts("2200.00", "0", "3000.00", "2000.00")
    # 2,200 / 1,000; 0 / 2,000; 3,000 / 4,000; 2,000 / 3,000; 0 / 6,000; nothing planned after
    assert [cell.rate for cell in cny.cells] == [
        D("2.2000"),
        D("0.0000"),
        D("0.7500"),
        D("0.6667"),
        D("0.0000"),
        *[None] * 7,
    ]
    whole = cny.whole
    assert (whole.planned, whole.collected, whole.rate) == (D("16000.00"), D("7200.00"), D("0.4500"))
    assert planned(usd)[1] == D("100.00")
    assert collected(usd)[1] == D("60.00")
    assert usd.whole.rate == D("0.6000")
    # the total grouping's lines are the totals, one per currency
    assert [(line.currency, planned(line), collected(line)) for line in report.lines] == [
        (t.currency, planned(t), collected(t)) for t in report.totals
    ]


def test_targets_and_attainment_per_owner(manager, rep, other_rep, plan_book):
    report = year(manager)  # by owner: the default
    assert report.grouping == PlanGrouping.OWNER
    assert report.has_targets
    lines = {(line.owner_id, line.currency): line for line in report.lines}
    assert set(lines) == {
        (rep.pk, "CNY"),
        (rep.pk, "USD"),
        (other_rep.pk, "CNY"),
        (plan_book.third_rep.pk, "CNY"),
    }
    mine = lines[(rep.pk, "CNY")]  # customer A
    assert planned(mine) == amounts("1000.00", "2000.00", "0", "3000.00")
    assert collected(mine) == amounts("2200.00", "0", "0", "2000.00")
    assert [cell.target for cell in mine.cells] == amounts("3000.00", "2000.00", "0", "0")
    # 2,200 / 3,000; 0 / 2,000; no target in March; a target of 0 in April: no attainment
    assert [cell.attainment for cell in mine.cells][:4] == [D("0.7333"), D("0.0000"), None, None]
    # the year: 4,200 collected of 6,000 planned and 5,000 targeted
    assert (mine.whole.planned, mine.whole.collected, mine.whole.target) == (D("6000.00"), D("4200.00"), D("5000"))
    assert (mine.whole.rate, mine.whole.attainment) == (D("0.7000"), D("0.8400"))
    others = lines[(other_rep.pk, "CNY")]  # customer B
    assert (others.whole.planned, others.whole.collected, others.whole.target) == (
        D("10000.00"),
        D("3000.00"),
        D("5000.00"),
    )
    assert others.cells[2].attainment == D("0.6000")  # 3,000 of 5,000 in March
    usd = lines[(rep.pk, "USD")]
    assert (usd.cells[1].target, usd.cells[1].attainment) == (D("100.00"), D("0.6000"))
    # an owner with a target and no customers still has a line
    third = lines[(plan_book.third_rep.pk, "CNY")]
    assert (third.whole.planned, third.whole.collected, third.whole.target) == (Z, Z, D("1000.00"))
    assert (third.whole.rate, third.whole.attainment) == (None, D("0.0000"))
    # the totals carry every owner's target: 3,000 + 2,000 + 5,000 + 0 + 1,000
    cny = report.total_of("CNY")
    assert cny.whole.target == D("11000.00")
    assert cny.whole.attainment == D("0.6545")  # 7,200 / 11,000
    label_lines(report.lines, report.grouping)
    assert lines[(rep.pk, "CNY")].code == "rep"
    # largest planned first
    assert report.lines[0].owner_id == other_rep.pk


def test_by_customer_and_quarter(manager, plan_book):
    report = year(manager, grouping=PlanGrouping.CUSTOMER, period=PlanPeriod.QUARTER)
    assert [p.label for p in report.periods] == ["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4"]
    assert not report.has_targets
    lines = {(line.customer_id, line.currency): line for line in report.lines}
    a, b = lines[(plan_book.a.pk, "CNY")], lines[(plan_book.b.pk, "CNY")]
    # A: Q1 1,000 + 2,000 planned, 2,200 collected; Q2 3,000 planned, 2,000 collected
    assert planned(a) == [D("3000.00"), D("3000.00"), Z, Z]
    assert collected(a) == [D("2200.00"), D("2000.00"), Z, Z]
    # B: Q1 4,000 / 3,000; Q2 6,000 / 0
    assert planned(b) == [D("4000.00"), D("6000.00"), Z, Z]
    assert collected(b) == [D("3000.00"), Z, Z, Z]
    assert [cell.target for cell in a.cells] == [None] * 4
    cny = report.total_of("CNY")
    assert planned(cny) == [D("7000.00"), D("9000.00"), Z, Z]
    assert [cell.rate for cell in cny.cells] == [D("0.7429"), D("0.2222"), None, None]  # 5,200/7,000; 2,000/9,000
    label_lines(report.lines, report.grouping)
    assert (a.code, a.label) == ("A001", "东方机电有限公司")


def test_by_contract_counts_what_was_matched_and_keeps_the_totals(manager, plan_book):
    report = year(manager, grouping=PlanGrouping.CONTRACT)
    lines = {line.contract_id: line for line in label_lines(report.lines, report.grouping)}
    a1, a2, b1, c1 = (lines[c.pk] for c in (plan_book.a1, plan_book.a2, plan_book.b1, plan_book.c1))
    assert plan_book.a3.pk not in lines  # a draft is not planned
    assert planned(a1) == amounts("1000.00", "2000.00", "0", "3000.00")
    # matched: 1,000 to #1 on 18 Jan, 500 to #2 on 16 Feb, 1,500 to #2 on 12 Apr
    assert collected(a1) == amounts("1000.00", "500.00", "0", "1500.00")
    # A2 fell due in 2024, and was paid in January
    assert planned(a2) == amounts()
    assert collected(a2) == amounts("700.00")
    assert (planned(b1)[2], collected(b1)[2], planned(b1)[4]) == (D("4000.00"), D("3000.00"), D("6000.00"))
    assert (c1.currency, planned(c1)[1], collected(c1)[1]) == ("USD", D("100.00"), D("60.00"))
    assert (a1.code, a1.label, a1.customer_id) == (plan_book.a1.number, "东方机电有限公司", plan_book.a.pk)
    # the contract lines hold what was matched (6,700.00); the totals every receipt (7,200.00):
    # R1's 500.00 was matched in February, R3's last 500.00 is unapplied
    lines_collected = sum((line.whole.collected for line in report.lines if line.currency == "CNY"), Z)
    assert lines_collected == D("6700.00")
    assert report.total_of("CNY").whole.collected == D("7200.00")
    # the totals are the same whatever the grouping
    for grouping in PlanGrouping.values:
        other = year(manager, grouping=grouping)
        assert [(t.currency, planned(t), collected(t)) for t in other.totals] == [
            (t.currency, planned(t), collected(t)) for t in report.totals
        ]


def test_narrowed_to_a_currency_an_owner_or_a_customer(manager, rep, plan_book):
    usd = year(manager, currency="USD", grouping=PlanGrouping.CUSTOMER)
    assert [line.customer_id for line in usd.lines] == [plan_book.c.pk]
    assert [t.currency for t in usd.totals] == ["USD"]
    owned = year(manager, owner_id=rep.pk, grouping=PlanGrouping.CUSTOMER)
    assert {line.customer_id for line in owned.lines} == {plan_book.a.pk, plan_book.c.pk}
    one = year(manager, customer_id=plan_book.b.pk)
    assert [(line.currency, line.whole.planned) for line in one.lines] == [("CNY", D("10000.00"))]
    # narrowed to a customer, the owner's target (their whole book) is left out
    assert not one.has_targets
    assert one.lines[0].whole.target is None


def test_a_sales_rep_sees_only_their_customers_and_targets(rep, other_rep, plan_book):
    report = year(rep)
    assert {(line.owner_id, line.currency) for line in report.lines} == {(rep.pk, "CNY"), (rep.pk, "USD")}
    cny = report.total_of("CNY")
    assert (cny.whole.planned, cny.whole.collected, cny.whole.target) == (D("6000.00"), D("4200.00"), D("5000.00"))
    by_customer = year(rep, grouping=PlanGrouping.CUSTOMER)
    assert {line.customer_id for line in by_customer.lines} == {plan_book.a.pk, plan_book.c.pk}
    by_contract = year(rep, grouping=PlanGrouping.CONTRACT)
    assert plan_book.b1.pk not in {line.contract_id for line in by_contract.lines}
    # another rep's customer or owner by id finds nothing, targets included
    for narrowed in (year(rep, customer_id=plan_book.b.pk), year(rep, owner_id=other_rep.pk)):
        assert (narrowed.lines, narrowed.totals) == ([], [])
    assert year(rep, owner_id=plan_book.third_rep.pk).lines == []


def test_a_team_lead_sees_the_teams_customers(team_lead, rep, other_rep, plan_book):
    report = year(team_lead)
    assert {line.owner_id for line in report.lines} == {rep.pk, other_rep.pk, plan_book.third_rep.pk}
    assert report.total_of("CNY").whole.collected == D("7200.00")


@pytest.mark.parametrize(
    ("first", "last", "period", "field"),
    [
        (dt.date(2025, 5, 1), dt.date(2025, 4, 1), "month", "last_month"),
        (dt.date(2023, 1, 1), dt.date(2026, 1, 1), "month", "last_month"),  # 37 months
        (dt.date(1980, 1, 1), dt.date(1980, 2, 1), "month", "first_month"),
        (dt.date(2025, 1, 1), dt.date(2100, 1, 1), "month", "last_month"),
        (dt.date(2025, 1, 1), dt.date(2025, 2, 1), "week", "period"),
    ],
)
def test_bad_ranges_are_refused(manager, first, last, period, field):
    with pytest.raises(DomainError) as refused:
        plan_vs_actual(user=manager, first_month=first, last_month=last, period=period)
    assert refused.value.field == field
    if field != "first_month" and last.year < 2100:
        assert refused.value.code == ReportErrorCode.INVALID_PERIOD


def test_an_unknown_grouping_is_refused(manager):
    with pytest.raises(DomainError) as refused:
        plan_vs_actual(user=manager, first_month=YEAR_START, last_month=YEAR_END, grouping="planet")
    assert (refused.value.field, refused.value.code) == ("grouping", ReportErrorCode.INVALID_GROUPING)


def test_periods():
    # 36 months are allowed; quarters take whole calendar quarters
    assert len(plan_periods(dt.date(2023, 1, 15), dt.date(2025, 12, 31), "month")) == 36
    quarters = plan_periods(dt.date(2025, 2, 1), dt.date(2025, 7, 1), "quarter")
    assert [(q.starts_on, q.ends_on, q.label) for q in quarters] == [
        (dt.date(2025, 1, 1), dt.date(2025, 3, 31), "2025 Q1"),
        (dt.date(2025, 4, 1), dt.date(2025, 6, 30), "2025 Q2"),
        (dt.date(2025, 7, 1), dt.date(2025, 9, 30), "2025 Q3"),
    ]
    assert plan_periods(dt.date(2024, 2, 10), dt.date(2024, 2, 29), "month")[0].ends_on == dt.date(2024, 2, 29)


# --- the property: on any book, the report's figures are the rows they stand for ----------------

SIGNED = dt.date(2025, 1, 10)
AMOUNTS = st.sampled_from(["0.01", "3.33", "250.00", "1000.00", "99999.99"])
# the first and last days of the months after the signing: where a period's edge would show
EDGES = sorted(
    {
        (day - SIGNED).days
        for index in range(2025 * 12 + 1, 2026 * 12 + 3)
        for day in (dt.date(index // 12, index % 12 + 1, 1), dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(1))
    }
)
DAYS = st.one_of(st.integers(min_value=0, max_value=420), st.sampled_from(EDGES))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["contract", "contract", "draft", "receive", "receive", "match", "match", "reverse"]),
            st.integers(min_value=0, max_value=2),  # which customer
            DAYS,  # after SIGNED
            st.lists(
                st.tuples(AMOUNTS, st.one_of(st.integers(-30, 420), st.sampled_from(EDGES))), min_size=1, max_size=3
            ),
            st.sampled_from(["CNY", "USD"]),
        ),
        min_size=8,
        max_size=20,
    ),
    period=st.sampled_from(PlanPeriod.values),
)
def test_collected_is_the_receipts_and_planned_the_installments_of_each_period(
    manager, rep, other_rep, make_customer, make_contract, steps, period
):
    from huikuan.receivables.services.allocations import allocation_create
    from huikuan.receivables.services.receipts import receipt_create, receipt_reverse

    with transaction.atomic():
        customers = [make_customer(owner=owner) for owner in (rep, other_rep, manager)]
        receipts, matched = [], []
        for action, who, day, plan, currency in steps:
            on = SIGNED + dt.timedelta(days=day)
            try:
                with transaction.atomic():
                    if action in ("contract", "draft"):
                        rows = [(a, SIGNED + dt.timedelta(days=d)) for a, d in plan]
                        make_contract(customers[who], rows, currency=currency, activate=action == "contract")
                    elif action == "receive":
                        receipts.append(
                            receipt_create(
                                actor=manager,
                                customer=customers[who],
                                received_on=on,
                                amount=D(plan[0][0]),
                                currency=currency,
                            )
                        )
                    elif action == "reverse" and receipts:
                        # half the time one with matches, whose allocations end with it
                        pool = matched if matched and day % 2 else receipts
                        receipt_reverse(actor=manager, receipt=pool[day % len(pool)], reason="冲销")
                    elif action == "match" and receipts:
                        receipt = receipts[day % len(receipts)]
                        receipt.refresh_from_db()
                        installment = (
                            Installment.objects.filter(
                                customer=receipt.customer, currency=receipt.currency, open_amount__gt=0
                            )
                            .exclude(booked_on=None)
                            .order_by("due_date", "pk")
                            .first()
                        )
                        if installment is not None and receipt.unallocated_amount > 0:
                            amount = min(receipt.unallocated_amount, installment.open_amount)
                            allocation_create(
                                actor=manager,
                                receipt=receipt,
                                installment=installment,
                                amount=amount,
                                effective_on=max(on, receipt.received_on, SIGNED),
                            )
                            matched.append(receipt)
            except DomainError:
                pass  # a refused write changes nothing

        first, last = dt.date(2025, 1, 1), dt.date(2026, 3, 1)
        reports = {
            g: plan_vs_actual(user=manager, first_month=first, last_month=last, period=period, grouping=g)
            for g in PlanGrouping.values
        }
        periods = reports[PlanGrouping.TOTAL].periods
        for currency in ("CNY", "USD"):
            for index, p in enumerate(periods):
                received = sum(
                    (
                        r.amount
                        for r in Receipt.objects.filter(
                            currency=currency, reversed_on=None, received_on__range=(p.starts_on, p.ends_on)
                        )
                    ),
                    Z,
                )
                due = sum(
                    (
                        i.amount
                        for i in Installment.objects.filter(
                            currency=currency, booked_on__isnull=False, due_date__range=(p.starts_on, p.ends_on)
                        )
                    ),
                    Z,
                )
                for grouping, report in reports.items():
                    total = report.total_of(currency)
                    cell = total.cells[index] if total else None
                    assert (cell.collected if cell else Z) == received, (grouping, currency, p)
                    assert (cell.planned if cell else Z) == due, (grouping, currency, p)
                    lines = [line.cells[index] for line in report.lines if line.currency == currency]
                    if grouping == PlanGrouping.CONTRACT:
                        # by contract: what is matched in the period
                        matched = sum(
                            (
                                a.amount
                                for a in Allocation.objects.filter(
                                    installment__currency=currency,
                                    reversed_on=None,
                                    effective_on__range=(p.starts_on, p.ends_on),
                                )
                            ),
                            Z,
                        )
                        assert sum((c.collected for c in lines), Z) == matched
                    else:
                        assert sum((c.collected for c in lines), Z) == received
                    assert sum((c.planned for c in lines), Z) == due
        transaction.set_rollback(True)
