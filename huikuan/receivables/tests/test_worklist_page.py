"""The receivables worklist page: open installments by default, statuses and aging buckets as of any
date, exports equal to what the list shows, bad input refused on its field, and scope on every path."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def shown(response) -> list[list[str]]:
    """The table's rows as the page shows them (cell texts)."""
    rows = []
    for row in response.context["rows"]:
        rows.append([cell.value for cell in row])
    return rows


def contracts_shown(response) -> list[str]:
    return [row[3] for row in shown(response)]


def test_the_worklist_lists_open_installments_as_of_today(manager, rep_book, other_book):
    # as of today (2026) both books' installments of 2025 are overdue: 5,000 and 3,900 left of each
    response = signed_in(manager).get("/receivables/")
    assert response.status_code == 200
    rows = shown(response)
    assert sorted(r[3] for r in rows) == sorted([rep_book.contract.number] * 2 + [other_book.contract.number] * 2)
    first = next(r for r in rows if r[3] == rep_book.contract.number and r[0] == dt.date(2025, 2, 10))
    assert first[8] == rep_book.first.amount - 1000  # open: 6,000 − 1,000 allocated
    assert first[9] == "Overdue"
    assert first[1] == (response.context["as_of"] - dt.date(2025, 2, 10)).days


def test_a_past_date_reproduces_the_list_of_that_day(manager, rep_book):
    client = signed_in(manager)
    # on 28 Feb 2025 the first installment (due 10 Feb) was overdue, the second (due 10 Mar) not yet due
    response = client.get("/receivables/", {"as_of": "2025-02-28"})
    rows = {r[0]: r for r in shown(response)}
    assert rows[dt.date(2025, 2, 10)][9] == "Overdue"
    assert rows[dt.date(2025, 2, 10)][1] == 18
    assert rows[dt.date(2025, 3, 10)][9] == "Not due"
    assert rows[dt.date(2025, 3, 10)][8] == 4000  # the discount of 1 Mar counts from that day: 3,900 after it
    after = {r[0]: r for r in shown(client.get("/receivables/", {"as_of": "2025-03-01"}))}
    assert after[dt.date(2025, 3, 10)][8] == 3900
    # before the draft's and the contract's dates nothing was receivable in the bucket of >360 days
    assert shown(client.get("/receivables/", {"as_of": "2025-03-01", "bucket": "361-"})) == []


def test_quick_filters_by_status_week_and_aging_bucket(manager, rep_book):
    client = signed_in(manager)
    as_of = "2025-04-01"  # 50 days after 10 Feb, 22 after 10 Mar
    overdue = shown(client.get("/receivables/", {"as_of": as_of, "status": "overdue"}))
    assert {r[0] for r in overdue} == {dt.date(2025, 2, 10), dt.date(2025, 3, 10)}
    assert [r[0] for r in shown(client.get("/receivables/", {"as_of": as_of, "bucket": "1-30"}))] == [
        dt.date(2025, 3, 10)
    ]
    assert [r[0] for r in shown(client.get("/receivables/", {"as_of": as_of, "bucket": "31-60"}))] == [
        dt.date(2025, 2, 10)
    ]
    week = shown(client.get("/receivables/", {"as_of": "2025-03-05", "due_from": "2025-03-03", "due_to": "2025-03-09"}))
    assert week == []
    week = shown(client.get("/receivables/", {"as_of": "2025-03-05", "due_from": "2025-03-10", "due_to": "2025-03-16"}))
    assert [r[0] for r in week] == [dt.date(2025, 3, 10)]
    paid_too = shown(client.get("/receivables/", {"status": "all"}))
    assert len(paid_too) == 2  # the draft is not receivable; both installments are still open
    body = client.get("/receivables/", {"as_of": as_of}).content.decode()
    assert "?as_of=2025-04-01&amp;status=overdue" in body  # quick filters keep the date


def test_exports_hold_exactly_what_the_list_shows(manager, rep_book, other_book):
    client = signed_in(manager)
    query = {"as_of": "2025-04-01", "status": "overdue"}
    rows = shown(client.get("/receivables/", query))
    xlsx = client.get("/receivables/", {**query, "export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    exported = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert exported[0][:4] == ["Due date", "Days overdue", "Customer", "Contract"]
    assert len(exported) - 1 == len(rows)
    for line, row in zip(exported[1:], rows, strict=True):
        assert line[3] == row[3]
        assert str(line[8]) == str(row[8]) or float(line[8]) == float(row[8])
    text = client.get("/receivables/", {**query, "export": "csv"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "Due date"
    assert [line[3] for line in lines[1:]] == [row[3] for row in rows]
    assert [line[8] for line in lines[1:]] == [str(row[8]) for row in rows]


def test_a_sales_rep_sees_and_exports_only_their_customers(rep, rep_book, other_book):
    client = signed_in(rep)
    assert set(contracts_shown(client.get("/receivables/"))) == {rep_book.contract.number}
    # asking for the other rep's customer or contract by filter finds nothing
    assert shown(client.get("/receivables/", {"customer": other_book.customer.pk})) == []
    assert shown(client.get("/receivables/", {"contract": other_book.contract.pk})) == []
    text = client.get("/receivables/", {"export": "csv"}).content.decode("utf-8-sig")
    assert other_book.contract.number not in text
    assert rep_book.contract.number in text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"as_of": "2025-13-01"}, "as_of"),
        ({"as_of": "1800-01-01"}, "as_of"),
        ({"status": "nonsense"}, "status"),
        ({"bucket": "9-99"}, "bucket"),
        ({"due_from": "yesterday"}, "due_from"),
        ({"customer": "1e3"}, "customer"),
    ],
)
def test_bad_filters_are_refused_on_their_field_without_error(manager, rep_book, query, field):
    response = signed_in(manager).get("/receivables/", query)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert shown(response) == []


def test_a_page_past_the_end_or_not_a_number_is_not_found(manager, rep_book):
    client = signed_in(manager)
    assert client.get("/receivables/", {"page": "99"}).status_code == 404
    assert client.get("/receivables/", {"page": "1_0"}).status_code == 404
    assert client.get("/receivables/", {"page": "last"}).status_code == 200


def test_the_worklist_needs_a_sign_in():
    response = Client().get("/receivables/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
