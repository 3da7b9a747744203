"""The totals per customer and month the services keep (contracts.PlannedMonth,
receivables.CollectedMonth): equal to the installments and receipts they sum after any mix of
writes, taken by the home page as of today, and right when two transactions add at once."""

import datetime as dt
import threading
import time
from decimal import Decimal as D

import pytest
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikuan.contracts import month_totals as planned_totals
from huikuan.contracts.models import PlannedMonth
from huikuan.contracts.services import contract_activate, contract_create, contract_set_installments, milestone_record
from huikuan.core.dates import month_start, today
from huikuan.core.errors import DomainError
from huikuan.customers import month_totals
from huikuan.receivables import month_totals as collected_totals
from huikuan.receivables.dashboard import month_series
from huikuan.receivables.models import CollectedMonth
from huikuan.receivables.services.receipts import receipt_create, receipt_reverse

SIGNED = dt.date(2025, 1, 10)


def kept(model, company) -> dict:
    """The company's totals as {(customer id, currency, month): cents}."""
    return {key[1:]: cents for key, cents in month_totals.stored(model, company.pk).items()}


def draft(manager, customer, plan, *, signed_on=SIGNED, currency="CNY"):
    """A draft whose plan is [(amount, due date or milestone kind), ...]."""
    contract = contract_create(
        actor=manager,
        customer=customer,
        title="设备采购合同",
        signed_on=signed_on,
        amount=sum(D(amount) for amount, _ in plan),
        currency=currency,
    )
    rows = [
        {"amount": D(amount), "milestone": due} if isinstance(due, str) else {"amount": D(amount), "due_date": due}
        for amount, due in plan
    ]
    contract_set_installments(actor=manager, contract=contract, installments=rows)
    return contract


@pytest.mark.django_db
def test_activation_counts_the_plan_by_due_month_and_a_milestone_adds_what_waited_on_it(
    manager, company, make_customer
):
    customer = make_customer()
    contract = draft(
        manager,
        customer,
        [("1000.10", dt.date(2025, 2, 10)), ("2000.20", dt.date(2025, 2, 28)), ("300.03", "delivery")],
    )
    usd = draft(manager, customer, [("50.00", dt.date(2025, 2, 1))], currency="USD")
    assert kept(PlannedMonth, company) == {}  # drafts are not receivable

    contract_activate(actor=manager, contract=contract)
    contract_activate(actor=manager, contract=usd)
    february = dt.date(2025, 2, 1)
    assert kept(PlannedMonth, company) == {
        (customer.pk, "CNY", february): 300030,
        (customer.pk, "USD", february): 5000,
    }

    milestone_record(actor=manager, contract=contract, kind="delivery", reached_on=dt.date(2025, 3, 3))
    waited = contract.installments.get(sequence=3)
    assert kept(PlannedMonth, company)[(customer.pk, "CNY", month_start(waited.due_date))] == 30003
    assert month_totals.stored(PlannedMonth, company.pk) == planned_totals.recomputed(company.pk)


@pytest.mark.django_db
def test_a_receipt_counts_in_the_month_received_and_its_reversal_takes_it_out(manager, company, make_customer):
    customer = make_customer()
    first = receipt_create(actor=manager, customer=customer, received_on=dt.date(2025, 3, 31), amount=D("700.07"))
    receipt_create(actor=manager, customer=customer, received_on=dt.date(2025, 3, 1), amount=D("0.03"))
    assert kept(CollectedMonth, company) == {(customer.pk, "CNY", dt.date(2025, 3, 1)): 70010}

    receipt_reverse(actor=manager, receipt=first, reason="退票")
    assert kept(CollectedMonth, company) == {(customer.pk, "CNY", dt.date(2025, 3, 1)): 3}
    assert month_totals.stored(CollectedMonth, company.pk) == collected_totals.recomputed(company.pk)


@pytest.mark.django_db
def test_the_home_chart_leaves_out_a_contract_signed_after_today(manager, company, make_customer):
    customer = make_customer()
    this_month = month_start(today())
    due = today() + dt.timedelta(days=1) if today().day < 28 else today()
    signed_now = draft(manager, customer, [("100.00", due)], signed_on=today() - dt.timedelta(days=1))
    signed_later = draft(manager, customer, [("40.00", due)], signed_on=today() + dt.timedelta(days=1))
    contract_activate(actor=manager, contract=signed_now)
    contract_activate(actor=manager, contract=signed_later)
    assert signed_later.installments.get().booked_on > today()

    # the totals count both (they are booked); today's chart only the one receivable today
    assert kept(PlannedMonth, company)[(customer.pk, "CNY", month_start(due))] == 14000
    [current] = [m for m in month_series(user=manager, as_of=today(), currency="CNY") if m.starts_on == this_month]
    assert current.due == D("100.00")
    # a later day's chart, read from the installments themselves, counts both
    tomorrow = today() + dt.timedelta(days=1)
    [later] = [m for m in month_series(user=manager, as_of=tomorrow, currency="CNY") if m.starts_on == month_start(due)]
    assert later.due == D("140.00")


AMOUNTS = st.sampled_from(["0.01", "0.10", "3.33", "1000.00", "99999.99"])


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["contract", "activate", "milestone", "receive", "reverse"]),
            st.integers(min_value=0, max_value=2),  # which customer
            st.integers(min_value=0, max_value=400),  # days after SIGNED
            st.lists(st.tuples(AMOUNTS, st.one_of(st.integers(0, 400), st.just("delivery"))), min_size=1, max_size=4),
        ),
        max_size=12,
    )
)
def test_the_kept_totals_equal_the_rows_they_sum_after_any_writes(manager, company, make_customer, steps):
    with transaction.atomic():
        customers = [make_customer() for _ in range(3)]
        drafts, active, receipts = [], [], []
        for action, who, day, plan in steps:
            on = SIGNED + dt.timedelta(days=day)
            try:
                with transaction.atomic():
                    if action == "contract":
                        rows = [(a, d if isinstance(d, str) else SIGNED + dt.timedelta(days=d)) for a, d in plan]
                        drafts.append(draft(manager, customers[who], rows, currency=("CNY", "USD")[day % 2]))
                    elif action == "activate" and drafts:
                        contract = drafts.pop(day % len(drafts))
                        contract_activate(actor=manager, contract=contract)
                        active.append(contract)
                    elif action == "milestone" and (drafts or active):
                        pool = [*drafts, *active]
                        contract = pool[day % len(pool)]
                        milestone_record(actor=manager, contract=contract, kind="delivery", reached_on=on)
                    elif action == "receive" and on <= today():
                        amount = D(plan[0][0])
                        receipts.append(
                            receipt_create(actor=manager, customer=customers[who], received_on=on, amount=amount)
                        )
                    elif action == "reverse" and receipts:
                        receipt_reverse(actor=manager, receipt=receipts[day % len(receipts)], reason="冲销")
            except DomainError:
                pass  # refused writes change nothing, totals included
        assert month_totals.stored(PlannedMonth, company.pk) == planned_totals.recomputed(company.pk)
        assert month_totals.stored(CollectedMonth, company.pk) == collected_totals.recomputed(company.pk)
        transaction.set_rollback(True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_transactions_adding_to_one_new_month_row_lose_nothing(company, make_customer):
    customer = make_customer()
    key = (company.pk, customer.pk, "CNY", dt.date(2025, 3, 1))
    first_added = threading.Event()
    errors: list[BaseException] = []

    def add(cents: int, *, first: bool) -> None:
        try:
            if not first:
                first_added.wait(timeout=10)
            with transaction.atomic():
                month_totals.add(CollectedMonth, {key: cents})
                if first:
                    first_added.set()
                    time.sleep(0.5)  # the other insert of the same new row runs into this one now
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=add, args=(1001,), kwargs={"first": True}),
        threading.Thread(target=add, args=(2002,), kwargs={"first": False}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert kept(CollectedMonth, company) == {key[1:]: 3003}
