"""The aging in the API: the same numbers as the report, paged, refusals as 400 with field
messages, scope."""

from decimal import Decimal as D

import pytest

from huikuan.reports.tests.conftest import AS_OF

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/aging/"


def test_the_api_gives_the_reports_figures(api_client, manager, book):
    response = api_client(manager).get(URL, {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == AS_OF.isoformat()
    assert [b["days_to"] for b in body["buckets"]] == [30, 60, 90, 180, 365, None]
    cny = next(t for t in body["totals"] if t["currency"] == "CNY")
    assert (cny["total"], cny["unapplied_cash"], cny["net"]) == ("10500.00", "800.00", "9700.00")
    assert cny["buckets"] == ["0.00", "0.00", "3000.00", "6000.00", "0.00", "500.00"]
    assert body["count"] == 3
    a = next(line for line in body["results"] if line["customer"] == book.a.pk)
    assert (a["name"], a["code"], a["not_overdue"], a["total"], a["net"]) == (
        "东方机电有限公司",
        "A001",
        "1000.00",
        "4500.00",
        "4000.00",
    )


def test_pages_and_groupings(api_client, manager, book):
    client = api_client(manager)
    first = client.get(URL, {"as_of": AS_OF.isoformat(), "page_size": 2}).json()
    second = client.get(URL, {"as_of": AS_OF.isoformat(), "page_size": 2, "page": 2}).json()
    assert (first["pages"], len(first["results"]), len(second["results"])) == (2, 2, 1)
    assert client.get(URL, {"as_of": AS_OF.isoformat(), "page_size": 2, "page": 3}).status_code == 404
    contracts = client.get(URL, {"as_of": AS_OF.isoformat(), "grouping": "contract", "buckets": "10,100"}).json()
    a1 = next(line for line in contracts["results"] if line["contract"] == book.a1.pk)
    assert (a1["code"], a1["unapplied_cash"], a1["net"]) == (book.a1.number, None, None)
    assert a1["buckets"] == ["0.00", "3000.00", "0.00"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"buckets": "90,30"}, "buckets"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"grouping": "x"}, "grouping"),
        ({"currency": "ABC"}, "currency"),
        ({"page_size": "5000"}, "page_size"),
        ({"owner": "abc"}, "owner"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(api_client, manager, book, params, field):
    response = api_client(manager).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_a_sales_rep_gets_only_their_customers(api_client, rep, book):
    body = api_client(rep).get(URL, {"as_of": AS_OF.isoformat()}).json()
    assert [line["customer"] for line in body["results"]] == [book.a.pk]
    assert [t["currency"] for t in body["totals"]] == ["CNY"]
    assert body["totals"][0]["total"] == "4500.00"
    other = api_client(rep).get(URL, {"as_of": AS_OF.isoformat(), "customer": book.b.pk}).json()
    assert (other["count"], other["totals"]) == (0, [])


def test_the_api_needs_a_sign_in(api_client):
    assert api_client().get(URL).status_code in (401, 403)


def test_amounts_are_exact_strings(api_client, manager, book):
    body = api_client(manager).get(URL, {"as_of": AS_OF.isoformat(), "grouping": "currency"}).json()
    assert [(line["currency"], D(line["total"])) for line in body["results"]] == [
        ("CNY", D("10500.00")),
        ("USD", D("100.00")),
    ]
