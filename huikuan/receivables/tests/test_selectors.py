"""The list selectors the API and the pages share: scope, filters and figures in one keyword-only
call, and bad filters refused with field messages."""

import datetime as dt
import itertools
from decimal import Decimal as D
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from huikuan.contracts.selectors import contract_list
from huikuan.customers.selectors import customer_list
from huikuan.receivables import selectors
from huikuan.receivables.figures import figures_of, summarize_installments
from huikuan.receivables.selectors import contract_list_with_figures, installment_list, receipt_list

pytestmark = pytest.mark.django_db


def test_each_list_applies_the_users_scope_and_the_filters(rep, manager, rep_book, other_book):
    # then: a rep sees their own book only; a manager sees both, narrowed by the filters
    assert {c.pk for c in customer_list(user=rep)} == {rep_book.customer.pk}
    assert {c.pk for c in contract_list(user=rep)} == {rep_book.contract.pk, rep_book.draft.pk}
    assert {c.pk for c in contract_list(user=manager, filters={"status": "draft"})} == {
        rep_book.draft.pk,
        other_book.draft.pk,
    }
    assert {r.pk for r in receipt_list(user=rep)} == {rep_book.receipt.pk}
    assert {r.pk for r in receipt_list(user=manager, filters={"customer": other_book.customer.pk})} == {
        other_book.receipt.pk
    }
    as_of = dt.date(2025, 2, 15)
    assert {i.pk for i in installment_list(user=rep, filters={"status": "overdue"}, as_of=as_of)} == {rep_book.first.pk}


def test_the_installment_and_contract_lists_carry_their_figures(manager, rep_book):
    # when: as of 15 Mar 2025 (1,000.00 allocated to the first installment, 100.00 off the second)
    as_of = dt.date(2025, 3, 15)
    rows = {row.pk: figures_of(row) for row in installment_list(user=manager, as_of=as_of)}
    [contract] = contract_list_with_figures(user=manager, filters={"status": "active"}, as_of=as_of)
    # then
    assert (rows[rep_book.first.pk].collected, rows[rep_book.first.pk].open) == (D("1000.00"), D("5000.00"))
    assert (rows[rep_book.second.pk].credited, rows[rep_book.second.pk].open) == (D("100.00"), D("3900.00"))
    totals = summarize_installments(contract.amount, contract.installments.all(), as_of)
    assert (totals.collected, totals.adjusted, totals.outstanding) == (D("1000.00"), D("100.00"), D("8900.00"))


@pytest.mark.parametrize(
    ("select", "filters"),
    [
        (lambda user, f: installment_list(user=user, filters=f, as_of=dt.date(2025, 3, 1)), {"status": "late"}),
        (lambda user, f: contract_list(user=user, filters=f), {"customer": "x"}),
        (lambda user, f: customer_list(user=user, filters=f), {"status": "gone"}),
        (lambda user, f: receipt_list(user=user, filters=f), {"received_from": "2025-02-30"}),
    ],
)
def test_bad_filters_are_refused_with_the_field_named(manager, select, filters):
    with pytest.raises(ValidationError) as error:
        select(manager, filters)
    assert list(error.value.message_dict) == list(filters)


def test_a_past_status_list_counts_part_by_part_and_later_filters_reach_every_part(manager, rep_book, other_book):
    # given: the overdue installments as of 15 Mar 2025, a past date (rules in parts)
    as_of = dt.date(2025, 3, 15)
    overdue = installment_list(user=manager, filters={"status": "overdue"}, as_of=as_of)
    # then: the count is the sum of the parts' counts, and equals the rows the list holds
    assert overdue._count_parts is not None
    assert overdue.count() == len(list(overdue)) == sum(part.count() for part in overdue._count_parts)
    # and a filter applied afterwards (the API's search, a customer) narrows every part
    narrowed = overdue.filter(customer=rep_book.customer)
    assert narrowed.count() == len([row for row in overdue if row.customer_id == rep_book.customer.pk])
    # and what could change the rows in other ways is counted as a whole
    fresh = installment_list(user=manager, filters={"status": "overdue"}, as_of=as_of)
    assert fresh.none().count() == 0
    assert fresh[:1].count() == min(1, overdue.count())


@pytest.mark.parametrize("status", ["not_due", "overdue", "paid", "credited"])
def test_a_past_status_list_pages_part_by_part_in_the_list_order(manager, rep_book, other_book, status):
    # given: a past date's status list in the API's order, read whole by the database
    as_of = dt.date(2025, 3, 15)
    order = ("due_date", "contract_id", "sequence")

    def rows():
        return installment_list(user=manager, filters={"status": status}, as_of=as_of).order_by(*order)

    whole = [row.pk for row in rows().iterator()]
    # then: every slice, of rows or of ids (a deep page), merges the parts into the same order
    for start, stop in ((0, 1), (0, 50), (1, 3), (2, 2)):
        assert [row.pk for row in rows()[start:stop]] == whole[start:stop]
        assert rows().values_list("pk", flat=True)[start:stop] == whole[start:stop]
    # and the rows of a slice carry their figures, as a page's do
    assert all(figures_of(row).status == status for row in rows()[0:50])


def test_a_narrow_past_status_list_is_one_query_with_the_same_rows(manager, rep, rep_book, other_book):
    # given: the overdue installments as of a past date, company-wide (counted in parts)
    as_of = dt.date(2025, 3, 15)
    wide = installment_list(user=manager, filters={"status": "overdue"}, as_of=as_of)
    # when: narrowed by a customer filter, or by a sales rep's own scope
    by_customer = installment_list(
        user=manager, filters={"status": "overdue", "customer": str(rep_book.customer.pk)}, as_of=as_of
    )
    by_scope = installment_list(user=rep, filters={"status": "overdue"}, as_of=as_of)
    # then: those are tested in one query on the narrow rows, and hold the same rows
    assert wide._count_parts is not None
    assert by_customer._count_parts is None
    assert by_scope._count_parts is None
    expected = sorted(row.pk for row in wide if row.customer_id == rep_book.customer.pk)
    assert sorted(row.pk for row in by_customer) == expected
    assert by_customer.count() == len(expected)
    assert sorted(row.pk for row in by_scope) == sorted(row.pk for row in wide if row.customer.owner_id == rep.pk)


@pytest.mark.parametrize("as_of", [dt.date(2025, 3, 15), None])
def test_a_not_due_list_pages_the_due_later_and_the_milestone_pending_parts_in_order(
    manager, make_customer, make_contract, as_of
):
    # given: installments due later and installments waiting on a milestone (no due date), which
    # the not-due list reads as two parts (one range of the list index each)
    from huikuan.contracts.services import contract_activate, contract_set_installments
    from huikuan.core.dates import today

    as_of = as_of or today()
    customer = make_customer()
    for day in (3, 1, 2):
        contract = make_contract(customer, [("300.00", dt.date(2030, 1, day))], activate=False)
        plan = [
            {"amount": D("100.00"), "due_date": dt.date(2030, 1, day)},
            {"amount": D("200.00"), "milestone": "acceptance", "offset_days": 30},
        ]
        contract_set_installments(actor=manager, contract=contract, installments=plan)
        contract_activate(actor=manager, contract=contract)
    order = ("due_date", "contract_id", "sequence")

    def rows():
        return installment_list(user=manager, filters={"status": "not_due"}, as_of=as_of).order_by(*order)

    whole = [row.pk for row in rows().iterator()]
    assert len(whole) == 6
    assert rows()._count_parts is not None
    # then: every slice merges the parts in the database's order (NULLs first on SQLite, last on
    # PostgreSQL), whether the parts were counted exactly or only up to a limit
    # and whether the parts are read whole or by their rows per due date (parts of any size)
    ways = itertools.product((None, 1, 2, 9), (selectors.SMALL_PART, 0), (selectors.COUNT_CAP, 0))
    for limit, small_part, cap in ways:
        for start, stop in ((0, 2), (1, 4), (3, 6), (0, 50), (5, 6), (6, 8)):
            with mock.patch.object(selectors, "SMALL_PART", small_part), mock.patch.object(selectors, "COUNT_CAP", cap):
                listed = rows()
                if limit is None:
                    listed.count()
                else:
                    listed.count_up_to(limit)
                ids = listed.values_list("pk", flat=True)[start:stop]
                assert ids == whole[start:stop], (limit, small_part, start, stop)
                assert [row.pk for row in rows()[start:stop]] == whole[start:stop]


@pytest.mark.parametrize(("limit", "count_cap"), [(None, None), (1, None), (5, None), (5, 0), (100, 0)])
def test_a_deep_slice_of_large_interleaved_parts_is_found_from_their_rows_per_date(
    manager, clerk, make_contract, customer, receive, limit, count_cap
):
    # given: installments due two a date, every four days, overdue on 30 Jun 2025: some still
    # open, some settled since (the two parts of a past date's overdue list, their dates interleaved),
    # and some settled before (not in the list)
    from huikuan.contracts.models import Installment
    from huikuan.receivables.services.allocations import allocation_create

    as_of = dt.date(2025, 6, 30)
    days = [dt.date(2025, 2, 1) + dt.timedelta(days=4 * (i // 2)) for i in range(30)]
    contracts = [make_contract(customer, [("100.00", day) for day in days[half::2]]) for half in (0, 1)]
    installments = list(Installment.objects.filter(contract__in=contracts).order_by("due_date", "contract", "sequence"))
    before, since = receive("1000.00", on=dt.date(2025, 1, 20)), receive("2000.00", on=dt.date(2025, 8, 1))
    for position, installment in enumerate(installments):
        receipt = {0: since, 3: since, 5: before}.get(position % 7)
        if receipt is not None:
            amount, on = D("100.00"), receipt.received_on
            allocation_create(actor=clerk, receipt=receipt, installment=installment, amount=amount, effective_on=on)
    order = ("due_date", "contract_id", "sequence")

    def rows():
        return installment_list(user=manager, filters={"status": "overdue"}, as_of=as_of).order_by(*order)

    whole = [row.pk for row in rows().iterator()]
    assert len(whole) == 30 - len(range(5, 30, 7))
    # when: every part is large enough to be counted by date (counted to its end, or up to a limit,
    # and with a limit past the list's count cap, counted by date as it is counted)
    cap = selectors.COUNT_CAP if count_cap is None else count_cap
    with mock.patch.object(selectors, "SMALL_PART", 0), mock.patch.object(selectors, "COUNT_CAP", cap):
        for start, stop in ((0, 3), (2, 9), (9, 10), (11, 19), (20, 26), (24, 40), (30, 40)):
            listed = rows()
            if limit is None:
                listed.count()
            else:
                listed.count_up_to(limit)
            # then: a slice anywhere in the list is the same as the whole list's
            assert listed.values_list("pk", flat=True)[start:stop] == whole[start:stop], (start, stop)


def test_rows_per_date_count_a_part_and_give_its_dates_as_dates(manager, make_contract, customer):
    # given: five installments, two of them due on the same day
    from huikuan.contracts.models import Installment

    days = [dt.date(2025, 2, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2025, 5, 1)]
    contract = make_contract(customer, [("100.00", day) for day in days])
    rows = Installment.objects.filter(contract=contract)
    # when: counted by date to the end, or up to a limit (as a deep page's count does)
    whole = selectors._rows_per_date_up_to(rows, 100, nulls_last=True)
    some = selectors._rows_per_date_up_to(rows, 3, nulls_last=True)
    # then: the dates are dates on both databases (SQLite stores text), and the counts add up
    assert whole == {(False, day): days.count(day) for day in days}
    assert sum(some.values()) == 3
    assert all(isinstance(day, dt.date) for _, day in some)
    assert selectors._rows_per_date(rows, nulls_last=True) == whole
