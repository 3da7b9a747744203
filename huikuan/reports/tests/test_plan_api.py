"""Plan vs actual and the collection targets in the API: the same numbers as the report, refusals as
400 with field messages, scope, and who may set targets."""

from decimal import Decimal as D

import pytest

from huikuan.reports.models import CollectionTarget
from huikuan.reports.plan import plan_vs_actual
from huikuan.reports.tests.plan_book import YEAR_END, YEAR_START, build, month

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/plan/"
TARGETS = "/api/v1/reports/plan/targets/"
YEAR = {"first_month": "2025-01", "last_month": "2025-12"}


@pytest.fixture
def plan_book(manager, rep, other_rep, make_user, team, make_customer, make_contract):
    return build(manager, rep, other_rep, make_user, team, make_customer, make_contract)


def test_the_api_gives_the_reports_figures(api_client, manager, rep, plan_book):
    response = api_client(manager).get(URL, YEAR)
    assert response.status_code == 200
    body = response.json()
    assert (body["first_month"], body["last_month"], body["grouping"], body["period"]) == (
        "2025-01-01",
        "2025-12-01",
        "owner",
        "month",
    )
    assert body["has_targets"] is True
    assert [p["label"] for p in body["periods"]][:3] == ["2025-01", "2025-02", "2025-03"]
    assert body["periods"][1]["ends_on"] == "2025-02-28"
    cny = next(t for t in body["totals"] if t["currency"] == "CNY")
    assert cny["whole"] == {
        "planned": "16000.00",
        "collected": "7200.00",
        "rate": "0.4500",
        "target": "11000.00",
        "attainment": "0.6545",
    }
    assert cny["periods"][0] == {
        "planned": "1000.00",
        "collected": "2200.00",
        "rate": "2.2000",
        "target": "3000.00",
        "attainment": "0.7333",
    }
    assert cny["periods"][11]["rate"] is None
    mine = next(line for line in body["results"] if line["owner"] == rep.pk and line["currency"] == "CNY")
    assert (mine["code"], mine["whole"]["collected"], mine["whole"]["attainment"]) == ("rep", "4200.00", "0.8400")
    # the same numbers as the selector
    report = plan_vs_actual(user=manager, first_month=YEAR_START, last_month=YEAR_END)
    assert [D(c["collected"]) for c in cny["periods"]] == [c.collected for c in report.total_of("CNY").cells]
    assert body["count"] == len(report.lines) == 4


def test_groupings_quarters_and_pages(api_client, manager, plan_book):
    client = api_client(manager)
    body = client.get(URL, {**YEAR, "grouping": "customer", "period": "quarter", "page_size": 2}).json()
    assert (body["count"], body["pages"], len(body["results"])) == (3, 2, 2)
    assert [p["label"] for p in body["periods"]] == ["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4"]
    assert body["has_targets"] is False
    second = client.get(URL, {**YEAR, "grouping": "customer", "period": "quarter", "page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1
    assert client.get(URL, {**YEAR, "grouping": "customer", "page_size": 2, "page": 3}).status_code == 404
    contracts = client.get(URL, {**YEAR, "grouping": "contract"}).json()
    a1 = next(line for line in contracts["results"] if line["contract"] == plan_book.a1.pk)
    assert (a1["code"], a1["name"], a1["customer"]) == (plan_book.a1.number, "东方机电有限公司", plan_book.a.pk)
    assert [p["collected"] for p in a1["periods"][:4]] == ["1000.00", "500.00", "0.00", "1500.00"]
    assert a1["whole"]["target"] is None


def test_the_range_defaults_to_the_year_of_the_month_given(api_client, manager, plan_book):
    body = api_client(manager).get(URL, {"first_month": "2025-04"}).json()
    assert (body["first_month"], body["last_month"]) == ("2025-04-01", "2025-12-01")
    body = api_client(manager).get(URL, {"last_month": "2025-03-15", "grouping": "total"}).json()
    assert (body["first_month"], len(body["periods"])) == ("2025-01-01", 3)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"first_month": "2025-13"}, "first_month"),
        ({"first_month": "2025-06", "last_month": "2025-01"}, "last_month"),
        ({"first_month": "2022-01", "last_month": "2025-12"}, "last_month"),
        ({"first_month": "1980-01", "last_month": "1980-02"}, "first_month"),
        ({"grouping": "x"}, "grouping"),
        ({"period": "week"}, "period"),
        ({"currency": "ABC"}, "currency"),
        ({"page_size": "5000"}, "page_size"),
        ({"owner": "abc"}, "owner"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(api_client, manager, params, field):
    response = api_client(manager).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_a_sales_rep_gets_only_their_customers(api_client, rep, other_rep, plan_book):
    body = api_client(rep).get(URL, {**YEAR, "grouping": "customer"}).json()
    assert {line["customer"] for line in body["results"]} == {plan_book.a.pk, plan_book.c.pk}
    cny = next(t for t in body["totals"] if t["currency"] == "CNY")
    assert (cny["whole"]["planned"], cny["whole"]["collected"]) == ("6000.00", "4200.00")
    for params in ({"customer": plan_book.b.pk}, {"owner": other_rep.pk}):
        other = api_client(rep).get(URL, {**YEAR, **params}).json()
        assert (other["count"], other["totals"]) == (0, [])


def test_the_api_needs_a_sign_in(api_client):
    assert api_client().get(URL).status_code in (401, 403)
    assert api_client().get(TARGETS).status_code in (401, 403)


# --- targets ------------------------------------------------------------------------------------


def test_targets_are_listed_within_scope(api_client, manager, rep, plan_book):
    listed = api_client(manager).get(TARGETS, {"year": 2025}).json()
    assert len(listed) == 6
    assert {(t["owner"], t["month"], t["currency"], t["amount"]) for t in listed} >= {
        (rep.pk, "2025-01-01", "CNY", "3000.00"),
        (rep.pk, "2025-04-01", "CNY", "0.00"),
        (plan_book.third_rep.pk, "2025-05-01", "CNY", "1000.00"),
    }
    assert len(api_client(manager).get(TARGETS, {"year": 2025, "currency": "USD"}).json()) == 1
    assert api_client(manager).get(TARGETS, {"year": 2024}).json() == []
    # a rep sees their own targets only
    mine = api_client(rep).get(TARGETS, {"year": 2025}).json()
    assert {t["owner"] for t in mine} == {rep.pk}
    assert len(mine) == 4
    assert api_client(manager).get(TARGETS, {"currency": "XYZ"}).status_code == 400


def test_finance_sets_targets_all_or_none(api_client, manager, rep, other_rep, plan_book):
    client = api_client(manager)
    body = {
        "targets": [
            {"owner": rep.pk, "month": "2025-06", "currency": "CNY", "amount": "4500.00"},
            {"owner": other_rep.pk, "month": "2025-03-15", "currency": "CNY", "amount": "6000"},
        ]
    }
    response = client.put(TARGETS, body, format="json")
    assert response.status_code == 200, response.json()
    assert {(t["owner"], t["month"], t["amount"]) for t in response.json()} == {
        (rep.pk, "2025-06-01", "4500.00"),
        (other_rep.pk, "2025-03-01", "6000.00"),
    }
    assert CollectionTarget.objects.get(owner=other_rep, month=month(3), currency="CNY").amount == D("6000.00")
    # a refused one (a negative amount) is named by its place, and nothing is saved
    refused = client.put(
        TARGETS,
        {
            "targets": [
                {"owner": rep.pk, "month": "2025-07", "currency": "CNY", "amount": "100.00"},
                {"owner": rep.pk, "month": "2025-08", "currency": "CNY", "amount": "-1.00"},
            ]
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "targets[1].amount" in refused.json()["fields"]
    assert not CollectionTarget.objects.filter(month=month(7)).exists()
    # an owner the manager cannot name is refused like one that does not exist
    unknown = client.put(
        TARGETS, {"targets": [{"owner": 999999, "month": "2025-07", "currency": "CNY", "amount": "1"}]}, format="json"
    )
    assert unknown.status_code == 400


@pytest.mark.parametrize("who", ["rep", "clerk", "auditor"])
def test_only_finance_may_set_targets(api_client, request, rep, who, plan_book):
    user = request.getfixturevalue(who)
    response = api_client(user).put(
        TARGETS,
        {"targets": [{"owner": rep.pk, "month": "2025-06", "currency": "CNY", "amount": "1.00"}]},
        format="json",
    )
    assert response.status_code == 403
    assert not CollectionTarget.objects.filter(month=month(6)).exists()
