"""Figures as of any date (DOMAIN.md rules 5 and 6): a narrated scenario, then properties."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikuan.contracts.choices import InstallmentStatus
from huikuan.contracts.models import Installment
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.receivables import figures
from huikuan.receivables.choices import AdjustmentKind
from huikuan.receivables.models import Adjustment, Allocation, Receipt
from huikuan.receivables.services.adjustments import adjustment_create
from huikuan.receivables.services.allocations import allocation_create, allocation_reverse, receipt_auto_allocate
from huikuan.receivables.services.receipts import receipt_reverse

pytestmark = pytest.mark.django_db


def page(installments, as_of):
    rows = list(Installment.objects.filter(pk__in=[i.pk for i in installments]).order_by("sequence"))
    return [figures.figures_of(row) for row in figures.attach_figures(rows, as_of)]


def statuses(installments, as_of):
    return [(row.open, row.status) for row in page(installments, as_of)]


def test_a_year_of_a_contract_as_seen_on_several_dates(clerk, manager, receive, contract, installments, customer):
    # 10 Feb: 4,000 arrives, auto-matched: 3,000 settles #1, 1,000 goes to #2
    receipt = receive("4000.00", on=dt.date(2025, 2, 10))
    receipt_auto_allocate(actor=clerk, receipt=receipt)
    # 15 Mar: 1,500 arrives and stays unapplied
    receive("1500.00", on=dt.date(2025, 3, 15))
    # 20 Mar: the match to #1 was wrong: reversed on 20 Mar
    allocation_reverse(
        actor=clerk,
        allocation=Allocation.objects.get(installment=installments[0]),
        reason="错配",
        reversed_on=dt.date(2025, 3, 20),
    )
    # 1 Jun: #3 written off
    adjustment_create(
        actor=manager,
        installment=installments[2],
        kind=AdjustmentKind.WRITE_OFF,
        amount=D("2000.00"),
        reason="无法收回",
        effective_on=dt.date(2025, 6, 1),
    )

    # as seen on 1 Feb: nothing paid, #1 due that day
    assert statuses(installments, dt.date(2025, 2, 1)) == [
        (D("3000.00"), InstallmentStatus.DUE),
        (D("5000.00"), InstallmentStatus.NOT_DUE),
        (D("2000.00"), InstallmentStatus.NOT_DUE),
    ]
    # on 28 Feb: #1 paid, #2 partly paid and not yet due
    assert statuses(installments, dt.date(2025, 2, 28)) == [
        (D("0.00"), InstallmentStatus.PAID),
        (D("4000.00"), InstallmentStatus.NOT_DUE),
        (D("2000.00"), InstallmentStatus.NOT_DUE),
    ]
    assert [row.partly_paid for row in page(installments, dt.date(2025, 2, 28))] == [False, True, False]
    assert figures.customer_balance(customer.pk, dt.date(2025, 2, 28)).balance == D("6000.00")
    # on 16 Mar: #2 overdue; 1,500 unapplied
    balance = figures.customer_balance(customer.pk, dt.date(2025, 3, 16))
    assert (balance.open_installments, balance.unapplied_cash, balance.balance) == (
        D("6000.00"),
        D("1500.00"),
        D("4500.00"),
    )
    # on 21 Mar: the reversal reopened #1 and put 3,000 back on the receipt
    assert statuses(installments, dt.date(2025, 3, 21))[0] == (D("3000.00"), InstallmentStatus.OVERDUE)
    balance = figures.customer_balance(customer.pk, dt.date(2025, 3, 21))
    assert (balance.open_installments, balance.unapplied_cash) == (D("9000.00"), D("4500.00"))
    # on 1 Jun: #3 written off
    assert statuses(installments, dt.date(2025, 6, 1))[2] == (D("0.00"), InstallmentStatus.WRITTEN_OFF)
    # contract figures on 1 Jun
    assert figures.contract_figures(contract, dt.date(2025, 6, 1)) == figures.ContractFigures(
        amount=D("10000.00"),
        collected=D("1000.00"),
        adjusted=D("2000.00"),
        outstanding=D("7000.00"),
        overdue=D("7000.00"),
    )
    # today (fast path) equals the last past date (dated path)
    assert figures.customer_balance(customer.pk) == figures.customer_balance(customer.pk, dt.date(2025, 6, 1))


def test_past_figures_do_not_change_with_later_activity(clerk, receive, contract, installments, customer):
    # given: the aging and balance as of 31 Mar
    receipt_auto_allocate(actor=clerk, receipt=receive("3500.00", on=dt.date(2025, 2, 10)))
    as_of = dt.date(2025, 3, 31)
    before = (
        figures.aging_by_customer(Installment.objects.all(), as_of),
        figures.customer_balance(customer.pk, as_of),
        figures.contract_figures(contract, as_of),
    )
    # when: later money, matches, reversals and adjustments
    later = receive("6500.00", on=dt.date(2025, 4, 15))
    receipt_auto_allocate(actor=clerk, receipt=later)
    receipt_reverse(actor=clerk, receipt=later, reason="退票", reversed_on=dt.date(2025, 5, 1))
    adjustment_create(
        actor=clerk, installment=installments[2], kind=AdjustmentKind.DISCOUNT, amount=D("10.00"), reason="折让"
    )
    # then
    after = (
        figures.aging_by_customer(Installment.objects.all(), as_of),
        figures.customer_balance(customer.pk, as_of),
        figures.contract_figures(contract, as_of),
    )
    assert after == before


def test_aging_buckets_by_days_overdue(clerk, receive, make_contract, customer):
    # given: items 0, 15, 45, 75, 120 and 400 days overdue on 1 Jun 2026, and one not yet due
    as_of = dt.date(2026, 6, 1)
    days = [0, 15, 45, 75, 120, 400]
    make_contract(
        customer,
        [("100.00", as_of - dt.timedelta(days=d)) for d in days] + [("1.00", as_of + dt.timedelta(days=3))],
        signed_on=dt.date(2025, 1, 1),
    )
    # when
    [row] = figures.aging_by_customer(Installment.objects.all(), as_of)
    # then: not due (incl. due today) / 1-30 / 31-60 / 61-90 / 91-180 / 181-360 / over 360
    assert row.not_due == D("101.00")
    assert row.buckets == [D("100.00"), D("100.00"), D("100.00"), D("100.00"), D("0.00"), D("100.00")]
    assert row.total == figures.open_total(Installment.objects.all(), as_of) == D("601.00")


def test_nothing_is_receivable_before_the_contract_was_signed(contract, customer):
    assert figures.customer_balance(customer.pk, dt.date(2025, 1, 9)).balance == D("0.00")
    assert figures.customer_balance(customer.pk, dt.date(2025, 1, 10)).balance == D("10000.00")


def naive_open(installment: Installment, as_of: dt.date) -> D:
    """The open amount recomputed the slow, obvious way."""
    if installment.booked_on is None or installment.booked_on > as_of:
        return D("0.00")
    taken = sum(
        (
            row.amount
            for model in (Allocation, Adjustment)
            for row in model.objects.filter(installment=installment)
            if row.effective_on <= as_of and (row.reversed_on is None or row.reversed_on > as_of)
        ),
        D("0.00"),
    )
    return installment.amount - taken


def naive_unapplied(as_of: dt.date) -> D:
    total = D("0.00")
    for receipt in Receipt.objects.all():
        if receipt.received_on <= as_of and (receipt.reversed_on is None or receipt.reversed_on > as_of):
            total += receipt.amount - sum(
                (
                    a.amount
                    for a in receipt.allocations.all()
                    if a.effective_on <= as_of and (a.reversed_on is None or a.reversed_on > as_of)
                ),
                D("0.00"),
            )
    return total


DAYS = st.integers(min_value=0, max_value=150)
START = dt.date(2025, 1, 10)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["receive", "allocate", "auto", "reverse", "adjust", "void"]),
            DAYS,
            st.integers(min_value=0, max_value=5),
            st.decimals(min_value=D("0.01"), max_value=D("6000.00"), places=2),
        ),
        min_size=1,
        max_size=12,
    ),
    probes=st.lists(DAYS, min_size=1, max_size=4),
)
def test_figures_on_any_date_equal_a_naive_recomputation(
    clerk, manager, receive, installments, customer, steps, probes
):
    with transaction.atomic():
        receipts = []
        for action, day, pick, amount in steps:
            on = START + dt.timedelta(days=day)
            try:
                if action == "receive":
                    receipts.append(receive(amount, on=on))
                elif action == "allocate" and receipts:
                    receipt = receipts[pick % len(receipts)]
                    allocation_create(
                        actor=clerk,
                        receipt=receipt,
                        installment=installments[pick % 3],
                        amount=amount,
                        effective_on=max(on, receipt.received_on),
                    )
                elif action == "auto" and receipts:
                    receipt_auto_allocate(actor=clerk, receipt=receipts[pick % len(receipts)])
                elif action == "reverse":
                    live = list(Allocation.objects.filter(reversed_on__isnull=True).order_by("pk"))
                    if live:
                        target = live[pick % len(live)]
                        allocation_reverse(
                            actor=clerk, allocation=target, reason="r", reversed_on=max(on, target.effective_on)
                        )
                elif action == "adjust":
                    adjustment_create(
                        actor=manager,
                        installment=installments[pick % 3],
                        kind=AdjustmentKind.WRITE_OFF if pick > 3 else AdjustmentKind.DISCOUNT,
                        amount=amount,
                        reason="a",
                        effective_on=on,
                    )
                elif action == "void" and receipts:
                    receipt_reverse(actor=clerk, receipt=receipts[pick % len(receipts)], reason="v")
            except DomainError:
                pass
        everything = Installment.objects.filter(customer=customer)
        for day in [*probes, 10_000]:
            as_of = min(START + dt.timedelta(days=day), today())
            expected_open = sum((naive_open(i, as_of) for i in everything), D("0.00"))
            assert figures.open_total(everything, as_of) == expected_open
            assert figures.unapplied_total(Receipt.objects.all(), as_of) == naive_unapplied(as_of)
            aging_total = sum((row.total for row in figures.aging_by_customer(everything, as_of)), D("0.00"))
            assert aging_total == expected_open
            for row in figures.attach_figures(list(everything), as_of):
                assert figures.figures_of(row).open == naive_open(row, as_of)
        transaction.set_rollback(True)


def test_totals_are_exact_to_the_cent_where_binary_floats_drift(make_contract, customer):
    # given: 1,000 installments of 100,000,000,000.01; summed as binary floats (how SQLite keeps
    # decimals) they come to ...011.17 instead of ...010.00
    contract = make_contract(customer, [("100000000000.01", dt.date(2025, 2, 1))])
    first = contract.installments.get()
    Installment.objects.bulk_create(
        Installment(
            company_id=first.company_id,
            contract=contract,
            customer=customer,
            sequence=sequence,
            amount=first.amount,
            open_amount=first.amount,
            due_date=first.due_date,
            booked_on=first.booked_on,
        )
        for sequence in range(2, 1001)
    )
    expected = D("100000000000010.00")
    everything = Installment.objects.all()
    # when / then: today's path, a past date's path and the aging agree to the cent
    assert figures.open_total(everything) == expected
    assert figures.open_total(everything, dt.date(2025, 6, 1)) == expected
    [row] = figures.aging_by_customer(everything, dt.date(2025, 6, 1))
    assert row.total == expected
