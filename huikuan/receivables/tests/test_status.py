"""Installment status and the list filters on any date: exact to the cent on every database,
words that say what cleared an installment, and a filter that finds exactly the rows showing
a status (DOMAIN.md rules 1 and 5; receivables/DESIGN.md, "Status")."""

import datetime as dt
from decimal import Decimal as D
from unittest import mock

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikuan.contracts.choices import InstallmentStatus
from huikuan.contracts.models import Installment
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.receivables import selectors
from huikuan.receivables.choices import AdjustmentKind
from huikuan.receivables.figures import figures_of
from huikuan.receivables.models import Adjustment, Allocation
from huikuan.receivables.selectors import installment_list
from huikuan.receivables.services.adjustments import adjustment_create, adjustment_reverse
from huikuan.receivables.services.allocations import allocation_create, allocation_reverse

pytestmark = pytest.mark.django_db

S = InstallmentStatus
OPEN_STATUSES = (S.NOT_DUE, S.DUE, S.OVERDUE)
SIGNED = dt.date(2025, 1, 10)


def listed(user, as_of, **filters):
    return {row.pk for row in installment_list(user=user, filters=filters, as_of=as_of)}


def counted(user, as_of, **filters):
    return installment_list(user=user, filters=filters, as_of=as_of).count()


LIST_ORDER = ("due_date", "contract_id", "sequence")


def ordered(user, as_of, **filters):
    """The list in the API's order, read in one query."""
    return [
        row.pk for row in installment_list(user=user, filters=filters, as_of=as_of).order_by(*LIST_ORDER).iterator()
    ]


def sliced_pages(user, as_of, limit=None, **filters):
    """The same list read in pages of 2, as the paginator reads them (count, then rows or ids).
    With ``limit`` the parts are counted only up to it (``count_up_to``, core/paging.py), so that
    the pages are read from parts whose sizes are not all known."""
    pages = []
    for start in range(0, 12, 2):
        rows = installment_list(user=user, filters=filters, as_of=as_of).order_by(*LIST_ORDER)
        if limit is not None:
            rows.count_up_to(limit)
        if start % 4:
            if limit is None:
                rows.count()  # the sizes of the parts, as the paginator leaves them
            pages += rows.values_list("pk", flat=True)[start : start + 2]
        else:
            pages += [row.pk for row in rows[start : start + 2]]
    return pages


def test_an_installment_paid_to_the_cent_is_not_overdue_where_floats_drift(
    clerk, manager, receive, make_contract, customer
):
    # given: 2.10 due 1 Feb, paid by 0.01 and 2.09 (as binary floats 2.10 − (0.01 + 2.09) is 4e-16)
    contract = make_contract(customer, [("2.10", dt.date(2025, 2, 1))])
    installment = contract.installments.get()
    receipt = receive("2.10", on=dt.date(2025, 2, 10))
    for amount in ("0.01", "2.09"):
        allocation_create(actor=clerk, receipt=receipt, installment=installment, amount=D(amount))
    # then: paid, as of a past date (dated rows) and today (maintained columns)
    for as_of in (dt.date(2025, 6, 30), today()):
        assert listed(manager, as_of, status=S.OVERDUE) == set()
        assert listed(manager, as_of, status=S.PAID) == {installment.pk}
        [row] = installment_list(user=manager, as_of=as_of)
        assert (figures_of(row).open, figures_of(row).status) == (D("0.00"), S.PAID)


def test_a_credit_note_alone_credits_and_money_with_a_small_write_off_is_paid(
    clerk, manager, receive, make_contract, customer
):
    # given: three installments of 10,000.00 due 1 Feb
    contract = make_contract(customer, [("10000.00", dt.date(2025, 2, 1))] * 3)
    credited, mostly_paid, written_off = contract.installments.order_by("sequence")
    receipt = receive("15000.00", on=dt.date(2025, 2, 10))
    # #1 cleared by a credit note, no money; #2 paid 9,999.00 and 1.00 written off;
    # #3 paid 4,000.00, then 6,000.00 written off
    adjustment_create(
        actor=clerk,
        installment=credited,
        kind=AdjustmentKind.CREDIT_NOTE,
        amount=D("10000.00"),
        reason="退货",
        effective_on=dt.date(2025, 2, 10),
    )
    allocation_create(actor=clerk, receipt=receipt, installment=mostly_paid, amount=D("9999.00"))
    allocation_create(actor=clerk, receipt=receipt, installment=written_off, amount=D("4000.00"))
    for installment, amount in ((mostly_paid, "1.00"), (written_off, "6000.00")):
        adjustment_create(
            actor=manager,
            installment=installment,
            kind=AdjustmentKind.WRITE_OFF,
            amount=D(amount),
            reason="核销",
            effective_on=dt.date(2025, 2, 20),
        )
    for as_of in (dt.date(2025, 3, 1), today()):
        # then
        rows = {row.pk: figures_of(row) for row in installment_list(user=manager, as_of=as_of)}
        assert [rows[i.pk].status for i in (credited, mostly_paid, written_off)] == [S.CREDITED, S.PAID, S.WRITTEN_OFF]
        assert (rows[credited.pk].collected, rows[credited.pk].credited) == (D("0.00"), D("10000.00"))
        assert (rows[mostly_paid.pk].collected, rows[mostly_paid.pk].written_off) == (D("9999.00"), D("1.00"))
        assert listed(manager, as_of, status=S.CREDITED) == {credited.pk}
        assert listed(manager, as_of, status=S.PAID) == {mostly_paid.pk}
        assert listed(manager, as_of, status=S.WRITTEN_OFF) == {written_off.pk}


def test_an_overdue_partly_paid_installment_shows_both_in_the_api(
    api_client, clerk, manager, receive, make_contract, customer
):
    # given: 5,000.00 due 1 Feb of which 1,000.00 paid; 3,000.00 due 1 Feb, only discounted
    contract = make_contract(customer, [("5000.00", dt.date(2025, 2, 1)), ("3000.00", dt.date(2025, 2, 1))])
    partly, discounted = contract.installments.order_by("sequence")
    allocation_create(actor=clerk, receipt=receive("1000.00"), installment=partly, amount=D("1000.00"))
    adjustment_create(
        actor=clerk,
        installment=discounted,
        kind=AdjustmentKind.DISCOUNT,
        amount=D("300.00"),
        reason="折让",
        effective_on=dt.date(2025, 2, 10),
    )
    client = api_client(manager)
    for as_of in ("2025-03-01", today().isoformat()):
        # when
        body = client.get("/api/v1/installments/", {"as_of": as_of, "status": "overdue", "partly_paid": "true"}).json()
        # then
        assert [(r["id"], r["status"], r["partly_paid"], r["collected"]) for r in body["results"]] == [
            (partly.pk, "overdue", True, "1000.00")
        ]
        others = client.get("/api/v1/installments/", {"as_of": as_of, "status": "overdue", "partly_paid": "false"})
        assert [(r["id"], r["partly_paid"], r["credited"]) for r in others.json()["results"]] == [
            (discounted.pk, False, "300.00")
        ]


def test_an_unknown_status_or_a_bad_date_is_a_400(api_client, manager):
    client = api_client(manager)
    assert client.get("/api/v1/installments/", {"status": "partly"}).status_code == 400
    response = client.get("/api/v1/installments/", {"as_of": "0001-01-01"})
    assert response.status_code == 400
    assert "as_of" in response.json()["fields"]


# --- property: the selectors against a recomputation with Decimal -------------------------------


def expected_figures(installment: Installment, as_of: dt.date) -> tuple[str | None, bool]:
    """Status and partly-paid flag recomputed from the dated rows in Python, with Decimal."""
    if installment.booked_on is None or installment.booked_on > as_of:
        return None, False

    def in_effect(rows):
        return [r for r in rows if r.effective_on <= as_of and (r.reversed_on is None or r.reversed_on > as_of)]

    collected = sum((a.amount for a in in_effect(Allocation.objects.filter(installment=installment))), D(0))
    adjustments = in_effect(Adjustment.objects.filter(installment=installment))
    written_off = sum((a.amount for a in adjustments if a.kind == AdjustmentKind.WRITE_OFF), D(0))
    credited = sum((a.amount for a in adjustments if a.kind != AdjustmentKind.WRITE_OFF), D(0))
    open_amount = installment.amount - collected - credited - written_off
    if open_amount > 0:
        due = installment.due_date
        status = S.NOT_DUE if due is None or due > as_of else S.DUE if due == as_of else S.OVERDUE
        return status, collected > 0
    largest = max(collected, credited, written_off)
    return (S.PAID if collected == largest else S.CREDITED if credited == largest else S.WRITTEN_OFF), False


AMOUNTS = st.sampled_from(["0.01", "0.10", "0.20", "0.30", "2.09", "1000.10", "1999.90", "3000.00", "0.07"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plan=st.lists(st.sampled_from(["2.10", "3000.00", "0.30", "5000.07"]), min_size=1, max_size=4),
    steps=st.lists(
        st.tuples(
            st.sampled_from(["allocate", "credit", "discount", "write_off", "undo"]),
            st.integers(min_value=0, max_value=120),
            st.integers(min_value=0, max_value=7),
            AMOUNTS,
        ),
        max_size=14,
    ),
    probes=st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=3),
)
def test_status_filters_and_row_statuses_equal_a_decimal_recomputation(
    clerk, manager, receive, make_contract, customer, plan, steps, probes
):
    with transaction.atomic():
        # given: a random book: due dates spread over three months, payments, credits, write-offs, reversals
        contract = make_contract(
            customer, [(amount, SIGNED + dt.timedelta(days=20 * (i + 1))) for i, amount in enumerate(plan)]
        )
        installments = list(contract.installments.order_by("sequence"))
        receipt = receive("100000.00", on=SIGNED)
        for action, day, pick, amount in steps:
            on = SIGNED + dt.timedelta(days=day)
            installment = installments[pick % len(installments)]
            try:
                if action == "allocate":
                    allocation_create(
                        actor=clerk, receipt=receipt, installment=installment, amount=D(amount), effective_on=on
                    )
                elif action == "undo":
                    live = list(Allocation.objects.filter(reversed_on__isnull=True)) + list(
                        Adjustment.objects.filter(reversed_on__isnull=True)
                    )
                    if live:
                        row = sorted(live, key=lambda r: (r.created_at, type(r).__name__, r.pk))[pick % len(live)]
                        undo = allocation_reverse if isinstance(row, Allocation) else adjustment_reverse
                        target = {"allocation" if isinstance(row, Allocation) else "adjustment": row}
                        undo(actor=manager, reason="r", reversed_on=max(on, row.effective_on), **target)
                else:
                    kind = {"credit": AdjustmentKind.CREDIT_NOTE, "discount": AdjustmentKind.DISCOUNT}.get(
                        action, AdjustmentKind.WRITE_OFF
                    )
                    adjustment_create(
                        actor=manager, installment=installment, kind=kind, amount=D(amount), reason="a", effective_on=on
                    )
            except DomainError:
                pass
        # when / then: on past dates (dated rows) and today (maintained columns)
        for as_of in sorted({*(SIGNED + dt.timedelta(days=d) for d in probes), today()}):
            expected = {i.pk: expected_figures(i, as_of) for i in Installment.objects.filter(contract=contract)}
            rows = {row.pk: figures_of(row) for row in installment_list(user=manager, as_of=as_of)}
            assert {pk: (f.status, f.partly_paid) for pk, f in rows.items()} == expected
            for status in S.values:
                found = listed(manager, as_of, status=status)
                assert found == {pk for pk, (s, _) in expected.items() if s == status}, (status, as_of)
                # the count adds up the rule's parts one query each (InstallmentQuerySet.count)
                assert counted(manager, as_of, status=status) == len(found), (status, as_of)
                both = {pk for pk, (s, partly) in expected.items() if s == status and partly}
                assert counted(manager, as_of, status=status, partly_paid=True) == len(both), (status, as_of)
                assert listed(manager, as_of, status=status, partly_paid=True) == both
                # and its complement, both filtered in one set of parts (figures.status_parts)
                assert listed(manager, as_of, status=status, partly_paid=False) == found - both
                assert counted(manager, as_of, status=status, partly_paid=False) == len(found - both)
                assert found == {pk for pk, f in rows.items() if f.status == status}
                # a slice in the list order reads the parts one by one and merges them
                whole = ordered(manager, as_of, status=status)
                assert sliced_pages(manager, as_of, status=status) == whole
                # and so it does when every part is large enough to be read by its rows per due date
                # (counted to their ends, or only up to a limit)
                with mock.patch.object(selectors, "SMALL_PART", 0):
                    for limit in (None, 3):
                        assert sliced_pages(manager, as_of, limit=limit, status=status) == whole, (status, limit)
                # and so does a list whose parts were counted only up to a limit (core.paging)
                for limit in (1, 3):
                    assert sliced_pages(manager, as_of, limit=limit, status=status) == whole, (status, limit)
                    capped = installment_list(user=manager, filters={"status": status}, as_of=as_of)
                    assert capped.count_up_to(limit) == min(len(found), limit)
                if status in OPEN_STATUSES:  # nothing settled is ever open, due or overdue
                    assert all(rows[pk].open > 0 for pk in found)
            # open: the open statuses together (the worklist), and its complement the settled ones
            for flag in (True, False):
                found = listed(manager, as_of, open=flag)
                assert found == {pk for pk, (s, _) in expected.items() if (s in OPEN_STATUSES) == flag}, flag
                assert counted(manager, as_of, open=flag) == len(found)
                assert sliced_pages(manager, as_of, open=flag) == ordered(manager, as_of, open=flag)
                partly = {pk for pk, (s, p) in expected.items() if p and (s in OPEN_STATUSES) == flag}
                assert listed(manager, as_of, open=flag, partly_paid=True) == partly
                assert listed(manager, as_of, open=flag, status=S.OVERDUE) == (
                    {pk for pk, (s, _) in expected.items() if s == S.OVERDUE} if flag else set()
                )
            # receivable: any status on the date; not receivable: none (a draft, or booked later)
            assert listed(manager, as_of, receivable=True) == {pk for pk, (s, _) in expected.items() if s}
            assert listed(manager, as_of, receivable=False) == {pk for pk, (s, _) in expected.items() if not s}
            assert counted(manager, as_of, receivable=True) == len({pk for pk, (s, _) in expected.items() if s})
            for flag in (True, False):
                found = listed(manager, as_of, partly_paid=flag)
                assert found == {pk for pk, (_, partly) in expected.items() if partly == flag}, (flag, as_of)
                assert counted(manager, as_of, partly_paid=flag) == len(found), (flag, as_of)
        transaction.set_rollback(True)
