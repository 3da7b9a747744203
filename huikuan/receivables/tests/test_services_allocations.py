"""Allocations (核销): limits, reversals, automatic matching (DOMAIN.md rules 3 and 4)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikuan.contracts.choices import ContractStatus
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.receivables.models import Allocation
from huikuan.receivables.services.allocations import (
    AllocationLine,
    allocation_create,
    allocation_reverse,
    allocation_suggest,
    allocations_create,
    receipt_auto_allocate,
)

pytestmark = pytest.mark.django_db


def fresh(*objects):
    for obj in objects:
        obj.refresh_from_db()


def test_partial_allocation_leaves_the_rest_open_and_unapplied(clerk, receive, installments):
    # given
    receipt = receive("4000.00")
    first = installments[0]
    # when
    allocation = allocation_create(actor=clerk, receipt=receipt, installment=first, amount=D("1200.00"))
    # then
    fresh(receipt, first)
    assert allocation.effective_on == dt.date(2025, 2, 10)
    assert (first.open_amount, first.settled_on) == (D("1800.00"), None)
    assert (receipt.allocated_amount, receipt.unallocated_amount) == (D("1200.00"), D("2800.00"))


def test_settling_every_installment_completes_the_contract(clerk, receive, contract, installments):
    # given
    receipt = receive("10000.00", on=dt.date(2025, 4, 2))
    # when
    allocations_create(actor=clerk, receipt=receipt, lines=[AllocationLine(i, i.amount) for i in installments])
    # then
    contract.refresh_from_db()
    assert (contract.status, contract.closed_on) == (ContractStatus.COMPLETED, dt.date(2025, 4, 2))
    assert {i.settled_on for i in contract.installments.all()} == {dt.date(2025, 4, 2)}


def test_cannot_allocate_more_than_the_receipt_has_left(clerk, receive, installments):
    # given
    receipt = receive("1000.00")
    allocation_create(actor=clerk, receipt=receipt, installment=installments[0], amount=D("800.00"))
    # when
    with pytest.raises(DomainError) as error:
        allocation_create(actor=clerk, receipt=receipt, installment=installments[1], amount=D("200.01"))
    # then
    assert (error.value.code, error.value.field) == ("exceeds_receipt", "amount")
    fresh(receipt, installments[1])
    assert (receipt.allocated_amount, installments[1].open_amount) == (D("800.00"), D("5000.00"))


def test_cannot_allocate_more_than_the_installment_has_open(clerk, receive, installments):
    receipt = receive("9000.00")
    with pytest.raises(DomainError) as error:
        allocation_create(actor=clerk, receipt=receipt, installment=installments[0], amount=D("3000.01"))
    assert error.value.code == "exceeds_installment"
    assert Allocation.objects.count() == 0


def test_a_multi_line_allocation_is_all_or_nothing(clerk, receive, installments):
    # given
    receipt = receive("9000.00")
    # when: the second line asks more than the installment has open
    with pytest.raises(DomainError) as error:
        allocations_create(
            actor=clerk,
            receipt=receipt,
            lines=[AllocationLine(installments[0], D("3000.00")), AllocationLine(installments[1], D("5000.01"))],
        )
    # then: the refusal names the line (a form shows it on that row), and nothing was kept
    assert (error.value.code, error.value.field) == ("exceeds_installment", "lines[1].amount")
    fresh(receipt, installments[0])
    assert (Allocation.objects.count(), receipt.allocated_amount, installments[0].open_amount) == (
        0,
        D("0.00"),
        D("3000.00"),
    )


@pytest.mark.parametrize(
    ("amount", "code"),
    [("0", "amount_not_positive"), ("-5.00", "amount_not_positive"), ("1.005", "amount_too_precise")],
)
def test_allocation_amounts_must_be_positive_fen(clerk, receive, installments, amount, code):
    receipt = receive("100.00")
    with pytest.raises(DomainError) as error:
        allocation_create(actor=clerk, receipt=receipt, installment=installments[0], amount=D(amount))
    assert error.value.code == code


def test_a_receipt_is_not_allocated_to_another_customers_installment(
    clerk, make_customer, make_contract, receive, installments
):
    # given
    stranger = make_customer(name="别家公司")
    other_contract = make_contract(stranger, [("500.00", dt.date(2025, 2, 1))])
    receipt = receive("500.00")
    # when
    with pytest.raises(DomainError) as error:
        allocation_create(
            actor=clerk, receipt=receipt, installment=other_contract.installments.get(), amount=D("500.00")
        )
    # then
    assert error.value.code == "other_customer"
    assert Allocation.objects.count() == 0


def test_a_receipt_is_not_allocated_across_currencies(clerk, customer, make_contract, receive):
    usd_contract = make_contract(customer, [("500.00", dt.date(2025, 2, 1))], currency="USD")
    receipt = receive("500.00")
    with pytest.raises(DomainError) as error:
        allocation_create(actor=clerk, receipt=receipt, installment=usd_contract.installments.get(), amount=D("1.00"))
    assert error.value.code == "other_currency"


def test_draft_contract_installments_are_not_receivable(clerk, customer, make_contract, receive):
    draft = make_contract(customer, [("500.00", dt.date(2025, 2, 1))], activate=False)
    with pytest.raises(DomainError) as error:
        allocation_create(actor=clerk, receipt=receive("500.00"), installment=draft.installments.get(), amount=D("1"))
    assert error.value.code == "installment_not_receivable"


@pytest.mark.parametrize(
    ("effective_on", "code"),
    [(dt.date(2025, 2, 9), "dates_out_of_order"), (dt.date(2999, 1, 1), "date_in_future")],
)
def test_an_allocation_takes_effect_between_receipt_and_today(clerk, receive, installments, effective_on, code):
    with pytest.raises(DomainError) as error:
        allocation_create(
            actor=clerk,
            receipt=receive("100.00"),
            installment=installments[0],
            amount=D("100.00"),
            effective_on=effective_on,
        )
    assert (error.value.code, error.value.field) == (code, "effective_on")


def test_an_advance_payment_takes_effect_from_the_signing_date(clerk, receive, installments):
    receipt = receive("100.00", on=dt.date(2025, 1, 2))
    allocation = allocation_create(actor=clerk, receipt=receipt, installment=installments[0], amount=D("100.00"))
    assert allocation.effective_on == dt.date(2025, 1, 10)


def test_reversal_restores_open_amounts_and_keeps_the_row(clerk, receive, contract, installments):
    # given: the first installment fully paid, contract still active
    receipt = receive("3000.00")
    allocation = allocation_create(actor=clerk, receipt=receipt, installment=installments[0], amount=D("3000.00"))
    # when
    reversed_ = allocation_reverse(
        actor=clerk, allocation=allocation, reason="客户退票", reversed_on=dt.date(2025, 2, 20)
    )
    # then
    fresh(receipt, installments[0])
    assert (installments[0].open_amount, installments[0].settled_on) == (D("3000.00"), None)
    assert receipt.unallocated_amount == D("3000.00")
    assert (reversed_.reversed_on, reversed_.reversed_by, reversed_.reversal_reason) == (
        dt.date(2025, 2, 20),
        clerk,
        "客户退票",
    )
    assert Allocation.objects.filter(pk=allocation.pk, amount=D("3000.00")).exists()


def test_reversing_reopens_a_completed_contract(clerk, receive, contract, installments):
    receipt = receive("10000.00", on=dt.date(2025, 4, 2))
    allocations = allocations_create(
        actor=clerk, receipt=receipt, lines=[AllocationLine(i, i.amount) for i in installments]
    )
    allocation_reverse(actor=clerk, allocation=allocations[2], reason="错配")
    contract.refresh_from_db()
    assert (contract.status, contract.closed_on) == (ContractStatus.ACTIVE, None)


def test_an_allocation_is_reversed_once_with_a_reason(clerk, receive, installments):
    allocation = allocation_create(actor=clerk, receipt=receive("10.00"), installment=installments[0], amount=D("10"))
    with pytest.raises(DomainError) as error:
        allocation_reverse(actor=clerk, allocation=allocation, reason="")
    assert error.value.code == "reason_required"
    allocation_reverse(actor=clerk, allocation=allocation, reason="错配")
    with pytest.raises(DomainError) as error:
        allocation_reverse(actor=clerk, allocation=allocation, reason="again")
    assert error.value.code == "already_reversed"


def test_a_reversal_cannot_predate_the_allocation(clerk, receive, installments):
    allocation = allocation_create(actor=clerk, receipt=receive("10.00"), installment=installments[0], amount=D("10"))
    with pytest.raises(DomainError) as error:
        allocation_reverse(actor=clerk, allocation=allocation, reason="x", reversed_on=dt.date(2025, 2, 9))
    assert error.value.code == "dates_out_of_order"


def test_auditors_and_collectors_cannot_allocate(make_user, receive, installments):
    receipt = receive("10.00")
    for role in ("auditor", "collector"):
        with pytest.raises(NotPermitted):
            allocation_create(
                actor=make_user(f"u-{role}", role), receipt=receipt, installment=installments[0], amount=D("1")
            )


def test_auto_allocation_prefers_the_contract_named_in_the_memo(
    clerk, customer, make_contract, receive, contract, installments
):
    # given: an older contract and the named one
    named = make_contract(customer, [("700.00", dt.date(2025, 5, 1))], signed_on=dt.date(2025, 1, 20))
    receipt = receive("1000.00", on=dt.date(2025, 5, 5), memo=f"付{named.number}货款")
    # when
    allocations = receipt_auto_allocate(actor=clerk, receipt=receipt)
    # then: named contract first, then the oldest due of the rest
    assert [(a.installment_id, a.amount) for a in allocations] == [
        (named.installments.get().pk, D("700.00")),
        (installments[0].pk, D("300.00")),
    ]


def test_auto_allocation_takes_an_exact_open_amount_before_oldest_first(clerk, receive, installments):
    receipt = receive("5000.00", on=dt.date(2025, 3, 5))
    allocations = receipt_auto_allocate(actor=clerk, receipt=receipt)
    assert [(a.installment_id, a.amount) for a in allocations] == [(installments[1].pk, D("5000.00"))]


def test_auto_allocation_goes_oldest_due_first_and_leaves_the_rest_unapplied(clerk, receive, installments):
    # given
    receipt = receive("12000.00", on=dt.date(2025, 4, 5))
    # when
    allocations = receipt_auto_allocate(actor=clerk, receipt=receipt)
    # then
    receipt.refresh_from_db()
    assert [a.amount for a in allocations] == [D("3000.00"), D("5000.00"), D("2000.00")]
    assert receipt.unallocated_amount == D("2000.00")


def test_auto_allocation_with_nothing_open_leaves_the_receipt_unapplied(clerk, receive, make_customer):
    receipt = receive("100.00", customer=make_customer(name="新客户"))
    assert receipt_auto_allocate(actor=clerk, receipt=receipt) == []


def test_a_contract_number_inside_a_longer_number_does_not_count(clerk, receive, contract, installments):
    receipt = receive("10.00", memo=f"{contract.number}9")
    plan = allocation_suggest(receipt=receipt)
    assert plan[0].installment.pk == installments[0].pk  # oldest first, not "named"


def test_unallocated_cash_can_be_allocated_later(clerk, receive, installments):
    receipt = receive("8000.00")
    receipt_auto_allocate(actor=clerk, receipt=receipt)
    allocation_reverse(actor=clerk, allocation=Allocation.objects.get(installment=installments[1]), reason="错配")
    allocation_create(actor=clerk, receipt=receipt, installment=installments[2], amount=D("2000.00"))
    receipt.refresh_from_db()
    assert receipt.unallocated_amount == D("3000.00")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["allocate", "reverse"]),
            st.integers(min_value=0, max_value=2),  # which receipt
            st.integers(min_value=0, max_value=2),  # which installment / allocation
            st.decimals(min_value=D("0.01"), max_value=D("6000.00"), places=2),
        ),
        max_size=15,
    )
)
def test_allocations_never_exceed_receipts_or_installments(clerk, receive, installments, steps):
    with transaction.atomic():
        receipts = [receive("2500.00"), receive("4000.00"), receive("0.50")]
        for action, r, i, amount in steps:
            try:
                if action == "allocate":
                    allocation_create(actor=clerk, receipt=receipts[r], installment=installments[i], amount=amount)
                else:
                    live = list(Allocation.objects.filter(reversed_on__isnull=True).order_by("pk"))
                    if live:
                        allocation_reverse(actor=clerk, allocation=live[i % len(live)], reason="test")
            except DomainError:
                pass
            for receipt in receipts:
                receipt.refresh_from_db()
                live = sum(a.amount for a in receipt.allocations.filter(reversed_on__isnull=True))
                assert receipt.allocated_amount == live <= receipt.amount
            for installment in installments:
                installment.refresh_from_db()
                live = sum(a.amount for a in installment.allocations.filter(reversed_on__isnull=True))
                assert installment.open_amount == installment.amount - live >= 0
        transaction.set_rollback(True)


def test_the_reversal_and_first_collection_dates_are_kept_on_every_path(clerk, receive, installments):
    # given: a partial allocation (in place), then one that settles (summed again)
    first = installments[0]
    early = allocation_create(actor=clerk, receipt=receive("1000.00"), installment=first, amount=D("1000.00"))
    fresh(first)
    assert (first.first_collected_on, first.last_reversed_on) == (dt.date(2025, 2, 10), None)
    late = receive("2000.00", on=dt.date(2025, 3, 1))
    allocation_create(actor=clerk, receipt=late, installment=first, amount=D("2000.00"))
    fresh(first)
    assert (first.first_collected_on, first.last_reversed_on) == (dt.date(2025, 2, 10), None)
    # when: the early one is reversed
    allocation_reverse(actor=clerk, allocation=early, reason="退票", reversed_on=dt.date(2025, 3, 5))
    # then: the first collection still in effect is the later one, and the reversal is dated
    fresh(first)
    assert (first.first_collected_on, first.last_reversed_on) == (dt.date(2025, 3, 1), dt.date(2025, 3, 5))
    # and a first row that settles an installment at once dates its collection too
    second = installments[1]
    allocation_create(actor=clerk, receipt=receive(str(second.amount)), installment=second, amount=second.amount)
    fresh(second)
    assert (second.first_collected_on, second.last_reversed_on) == (dt.date(2025, 2, 10), None)


def test_matching_walks_a_long_book_in_order_across_pages(clerk, receive, make_contract, customer):
    # given: 2 × 90 open installments of 1.00 due on the same days, the later-signed contract's
    # after the other's on each day, and one still waiting on a milestone
    days = [dt.date(2025, 2, 1) + dt.timedelta(days=i) for i in range(90)]
    later = make_contract(customer, [("1.00", day) for day in days], signed_on=dt.date(2025, 1, 20))
    earlier = make_contract(customer, [("1.00", day) for day in days], signed_on=dt.date(2025, 1, 5))
    receipt = receive("150.50", on=dt.date(2025, 6, 1))
    # when
    plan = allocation_suggest(receipt=receipt)
    # then: the rule worked out over every row, as the matching order reads it
    rows = [*later.installments.all(), *earlier.installments.all()]
    expected = sorted(rows, key=lambda i: (i.due_date, i.contract.signed_on, i.contract_id, i.sequence))
    assert [(line.installment.pk, line.amount) for line in plan] == [
        *((i.pk, D("1.00")) for i in expected[:150]),
        (expected[150].pk, D("0.50")),
    ]


def test_an_exact_amount_is_not_one_the_memo_already_took(clerk, receive, make_contract, customer):
    # given: the named contract's 300.00 is due first; another contract also has 300.00 open
    named = make_contract(customer, [("300.00", dt.date(2025, 1, 20))], title="命名合同")
    other = make_contract(customer, [("300.00", dt.date(2025, 3, 1)), ("900.00", dt.date(2025, 2, 1))])
    receipt = receive("600.00", memo=f"货款 {named.number}")
    # when
    plan = allocation_suggest(receipt=receipt)
    # then: the memo's 300.00, then the other exact 300.00 (not the 900.00 due before it)
    assert [(line.installment.pk, line.amount) for line in plan] == [
        (named.installments.get().pk, D("300.00")),
        (other.installments.get(sequence=1).pk, D("300.00")),
    ]


def test_matching_reads_a_day_with_more_rows_than_a_page_whole(clerk, receive, make_contract, customer):
    # given: 45 installments due on one day (more than a page), from two contracts, and one due later
    day = dt.date(2025, 2, 1)
    later = make_contract(
        customer, [("1.00", day)] * 25 + [("1.00", dt.date(2025, 3, 1))], signed_on=dt.date(2025, 1, 20)
    )
    earlier = make_contract(customer, [("1.00", day)] * 20, signed_on=dt.date(2025, 1, 5))
    receipt = receive("45.50", on=dt.date(2025, 6, 1))
    # when
    plan = allocation_suggest(receipt=receipt)
    # then: the earlier-signed contract's first, then the other's by sequence, then the later day
    expected = [*earlier.installments.order_by("sequence"), *later.installments.order_by("sequence")]
    assert [(line.installment.pk, line.amount) for line in plan] == [
        *((i.pk, D("1.00")) for i in expected[:45]),
        (expected[45].pk, D("0.50")),
    ]
