"""The cash forecast in the API, on the hand-built company of test_forecast.py: the report's
numbers, paged; refusals as 400 with field messages; scope."""

import pytest

from huikuan.reports.tests.test_forecast import AS_OF, _forecast_book  # noqa: F401  # the fixture forecast_book

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/forecast/"


def money_weeks(amounts):
    return {k: amount for k, amount in enumerate(amounts) if amount != "0.00"}


def test_the_api_gives_the_reports_figures(api_client, manager, forecast_book):
    response = api_client(manager).get(URL, {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    body = response.json()
    assert (body["as_of"], body["lookback_days"], body["grouping"]) == (AS_OF.isoformat(), 365, "total")
    assert body["weeks"][0] == {"starts_on": "2025-06-30", "ends_on": "2025-07-06"}
    assert body["months"][11] == {"starts_on": "2026-06-01", "ends_on": "2026-06-30"}
    cny, usd = body["totals"]
    assert money_weeks(cny["weeks"]) == {0: "1300.00", 1: "2000.00", 7: "10515.38", 9: "300.00"}
    assert money_weeks(cny["months"]) == {0: "3300.00", 1: "10515.38", 2: "300.00", 3: "5000.00"}
    assert (cny["later_than_weeks"], cny["expected"], cny["never_paid"], cny["not_dated"], cny["open"]) == (
        "5000.00",
        "19115.38",
        "617.95",
        "1500.00",
        "21233.33",
    )
    assert money_weeks(usd["weeks"]) == {2: "100.00"}
    # grouped by total, the lines are the totals
    assert body["count"] == 2
    assert [line["currency"] for line in body["results"]] == ["CNY", "USD"]
    # USD has no history at all: no habit of the scope
    assert body["scope_habits"] == [
        {"currency": "CNY", "days_late": "18.9", "shift_days": 19, "share_never_paid": "0.0385"}
    ]
    past_weeks = body["past_weeks"]
    assert (past_weeks["made_on"], past_weeks["weeks"][0]["starts_on"]) == ("2025-03-30", "2025-03-31")
    [past] = past_weeks["currencies"]
    assert (past["currency"], past["forecast"], past["received"]) == ("CNY", "2100.00", "2600.00")
    assert past["weeks"][4] == {
        "starts_on": "2025-04-28",
        "ends_on": "2025-05-04",
        "forecast": "1200.00",
        "received": "1200.00",
    }


def test_the_past_weeks_can_be_left_out(api_client, manager, forecast_book):
    body = api_client(manager).get(URL, {"as_of": AS_OF.isoformat(), "past_weeks": "false"}).json()
    assert body["past_weeks"] is None
    assert body["totals"][0]["expected"] == "19115.38"


def test_by_customer_paged_with_each_habit(api_client, manager, forecast_book):
    client = api_client(manager)
    params = {"as_of": AS_OF.isoformat(), "grouping": "customer", "page_size": 2}
    first = client.get(URL, params).json()
    second = client.get(URL, {**params, "page": 2}).json()
    assert (first["count"], first["pages"]) == (4, 2)
    assert [line["customer"] for line in first["results"] + second["results"]] == [
        forecast_book.c.pk,
        forecast_book.a.pk,
        forecast_book.b.pk,
        forecast_book.e.pk,
    ]
    b = first["results"][1] if first["results"][1]["customer"] == forecast_book.b.pk else second["results"][0]
    assert (b["code"], b["name"], b["never_paid"]) == ("B001", "西部贸易有限公司", "233.33")
    assert b["habit"] == {
        "days_late": "32.9",
        "shift_days": 33,
        "share_never_paid": "0.1000",
        "own_days": True,
        "own_share": True,
    }
    c = first["results"][0]
    assert (c["habit"]["shift_days"], c["habit"]["own_days"]) == (19, False)
    assert client.get(URL, {**params, "page": 3}).status_code == 404


def test_a_sales_rep_gets_only_their_customers(api_client, rep, forecast_book):
    client = api_client(rep)
    body = client.get(URL, {"as_of": AS_OF.isoformat(), "grouping": "customer"}).json()
    assert [line["customer"] for line in body["results"]] == [forecast_book.a.pk]
    [cny] = body["totals"]
    assert money_weeks(cny["weeks"]) == {0: "400.00", 1: "2000.00"}
    assert cny["open"] == "8900.00"
    # another rep's customer by id: an empty forecast, not an error that would tell it exists
    other = client.get(URL, {"as_of": AS_OF.isoformat(), "customer": forecast_book.b.pk}).json()
    assert (other["totals"], other["results"]) == ([], [])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"as_of": "yesterday"}, "as_of"),
        ({"grouping": "contract"}, "grouping"),
        ({"currency": "ABC"}, "currency"),
        ({"lookback_days": "0"}, "lookback_days"),
        ({"lookback_days": "1e3"}, "lookback_days"),
        ({"page_size": "5000"}, "page_size"),
        ({"owner": "abc"}, "owner"),
        ({"past_weeks": "perhaps"}, "past_weeks"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(api_client, manager, forecast_book, params, field):
    response = api_client(manager).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_the_api_needs_a_sign_in(api_client):
    assert api_client().get(URL).status_code in (401, 403)
