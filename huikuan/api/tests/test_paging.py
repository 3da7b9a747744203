"""Paging of the API lists: counts exact up to a cap, then "more than"; any page still readable
(core/paging.py)."""

import pytest

from huikuan.core.paging import IdsFirstPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def eight_customers(make_customer):
    return [make_customer() for _ in range(8)]


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr(IdsFirstPaginator, "count_cap", 3)


def page(client, **query):
    response = client.get("/api/v1/customers/", {"page_size": 2, **query})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_list_longer_than_the_cap_says_more_than_and_still_pages(api_client, manager, eight_customers, cap_of_three):
    client = api_client(manager)
    # when: page 1 of a list of 8 counted up to 3
    first = page(client)
    # then: it says "more than 3", and page 2 follows
    assert (first["count"], first["count_exact"]) == (3, False)
    assert first["next"]
    assert first["previous"] is None
    # and a page past the cap counts to its own end and one row further: still more
    third = page(client, page=3)
    assert (third["count"], third["count_exact"]) == (6, False)
    assert third["next"]
    # and the last page counts exactly, with no next page
    fourth = page(client, page=4)
    assert (fourth["count"], fourth["count_exact"], fourth["next"]) == (8, True, None)
    # and the pages hold every customer once, in the list's order
    names = [row["code"] for number in (1, 2, 3, 4) for row in page(client, page=number)["results"]]
    assert sorted(names) == sorted(customer.code for customer in eight_customers)
    assert len(set(names)) == 8


def test_page_last_counts_exactly(api_client, manager, eight_customers, cap_of_three):
    last = page(api_client(manager), page="last")
    assert (last["count"], last["count_exact"], last["next"]) == (8, True, None)
    assert len(last["results"]) == 2


def test_a_short_list_is_counted_exactly(api_client, manager, eight_customers):
    first = page(api_client(manager))
    assert (first["count"], first["count_exact"]) == (8, True)


def test_a_page_past_the_end_is_a_404_and_a_huge_page_number_no_500(api_client, manager, eight_customers, cap_of_three):
    client = api_client(manager)
    assert client.get("/api/v1/customers/", {"page_size": 2, "page": 5}).status_code == 404
    assert client.get("/api/v1/customers/", {"page_size": 2, "page": 10**15}).status_code == 404
    assert client.get("/api/v1/customers/", {"page_size": 2, "page": 10**30}).status_code == 404


def test_the_schema_documents_count_exact(api_client, manager):
    schema = api_client(manager).get("/api/schema/", {"format": "json"}).json()
    paged = schema["components"]["schemas"]["PaginatedCustomerOutputList"]
    assert paged["required"] == ["count", "count_exact", "results"]
    assert paged["properties"]["count_exact"]["type"] == "boolean"
