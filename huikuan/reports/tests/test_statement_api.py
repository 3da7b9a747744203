"""The statement in the API: the page's numbers, refusals as 400 naming the field, scope."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/statement/"


def test_the_api_gives_the_statement(api_client, manager, book):
    body = api_client(manager).get(URL, {"customer": book.a.pk, "start": "2025-06-01", "end": "2025-06-30"}).json()
    assert (body["opening_balance"], body["charges"], body["credits"], body["closing_balance"]) == (
        "3500.00",
        "3000.00",
        "2500.00",
        "4000.00",
    )
    assert [(line["date"], line["kind"], line["balance"]) for line in body["lines"]] == [
        ("2025-06-01", "due", "5500.00"),
        ("2025-06-10", "receipt", "3000.00"),
        ("2025-06-30", "due", "4000.00"),
    ]
    assert (body["currency"], body["balance"], body["unapplied_cash"]) == ("CNY", "4000.00", "500.00")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2025-06-01", "end": "2025-06-30"}, "customer"),
        ({"customer": "x", "start": "2025-06-01", "end": "2025-06-30"}, "customer"),
        ({"customer": "{a}", "start": "2025-06-31", "end": "2025-06-30"}, "start"),
        ({"customer": "{a}", "start": "2025-06-30", "end": "2025-06-01"}, "end"),
        ({"customer": "{a}", "start": "2025-06-01", "end": "2025-06-30", "currency": "ZZZ"}, "currency"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(api_client, manager, book, params, field):
    params = {k: (str(book.a.pk) if v == "{a}" else v) for k, v in params.items()}
    response = api_client(manager).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_another_reps_customer_is_not_found(api_client, rep, book):
    params = {"start": "2025-06-01", "end": "2025-06-30"}
    assert api_client(rep).get(URL, {"customer": book.a.pk, **params}).status_code == 200
    assert api_client(rep).get(URL, {"customer": book.b.pk, **params}).status_code == 404
