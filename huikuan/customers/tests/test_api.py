"""Plumbing of /api/v1/customers/: CRUD, scope, balance. Rules are tested in test_services*."""

from decimal import Decimal

from huikuan.audit.models import AuditEvent
from huikuan.customers.models import Customer

VALID_USCC = "91110000802100433B"


def test_create_customer_with_contacts_and_tags(api_client, clerk, company):
    # given
    client = api_client(clerk)
    body = {
        "name": "华北重工有限公司",
        "tax_id": VALID_USCC,
        "credit_limit": "500000.00",
        "tags": ["重点客户", "华北"],
        "contacts": [{"name": "王经理", "phone": "13800000000", "is_primary": True}],
    }
    # when
    response = client.post("/api/v1/customers/", body, format="json")
    # then
    assert response.status_code == 201
    data = response.json()
    customer = Customer.objects.get()
    assert data["id"] == customer.pk
    assert data["code"] == "C00001"
    assert data["owner"] == clerk.pk
    assert data["credit_limit"] == "500000.00"
    assert sorted(data["tags"]) == ["华北", "重点客户"]
    assert [c["name"] for c in data["contacts"]] == ["王经理"]
    assert customer.company == company
    assert AuditEvent.objects.filter(action="customer.created", target_id=str(customer.pk)).count() == 1


def test_list_and_retrieve_customer(api_client, manager, make_customer):
    # given
    customer = make_customer(name="甲方科技有限公司")
    client = api_client(manager)
    # when
    listed = client.get("/api/v1/customers/")
    detail = client.get(f"/api/v1/customers/{customer.pk}/")
    # then
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert listed.json()["results"][0]["name"] == "甲方科技有限公司"
    assert detail.json()["code"] == customer.code


def test_search_filter_and_ordering(api_client, manager, make_customer, rep):
    # given
    make_customer(name="甲方科技有限公司")
    make_customer(name="乙方贸易有限公司", owner=rep)
    make_customer(name="丙方建设有限公司", owner=rep)
    client = api_client(manager)
    # when
    searched = client.get("/api/v1/customers/", {"search": "贸易"})
    by_owner = client.get("/api/v1/customers/", {"owner": rep.pk, "ordering": "-code"})
    # then
    assert [c["name"] for c in searched.json()["results"]] == ["乙方贸易有限公司"]
    assert [c["name"] for c in by_owner.json()["results"]] == ["丙方建设有限公司", "乙方贸易有限公司"]


def test_patch_changes_only_given_fields(api_client, manager, make_customer):
    # given
    customer = make_customer(name="甲方科技有限公司", address="上海市浦东新区")
    client = api_client(manager)
    # when
    response = client.patch(f"/api/v1/customers/{customer.pk}/", {"credit_limit": "80000.50"}, format="json")
    # then
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("80000.50")
    assert customer.address == "上海市浦东新区"
    assert customer.name == "甲方科技有限公司"


def test_put_requires_name_and_replaces_contacts(api_client, manager, make_customer):
    # given
    customer = make_customer(name="甲方科技有限公司", contacts=[{"name": "旧联系人"}])
    client = api_client(manager)
    # when
    missing = client.put(f"/api/v1/customers/{customer.pk}/", {"address": "北京"}, format="json")
    replaced = client.put(
        f"/api/v1/customers/{customer.pk}/",
        {"name": "甲方科技股份有限公司", "contacts": [{"name": "李会计"}]},
        format="json",
    )
    # then
    assert missing.status_code == 400
    assert missing.json()["fields"]["name"] == ["This field is required."]
    assert replaced.status_code == 200
    assert replaced.json()["name"] == "甲方科技股份有限公司"
    assert [c["name"] for c in replaced.json()["contacts"]] == ["李会计"]


def test_customers_cannot_be_deleted(api_client, manager, make_customer):
    # given
    customer = make_customer()
    # when
    response = api_client(manager).delete(f"/api/v1/customers/{customer.pk}/")
    # then
    assert response.status_code == 405
    assert Customer.objects.count() == 1


def test_balance_as_of_a_date(api_client, manager, rep_book):
    # given: 10,000 booked, 1,000 allocated, 100 discounted on 1 Mar; 5,000 received on 1 Feb
    client = api_client(manager)
    url = f"/api/v1/customers/{rep_book.customer.pk}/balance/"
    # when
    in_february = client.get(url, {"as_of": "2025-02-15"})
    in_march = client.get(url, {"as_of": "2025-03-15"})
    # then
    assert in_february.json() == {
        "customer": rep_book.customer.pk,
        "as_of": "2025-02-15",
        "currency": None,
        "open_installments": "9000.00",
        "unapplied_cash": "4000.00",
        "balance": "5000.00",
    }
    assert in_march.json()["open_installments"] == "8900.00"
    assert in_march.json()["balance"] == "4900.00"


def test_balance_refuses_a_bad_date(api_client, manager, rep_book):
    # when
    response = api_client(manager).get(f"/api/v1/customers/{rep_book.customer.pk}/balance/", {"as_of": "2025-02-30"})
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_date"
    assert list(response.json()["fields"]) == ["as_of"]


def test_rep_owns_what_they_create_and_cannot_give_it_to_another_team(api_client, rep, make_user):
    # given
    outsider = make_user("outsider")
    client = api_client(rep)
    # when
    own = client.post("/api/v1/customers/", {"name": "丁方有限公司"}, format="json")
    given_away = client.post("/api/v1/customers/", {"name": "戊方有限公司", "owner": outsider.pk}, format="json")
    # then
    assert own.status_code == 201
    assert own.json()["owner"] == rep.pk
    # the outsider is refused like an id that does not exist (issue 11, item 9)
    assert given_away.status_code == 400
    assert list(given_away.json()["fields"]) == ["owner"]
    assert list(Customer.objects.values_list("name", flat=True)) == ["丁方有限公司"]


def test_list_does_a_fixed_number_of_queries(api_client, manager, make_customer, django_assert_max_num_queries):
    # given: 12 customers, each with two contacts and two tags
    for index in range(12):
        make_customer(tags=["华东", f"批次{index}"], contacts=[{"name": "甲"}, {"name": "乙"}])
    client = api_client(manager)
    # when
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/customers/")
    # then
    assert response.json()["count"] == 12
    assert all(len(c["contacts"]) == 2 and len(c["tags"]) == 2 for c in response.json()["results"])
