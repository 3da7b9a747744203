"""The cash forecast (reports/forecast.py) on a hand-built company, every figure worked out by hand.

The forecast is made as of Wednesday 2 July 2025 (D) with a lookback of 365 days: the window is
3 Jul 2024 to 2 Jul 2025. Week 0 is Mon 30 Jun to Sun 6 Jul 2025; week k starts 30 Jun + 7k days.
Month 0 is July 2025. All CNY unless said.

东方机电 (A), owned by ``rep``:
- contract A0 signed 1 Jun 2024: 1,000.00 due 10 Jan 2025, paid 15 Jan (5 days late); 3,000.00 due
  1 Mar 2025, paid 13 Mar (12 days late); 1,200.00 due 20 Apr 2025, paid 30 Apr (10 days late).
- contract A1 signed 1 May 2025: 800.00 due 10 Jun 2025, 400.00 of it paid 20 Jun (10 days late);
  2,000.00 due 1 Jul 2025; 5,000.00 due 25 Sep 2025; 1,500.00 waiting on acceptance (no due date).
- days late = (1,000×5 + 3,000×12 + 1,200×10 + 400×10) / 5,600 = 57,000 / 5,600 = 10.18 → shift 10.
  Due in the window: 1,000 + 3,000 + 1,200 + 800 + 2,000 = 8,000.00, nothing written off: share 0.

西部贸易 (B), owned by ``other_rep``:
- contract B0 signed 1 Jun 2024: 2,000.00 due 1 Oct 2024: 1,500.00 paid 30 Dec 2024 (90 days late),
  500.00 written off on 1 Mar 2025; 2,000.00 due 1 Feb 2025 paid 22 Jan 2025 (10 days early);
  1,000.00 due 1 Mar 2025, never paid.
- contract B1 signed 1 May 2025: 1,000.00 due 20 Jul 2025; 333.33 due 1 Aug 2025. A receipt of
  1,000.00 on Sun 1 Jun 2025 was matched to the 1,000.00 and reversed on 5 Jun: not history.
- days late = (1,500×90 − 2,000×10) / 3,500 = 115,000 / 3,500 = 32.86 → shift 33.
  Due in the window: 2,000 + 2,000 + 1,000 = 5,000.00; written off 500.00: share 0.1.

南方科技 (C), owned by ``manager``: contract C1 signed 1 Jun 2025: 10,000.00 due 31 Jul 2025. No
history: it takes the whole scope's. For the manager (A and B): days late = (57,000 + 115,000) /
(5,600 + 3,500) = 172,000 / 9,100 = 18.90 → shift 19; share = 500 / (8,000 + 5,000) = 0.0385.

北方电子 (E), owned by ``manager``: contract E1 in USD signed 1 Jun 2025: 100.00 due 15 Jul 2025. No
USD history anywhere: 0 days, 0 share.

The forecast as of D, for the manager:
- A: 400.00 (due 10 Jun + 10 = 20 Jun, before D) in week 0, July; 2,000.00 (1 Jul + 10 = 11 Jul)
  in week 1, July; 5,000.00 (25 Sep + 10 = 5 Oct, 97 days after 30 Jun) later than the weeks,
  October; 1,500.00 not dated.
- B: 1,000.00 due 1 Mar + 33 = 3 Apr → week 0, July: 900.00 expected, 100.00 never paid;
  1,000.00 due 20 Jul + 33 = 22 Aug → week 7 (18–24 Aug), August: 900.00 and 100.00;
  333.33 due 1 Aug + 33 = 3 Sep → week 9 (1–7 Sep), September: 333.33 × 0.9 = 299.997 → 300.00,
  and 33.33 never paid.
- C: 31 Jul + 19 = 19 Aug → week 7, August: 10,000 × 12,500 / 13,000 = 9,615.3846 → 9,615.38,
  and 384.62 never paid.
- CNY: weeks 0: 1,300.00, 1: 2,000.00, 7: 10,515.38, 9: 300.00; later 5,000.00. Months July
  3,300.00, August 10,515.38, September 300.00, October 5,000.00. Expected 19,115.38, never paid
  617.95, not dated 1,500.00: open 21,233.33 (A 8,900.00 + B 2,333.33 + C 10,000.00).
- USD: 100.00 on 15 Jul: week 2, July.

The past 13 weeks are 31 Mar to 29 Jun 2025; their forecast is made on Sun 30 Mar 2025, with the
window 31 Mar 2024 to 30 Mar 2025. Then A (only the 1,000.00 and 3,000.00 paid: 41,000 / 4,000 =
10.25 → 10; due 4,000.00, share 0) had 1,200.00 open due 20 Apr → 30 Apr: week 4 (28 Apr–4 May);
B (33 days, share 500 / 5,000 = 0.1) had 1,000.00 open due 1 Mar → 3 Apr: week 0, 900.00. Received:
1,200.00 on 30 Apr (week 4), 1,000.00 on 1 Jun (week 8, 26 May–1 Jun: reversed on 5 Jun, after
that week's end, so it counts), 400.00 on 20 Jun (week 11, 16–22 Jun).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from huikuan.contracts.models import Contract, Installment
from huikuan.core.sql_dates import DaysBetween
from huikuan.customers.models import Customer
from huikuan.receivables import figures
from huikuan.reports.forecast import (
    ForecastGrouping,
    cash_forecast,
    label_lines,
    month_periods,
    past_weeks,
    week_periods,
)

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 7, 2)


@dataclass
class ForecastBook:
    a: Customer
    b: Customer
    c: Customer
    e: Customer
    a1: Contract


def _plan_contract(manager, customer, plan, *, signed_on, currency="CNY"):
    """An active contract whose plan may hold installments waiting on a milestone (``due`` None)."""
    from huikuan.contracts.services import contract_activate, contract_create, contract_set_installments

    contract = contract_create(
        actor=manager,
        customer=customer,
        title="设备采购合同",
        signed_on=signed_on,
        amount=sum((D(amount) for amount, _due in plan), D(0)),
        currency=currency,
    )
    contract_set_installments(
        actor=manager,
        contract=contract,
        installments=[
            {"amount": D(amount), "due_date": due} if due else {"amount": D(amount), "milestone": "acceptance"}
            for amount, due in plan
        ],
    )
    contract_activate(actor=manager, contract=contract)
    contract.refresh_from_db()
    return contract


@pytest.fixture(name="forecast_book")
def _forecast_book(manager, rep, other_rep, make_customer):
    """The company of this module's docstring (imported by the page's and the API's tests)."""
    from huikuan.receivables.services.adjustments import adjustment_create
    from huikuan.receivables.services.allocations import allocation_create
    from huikuan.receivables.services.receipts import receipt_create, receipt_reverse

    def pay(customer, installment, amount, on):
        receipt = receipt_create(actor=manager, customer=customer, received_on=on, amount=D(amount))
        allocation_create(actor=manager, receipt=receipt, installment=installment, amount=D(amount))
        return receipt

    a = make_customer(owner=rep, name="东方机电有限公司", code="A001")
    b = make_customer(owner=other_rep, name="西部贸易有限公司", code="B001")
    c = make_customer(owner=manager, name="南方科技有限公司", code="C001")
    e = make_customer(owner=manager, name="北方电子有限公司", code="E001")
    d = dt.date
    a0 = _plan_contract(
        manager,
        a,
        [("1000.00", d(2025, 1, 10)), ("3000.00", d(2025, 3, 1)), ("1200.00", d(2025, 4, 20))],
        signed_on=d(2024, 6, 1),
    )
    a1 = _plan_contract(
        manager,
        a,
        [("800.00", d(2025, 6, 10)), ("2000.00", d(2025, 7, 1)), ("5000.00", d(2025, 9, 25)), ("1500.00", None)],
        signed_on=d(2025, 5, 1),
    )
    first, second, third = a0.installments.order_by("sequence")
    pay(a, first, "1000.00", d(2025, 1, 15))
    pay(a, second, "3000.00", d(2025, 3, 13))
    pay(a, third, "1200.00", d(2025, 4, 30))
    pay(a, a1.installments.get(sequence=1), "400.00", d(2025, 6, 20))

    b0 = _plan_contract(
        manager,
        b,
        [("2000.00", d(2024, 10, 1)), ("2000.00", d(2025, 2, 1)), ("1000.00", d(2025, 3, 1))],
        signed_on=d(2024, 6, 1),
    )
    b1 = _plan_contract(manager, b, [("1000.00", d(2025, 7, 20)), ("333.33", d(2025, 8, 1))], signed_on=d(2025, 5, 1))
    late, early, _never = b0.installments.order_by("sequence")
    pay(b, late, "1500.00", d(2024, 12, 30))
    adjustment_create(
        actor=manager,
        installment=late,
        kind="write_off",
        amount=D("500.00"),
        reason="无法收回",
        effective_on=d(2025, 3, 1),
    )
    pay(b, early, "2000.00", d(2025, 1, 22))
    bounced = pay(b, b1.installments.get(sequence=1), "1000.00", d(2025, 6, 1))
    receipt_reverse(actor=manager, receipt=bounced, reason="退票", reversed_on=d(2025, 6, 5))

    _plan_contract(manager, c, [("10000.00", d(2025, 7, 31))], signed_on=d(2025, 6, 1))
    _plan_contract(manager, e, [("100.00", d(2025, 7, 15))], signed_on=d(2025, 6, 1), currency="USD")
    return ForecastBook(a, b, c, e, a1)


def cents_of(amounts):
    return [str(amount) for amount in amounts]


def weeks_with_money(line):
    return {k: str(amount) for k, amount in enumerate(line.weeks) if amount}


def months_with_money(line):
    return {k: str(amount) for k, amount in enumerate(line.months) if amount}


@pytest.fixture(params=["past", "today"])
def columns_or_rows(request, monkeypatch):
    """Both ways to the open amounts: D in the past sums the dated rows; with "today" set to D the
    maintained columns answer (no row of the book is dated after D, so they hold D's figures)."""
    if request.param == "today":
        monkeypatch.setattr(figures, "today", lambda: AS_OF)
    return request.param


def test_the_periods():
    weeks = week_periods(dt.date(2025, 6, 30))
    assert (weeks[0].starts_on, weeks[0].ends_on) == (dt.date(2025, 6, 30), dt.date(2025, 7, 6))
    assert weeks[12].ends_on == dt.date(2025, 9, 28)
    months = month_periods(AS_OF)
    assert (months[0].starts_on, months[0].ends_on) == (dt.date(2025, 7, 1), dt.date(2025, 7, 31))
    assert (months[11].starts_on, months[11].ends_on) == (dt.date(2026, 6, 1), dt.date(2026, 6, 30))


def test_the_totals_worked_out_by_hand(manager, forecast_book, columns_or_rows):
    report = cash_forecast(user=manager, as_of=AS_OF)
    assert report.weeks[0].starts_on == dt.date(2025, 6, 30)
    assert [t.currency for t in report.totals] == ["CNY", "USD"]
    cny, usd = report.totals
    assert weeks_with_money(cny) == {0: "1300.00", 1: "2000.00", 7: "10515.38", 9: "300.00"}
    assert cny.later_weeks == D("5000.00")
    assert months_with_money(cny) == {0: "3300.00", 1: "10515.38", 2: "300.00", 3: "5000.00"}
    assert cny.later_months == D("0.00")
    assert (cny.expected, cny.never_paid, cny.not_dated, cny.open) == (
        D("19115.38"),
        D("617.95"),
        D("1500.00"),
        D("21233.33"),
    )
    assert weeks_with_money(usd) == {2: "100.00"}
    assert months_with_money(usd) == {0: "100.00"}
    # grouped by total, the lines are the totals
    assert report.lines == report.totals
    # the whole scope's habit, which C takes: 18.9 days late → 19; 500 / 13,000 never paid
    habit = report.scope_habits["CNY"]
    assert (habit.days_late, habit.shift_days, habit.share_never_paid) == (D("18.9"), 19, D("0.0385"))


def test_it_agrees_with_the_open_amounts(manager, forecast_book, columns_or_rows):
    """Expected + never paid + not dated is the open amount on the date (the aging's total)."""
    report = cash_forecast(user=manager, as_of=AS_OF)
    for total in report.totals:
        installments = Installment.objects.filter(currency=total.currency)
        assert total.open == figures.open_total(installments, AS_OF)
        assert sum(total.weeks, D(0)) + total.later_weeks == sum(total.months, D(0)) + total.later_months


def test_by_customer_with_each_habit(manager, forecast_book, columns_or_rows):
    book = forecast_book
    report = cash_forecast(user=manager, as_of=AS_OF, grouping=ForecastGrouping.CUSTOMER)
    # largest in the 13 weeks first: C 9,615.38, A 2,400.00, B 2,100.00, then E (USD) 100.00
    lines = label_lines(report.lines, report.grouping)
    assert [(line.customer_id, line.currency) for line in lines] == [
        (book.c.pk, "CNY"),
        (book.a.pk, "CNY"),
        (book.b.pk, "CNY"),
        (book.e.pk, "USD"),
    ]
    c, a, b, e = lines
    assert (a.code, a.label) == ("A001", "东方机电有限公司")
    assert (a.habit.days_late, a.habit.shift_days, a.habit.share_never_paid, a.habit.own_days) == (
        D("10.2"),
        10,
        D("0.0000"),
        True,
    )
    assert (b.habit.days_late, b.habit.shift_days, b.habit.share_never_paid) == (D("32.9"), 33, D("0.1000"))
    assert (c.habit.shift_days, c.habit.own_days, c.habit.own_share) == (19, False, False)
    assert (e.habit.shift_days, e.habit.days_late, e.habit.share_never_paid) == (0, None, D("0.0000"))
    assert weeks_with_money(a) == {0: "400.00", 1: "2000.00"}
    assert (a.later_weeks, a.not_dated, a.never_paid) == (D("5000.00"), D("1500.00"), D("0.00"))
    assert weeks_with_money(b) == {0: "900.00", 7: "900.00", 9: "300.00"}
    assert b.never_paid == D("233.33")  # 100.00 + 100.00 + 33.33
    assert weeks_with_money(c) == {7: "9615.38"}
    assert c.never_paid == D("384.62")


def test_by_owner(manager, rep, other_rep, forecast_book):
    report = cash_forecast(user=manager, as_of=AS_OF, grouping=ForecastGrouping.OWNER)
    lines = {(line.owner_id, line.currency): line for line in label_lines(report.lines, report.grouping)}
    assert set(lines) == {(rep.pk, "CNY"), (other_rep.pk, "CNY"), (manager.pk, "CNY"), (manager.pk, "USD")}
    assert lines[(rep.pk, "CNY")].expected == D("7400.00")  # A: 400 + 2,000 + 5,000
    assert lines[(other_rep.pk, "CNY")].expected == D("2100.00")  # B: 900 + 900 + 300
    assert lines[(manager.pk, "CNY")].expected == D("9615.38")  # C
    assert lines[(rep.pk, "CNY")].label == "rep"


def test_the_accuracy_of_the_past_weeks(manager, forecast_book):
    report = cash_forecast(user=manager, as_of=AS_OF).past
    assert report.made_on == dt.date(2025, 3, 30)
    assert (report.weeks[0].starts_on, report.weeks[-1].ends_on) == (dt.date(2025, 3, 31), dt.date(2025, 6, 29))
    [cny] = report.currencies
    assert cny.currency == "CNY"
    forecast = {k: str(week.forecast) for k, week in enumerate(cny.weeks) if week.forecast}
    actual = {k: str(week.actual) for k, week in enumerate(cny.weeks) if week.actual}
    assert forecast == {0: "900.00", 4: "1200.00"}
    assert actual == {4: "1200.00", 8: "1000.00", 11: "400.00"}
    assert (cny.forecast, cny.actual) == (D("2100.00"), D("2600.00"))
    assert cny.weeks[0].difference == D("-900.00")


def test_the_past_weeks_alone_are_the_same(manager, forecast_book):
    alone = past_weeks(user=manager, as_of=AS_OF)
    assert alone == cash_forecast(user=manager, as_of=AS_OF).past
    assert cash_forecast(user=manager, as_of=AS_OF, with_past_weeks=False).past is None


def test_a_receipt_reversed_within_its_week_did_not_arrive(manager, forecast_book):
    from huikuan.receivables.services.receipts import receipt_create, receipt_reverse

    # 700.00 received Mon 2 Jun (week 9, 2–8 Jun) and reversed on Fri 6 Jun: within the week
    receipt = receipt_create(actor=manager, customer=forecast_book.c, received_on=dt.date(2025, 6, 2), amount=D("700"))
    receipt_reverse(actor=manager, receipt=receipt, reason="录入错误", reversed_on=dt.date(2025, 6, 6))
    [cny] = past_weeks(user=manager, as_of=AS_OF).currencies
    assert cny.weeks[9].actual == D("0.00")


def test_a_later_reversal_changes_the_history_only_from_its_date(manager, forecast_book):
    """B's 2,000.00 paid early, reversed on 1 Jul 2025: as of D its allocation is no longer history
    (days late 90 → shift 90; share 500 / 5,000 still); as of 30 Jun it still was (33)."""
    from huikuan.receivables.models import Receipt
    from huikuan.receivables.services.receipts import receipt_reverse

    early = Receipt.objects.get(customer=forecast_book.b, received_on=dt.date(2025, 1, 22))
    receipt_reverse(actor=manager, receipt=early, reason="退票", reversed_on=dt.date(2025, 7, 1))
    narrowed = {"user": manager, "customer_id": forecast_book.b.pk, "grouping": ForecastGrouping.CUSTOMER}
    [now] = cash_forecast(as_of=AS_OF, **narrowed).lines
    [before] = cash_forecast(as_of=dt.date(2025, 6, 30), **narrowed).lines
    assert (now.habit.shift_days, before.habit.shift_days) == (90, 33)
    # the 2,000.00 is open again as of D: due 1 Feb + 90 = 2 May, before D: week 0, 90% expected
    assert now.weeks[0] == D("900.00") + D("1800.00")


def test_the_lookback_narrows_the_history(manager, forecast_book):
    # 90 days back from D (4 Apr to 2 Jul): A paid 1,200.00 10 days late and 400.00 10 days late →
    # 10; B paid nothing in the window: it takes the scope's (A's) 10 days; nothing was written
    # off in the window: share 0 for all
    report = cash_forecast(user=manager, as_of=AS_OF, grouping=ForecastGrouping.CUSTOMER, lookback_days=90)
    habits = {line.customer_id: line.habit for line in report.lines}
    assert habits[forecast_book.b.pk].shift_days == 10
    assert not habits[forecast_book.b.pk].own_days
    assert habits[forecast_book.b.pk].share_never_paid == D("0.0000")
    b = next(line for line in report.lines if line.customer_id == forecast_book.b.pk)
    # 1,000.00 due 1 Mar → 11 Mar: week 0; 1,000.00 due 20 Jul → 30 Jul: week 4; 333.33 due 1 Aug →
    # 11 Aug: week 6
    assert weeks_with_money(b) == {0: "1000.00", 4: "1000.00", 6: "333.33"}


def test_a_sales_rep_sees_only_their_customers(rep, forecast_book):
    report = cash_forecast(user=rep, as_of=AS_OF, grouping=ForecastGrouping.CUSTOMER)
    assert {line.customer_id for line in report.lines} == {forecast_book.a.pk}
    [cny] = report.totals
    # A's own figures; the scope's habit is A's alone
    assert weeks_with_money(cny) == {0: "400.00", 1: "2000.00"}
    assert (cny.later_weeks, cny.not_dated, cny.never_paid) == (D("5000.00"), D("1500.00"), D("0.00"))
    assert report.scope_habits["CNY"].shift_days == 10
    # the past weeks: A's 1,200.00 forecast and received; A's 400.00 received
    [accuracy] = report.past.currencies
    assert {k: str(w.forecast) for k, w in enumerate(accuracy.weeks) if w.forecast} == {4: "1200.00"}
    assert {k: str(w.actual) for k, w in enumerate(accuracy.weeks) if w.actual} == {4: "1200.00", 11: "400.00"}
    # another rep's customer asked for by id: an empty forecast, not an error
    assert cash_forecast(user=rep, as_of=AS_OF, customer_id=forecast_book.b.pk).totals == []


def test_narrowing_keeps_each_customers_numbers(manager, forecast_book):
    """Narrowed to C, C still takes the whole scope's habit (19 days, 500 / 13,000)."""
    report = cash_forecast(user=manager, as_of=AS_OF, customer_id=forecast_book.c.pk)
    [cny] = report.totals
    assert weeks_with_money(cny) == {7: "9615.38"}
    by_owner = cash_forecast(user=manager, as_of=AS_OF, owner_id=forecast_book.c.owner_id, currency="CNY")
    assert [t.currency for t in by_owner.totals] == ["CNY"]
    assert weeks_with_money(by_owner.totals[0]) == {7: "9615.38"}


def test_bad_parameters_are_refused(manager, forecast_book):
    from huikuan.core.errors import DomainError

    with pytest.raises(DomainError) as grouping:
        cash_forecast(user=manager, as_of=AS_OF, grouping="contract")
    assert grouping.value.field == "grouping"
    with pytest.raises(DomainError) as lookback:
        cash_forecast(user=manager, as_of=AS_OF, lookback_days=0)
    assert lookback.value.field == "lookback_days"


def test_days_between_on_this_database(forecast_book):
    from django.db.models import F

    rows = Installment.objects.filter(due_date__isnull=False).annotate(
        days=DaysBetween("due_date", F("contract__signed_on"))
    )
    for row in rows.select_related("contract"):
        assert row.days == (row.due_date - row.contract.signed_on).days
