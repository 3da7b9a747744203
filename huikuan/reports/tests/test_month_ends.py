"""The KPI trend's month-end figures, read in one grouped pass (``reports.month_ends``), are the
past-date aging's and ``kpis``'s own, month by month, on random books (hypothesis)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings

from huikuan.contracts.models import Installment
from huikuan.core.dates import month_start
from huikuan.receivables.services.adjustments import adjustment_create, adjustment_reverse
from huikuan.receivables.services.allocations import allocation_create
from huikuan.receivables.services.receipts import receipt_create, receipt_reverse
from huikuan.reports.kpis import ar_on, kpis, trend
from huikuan.reports.month_ends import at_month_ends, is_month_end
from huikuan.reports.tests.test_consistency import STEPS, play

END = dt.date(2025, 9, 30)
MONTH_ENDS = [month_start(END, back) - dt.timedelta(days=1) for back in range(10)]


def test_only_month_ends_are_taken(manager):
    assert is_month_end(dt.date(2024, 2, 29))
    assert not is_month_end(dt.date(2024, 2, 28))
    with pytest.raises(ValueError):
        at_month_ends(user=manager, currency="CNY", month_ends=[dt.date(2025, 3, 30)])
    assert at_month_ends(user=manager, currency="CNY", month_ends=[]).ar == {}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_month_ends_agree_with_the_aging_and_the_kpis(manager, rep, other_rep, make_customer, make_contract, steps):
    with transaction.atomic():
        customers = [
            make_customer(owner=rep, name="甲客户有限公司"),
            make_customer(owner=other_rep, name="乙客户有限公司"),
        ]
        for customer in customers:
            # due on a month's last day (not overdue on it), on a first, and booked after some receipts
            make_contract(customer, [("3000.00", dt.date(2025, 2, 28)), ("4000.00", dt.date(2025, 5, 1))])
            make_contract(
                customer,
                [("5000.00", dt.date(2025, 6, 30)), ("700.00", dt.date(2025, 7, 1))],
                signed_on=dt.date(2025, 4, 15),
            )
        installments = list(Installment.objects.order_by("pk"))
        play(manager, customers, installments, steps)
        for user in (manager, rep):
            found = at_month_ends(user=user, currency="CNY", month_ends=MONTH_ENDS).ar
            scoped = Installment.objects.filter(currency="CNY")
            if user == rep:
                scoped = scoped.filter(customer__owner=rep)
            for day in MONTH_ENDS:
                expected = ar_on(scoped, day)
                assert (found[day].total, found[day].current) == (
                    int(expected.total * 100),
                    int(expected.current * 100),
                ), day
            months = trend(user=user, end=END, currency="CNY", months=8)
            for month in months:
                alone = kpis(user=user, start=month.month, end=month.kpis.end, currency="CNY", with_payers=False)
                assert month.kpis == alone, month.month
        transaction.set_rollback(True)


def test_reversals_and_write_offs_by_hand(manager, make_customer, make_contract):
    customer = make_customer(name="丙客户有限公司")
    contract = make_contract(customer, [("3000.00", dt.date(2025, 2, 28)), ("4000.00", dt.date(2025, 5, 1))])
    first, second = contract.installments.order_by("sequence")
    receipt = receipt_create(actor=manager, customer=customer, received_on=dt.date(2025, 3, 5), amount=D("1000.00"))
    allocation_create(
        actor=manager, receipt=receipt, installment=first, amount=D("1000.00"), effective_on=dt.date(2025, 3, 5)
    )
    receipt_reverse(actor=manager, receipt=receipt, reason="退票", reversed_on=dt.date(2025, 4, 10))
    write_off = adjustment_create(
        actor=manager,
        installment=second,
        kind="write_off",
        amount=D("500.00"),
        reason="无法收回",
        effective_on=dt.date(2025, 5, 3),
    )
    adjustment_reverse(actor=manager, adjustment=write_off, reason="收回", reversed_on=dt.date(2025, 6, 20))
    ends = [dt.date(2025, m, 1) - dt.timedelta(days=1) for m in range(2, 8)]
    found = at_month_ends(user=manager, currency="CNY", month_ends=ends).ar
    # (total, not overdue) in cents at the ends of Jan … Jun
    assert [(found[d].total, found[d].current) for d in ends] == [
        (700000, 700000),  # Jan: nothing due yet
        (700000, 700000),  # Feb 28: the first falls due that day, not overdue
        (600000, 400000),  # Mar: 1,000.00 allocated
        (700000, 400000),  # Apr: the receipt reversed on 10 Apr
        (650000, 0),  # May: 500.00 written off
        (700000, 0),  # Jun: the write-off reversed on 20 Jun
    ]
    months = trend(user=manager, end=dt.date(2025, 6, 30), currency="CNY", months=5)
    # each month counts what was still in effect at its end: the receipt in March, the write-off in May
    assert [m.kpis.collected for m in months] == [D(0), D("1000.00"), D(0), D(0), D(0)]
    assert [m.kpis.written_off for m in months] == [D(0), D(0), D(0), D("500.00"), D(0)]
    assert [m.kpis.ar_end.total for m in months] == [
        D("7000.00"),
        D("6000.00"),
        D("7000.00"),
        D("6500.00"),
        D("7000.00"),
    ]
