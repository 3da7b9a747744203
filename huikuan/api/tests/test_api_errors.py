"""No input produces a 500: every bad request is a 4xx with a field message and changes nothing.
Messages follow the request's language. The schema and the docs load without the internet."""

import pytest
from django.core.management import call_command

from huikuan.audit.models import AuditEvent
from huikuan.contracts.models import Contract
from huikuan.customers.models import Customer
from huikuan.receivables.models import Adjustment, Allocation, Receipt


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Customer, Contract, Receipt, Allocation, Adjustment, AuditEvent)}


def receipt_body(book, **changes):
    return {"customer": book.customer.pk, "received_on": "2025-03-01", "amount": "100.00", **changes}


def test_malformed_json_is_a_400(api_client, clerk, rep_book):
    # given
    before = counts()
    # when
    response = api_client(clerk).post("/api/v1/receipts/", '{"amount": "1.00",', content_type="application/json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert counts() == before


def test_a_list_where_an_object_goes_is_a_400(api_client, clerk, rep_book):
    # given
    before = counts()
    # when
    response = api_client(clerk).post("/api/v1/receipts/", [1, 2], format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["non_field_errors"]
    assert counts() == before


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"amount": "abc"}, "amount", "invalid"),
        ({"amount": ["1"]}, "amount", "invalid"),
        ({"amount": "NaN"}, "amount", "invalid"),
        ({"amount": "Infinity"}, "amount", "invalid"),
        ({"amount": "1.001"}, "amount", "invalid"),
        ({"amount": "12345678901234567.00"}, "amount", "amount_too_large"),
        ({"amount": "-5.00"}, "amount", "amount_not_positive"),
        ({"amount": "0"}, "amount", "amount_not_positive"),
        ({"currency": "QQQ"}, "currency", "unknown_currency"),
        ({"currency": "CNYX"}, "currency", "invalid"),
        ({"currency": 156}, "currency", "unknown_currency"),
        ({"customer": 999999}, "customer", "invalid"),
        ({"customer": "abc"}, "customer", "invalid"),
        ({"customer": 10**30}, "customer", "invalid"),
        ({"customer": None}, "customer", "invalid"),
        ({"received_on": "2025-02-30"}, "received_on", "invalid"),
        ({"received_on": "2999-01-01"}, "received_on", "date_in_future"),
        ({"received_on": 20250301}, "received_on", "invalid"),
        ({"method": "bitcoin"}, "method", "invalid"),
        ({"memo": "x" * 501}, "memo", "invalid"),
        ({"memo": "a\x00b"}, "memo", "invalid"),
        ({"method": "bank_acceptance", "bill_maturity_date": "2025-02-01"}, "bill_maturity_date", "dates_out_of_order"),
    ],
)
def test_bad_receipt_input_is_a_400_with_a_field_message(api_client, clerk, rep_book, changes, field, code):
    # given
    before = counts()
    # when
    response = api_client(clerk).post("/api/v1/receipts/", receipt_body(rep_book, **changes), format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert list(response.json()["fields"]) == [field]
    assert all(isinstance(m, str) and m for m in response.json()["fields"][field])
    assert counts() == before


def test_missing_fields_are_named(api_client, clerk, rep_book):
    # when
    response = api_client(clerk).post("/api/v1/receipts/", {}, format="json")
    # then
    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == ["amount", "customer", "received_on"]


@pytest.mark.parametrize(
    ("tax_id", "status"),
    [("91110000802100433X", 400), ("123", 400), ("91110000802100433B", 201)],
)
def test_invalid_uscc_is_refused(api_client, clerk, tax_id, status):
    # when
    response = api_client(clerk).post("/api/v1/customers/", {"name": "新客户", "tax_id": tax_id}, format="json")
    # then
    assert response.status_code == status
    if status == 400:
        assert response.json()["code"] == "invalid_tax_id"
        assert response.json()["fields"]["tax_id"] == ["This is not a valid unified social credit code."]
    assert Customer.objects.count() == (1 if status == 201 else 0)


def test_dates_out_of_order_are_refused(api_client, manager, make_customer):
    # given
    customer = make_customer()
    body = {
        "customer": customer.pk,
        "title": "倒签合同",
        "signed_on": "2025-01-10",
        "starts_on": "2025-02-01",
        "ends_on": "2025-01-31",
        "amount": "100.00",
    }
    # when
    response = api_client(manager).post("/api/v1/contracts/", body, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "dates_out_of_order"
    assert response.json()["fields"] == {"ends_on": ["The contract cannot end before it starts."]}
    assert Contract.objects.count() == 0


@pytest.mark.parametrize(
    ("amount", "code"),
    [("5000.01", "exceeds_installment"), ("4000.01", "exceeds_receipt")],
)
def test_over_allocation_is_refused(api_client, clerk, rep_book, amount, code):
    # given: 4,000.00 of the receipt unallocated; 5,000.00 of the first installment open;
    # a second receipt of 10,000 makes the installment the limit
    from huikuan.receivables.services.receipts import receipt_create

    receipt = rep_book.receipt
    if code == "exceeds_installment":
        receipt = receipt_create(actor=clerk, customer=rep_book.customer, received_on=rep_book.receipt.received_on,
                                 amount=__import__("decimal").Decimal("10000.00"))  # fmt: skip
    before = counts()
    body = {"receipt": receipt.pk, "installment": rep_book.first.pk, "amount": amount}
    # when
    response = api_client(clerk).post("/api/v1/allocations/", body, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert list(response.json()["fields"]) == ["amount"]
    assert counts() == before


def test_allocation_across_customers_is_refused(api_client, clerk, rep_book, other_book):
    # given
    before = counts()
    body = {"receipt": rep_book.receipt.pk, "installment": other_book.first.pk, "amount": "10.00"}
    # when
    response = api_client(clerk).post("/api/v1/allocations/", body, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "other_customer"
    assert list(response.json()["fields"]) == ["installment"]
    assert counts() == before


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/terms/", {"name": "x", "lines": [{"amount_kind": "remainder", "due_rule": "after_base",
                                                     "days": 10**20}]}, "lines"),
        ("/api/v1/terms/", {"name": "x", "lines": "30/70"}, "lines"),
        ("/api/v1/terms/", {"name": "x" * 101, "lines": []}, "name"),
        ("/api/v1/customers/", {"name": "x", "credit_limit": "-1"}, "credit_limit"),
        ("/api/v1/customers/", {"name": "x", "contacts": [{"name": "a", "email": "not-an-email"}]}, "contacts"),
        ("/api/v1/customers/", {"name": "x", "tags": "重点"}, "tags"),
        ("/api/v1/customers/", {"name": "   "}, "name"),
    ],
)  # fmt: skip
def test_bad_input_on_other_resources(api_client, manager, url, body, field):
    # given
    before = counts()
    # when
    response = api_client(manager).post(url, body, format="json")
    # then
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert counts() == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/customers/abc/",
        "/api/v1/contracts/99999999999999999999999999/",
        "/api/v1/receipts/-1/",
    ],
)
def test_bad_ids_in_the_url_are_404(api_client, manager, url):
    # when
    response = api_client(manager).get(url)
    # then
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"as_of": "yesterday"},
        {"due_from": "2025-13-01"},
        {"customer": "abc"},
        {"page": "x"},
        {"page_size": "-3"},
        {"page": "1_0"},
        {"page_size": "1e1"},
        {"page": " 1 "},
        {"page": "0"},
    ],
)
def test_bad_query_parameters_are_400_naming_the_parameter(api_client, manager, rep_book, query):
    # when
    response = api_client(manager).get("/api/v1/installments/", query)
    # then
    assert response.status_code == 400
    assert list(response.json()["fields"]) == list(query)


def test_page_numbers_in_full_width_digits_are_read():
    # typed by a Chinese input method: read as 2 (core.numbers), a deliberate normalisation
    from rest_framework.test import APIRequestFactory

    from huikuan.api.pagination import Pagination

    request = APIRequestFactory().get("/", {"page_size": "２"})
    from rest_framework.request import Request

    assert Pagination().get_page_size(Request(request)) == 2


def test_error_message_follows_the_request_language(api_client, clerk, rep_book):
    # given
    client = api_client(clerk)
    # when
    english = client.post("/api/v1/receipts/", {}, format="json")
    chinese = client.post("/api/v1/receipts/", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then
    assert english["Content-Language"] == "en"
    assert chinese["Content-Language"] == "zh-hans"
    assert english.json()["fields"]["amount"] == ["This field is required."]
    assert chinese.json()["fields"]["amount"] != english.json()["fields"]["amount"]


def test_domain_error_in_chinese_request(api_client, clerk, rep_book):
    # when
    response = api_client(clerk).patch(
        f"/api/v1/receipts/{rep_book.receipt.pk}/", {"memo": "改"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "posted"
    assert response["Content-Language"] == "zh-hans"


def test_schema_generates_without_warnings(tmp_path):
    # when / then: --fail-on-warn raises on any warning or error
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/receipts/{id}/auto-allocate/" in (tmp_path / "schema.yaml").read_text()


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/", "/api/schema/"])
def test_docs_reference_no_external_url(api_client, manager, url):
    # when
    response = api_client(manager).get(url)
    # then
    assert response.status_code == 200
    head = response.content.split(b"<body")[0] if b"<body" in response.content else b""
    assert b'src="http' not in response.content
    assert b'href="http' not in head
