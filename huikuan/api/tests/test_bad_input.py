"""Bad input at the API's edges (issue 11, items 2-5): amounts beyond the limit, dates and offsets
outside their ranges, numbers written loosely, and bodies too deep or too large are refused with a
400 (413 for size) naming the field, and change nothing; nothing stored makes a read fail."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import translation

from huikuan.api.tests.test_api_errors import counts
from huikuan.contracts.models import Contract, Installment
from huikuan.core import money
from huikuan.customers.models import Customer
from huikuan.receivables.models import Receipt
from huikuan.terms.models import PaymentTerms

OVER_LIMIT = "1000000000000.00"  # one fen more than money.MAX_AMOUNT


def percent_line(**changes):
    return {"amount_kind": "percent", "percent": "100", "due_rule": "after_base", **changes}


def assert_refused(response, field, code=None, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert {"code", "message"} <= set(body)
    if code is not None:
        assert body["code"] == code
    if field is not None:
        assert list(body["fields"]) == [field], body
        assert all(isinstance(m, str) and m for m in body["fields"][field])


# ---------------------------------------------------------------------------------------- amounts


def amount_requests(book, terms_id, amount):
    """(method, url, body, field) for every API path that takes an amount."""
    return [
        ("post", "/api/v1/receipts/", {"customer": book.customer.pk, "received_on": "2025-03-01", "amount": amount}),
        (
            "post",
            "/api/v1/contracts/",
            {"customer": book.customer.pk, "title": "大合同", "signed_on": "2025-01-10", "amount": amount},
        ),
        ("patch", f"/api/v1/contracts/{book.draft.pk}/", {"amount": amount}),
        (
            "put",
            f"/api/v1/contracts/{book.draft.pk}/installments/",
            {"installments": [{"amount": amount, "due_date": "2025-06-30"}]},
        ),
        (
            "post",
            "/api/v1/terms/",
            {"name": "固定款", "lines": [{"amount_kind": "fixed", "fixed_amount": amount, "due_rule": "after_base"}]},
        ),
        (
            "patch",
            f"/api/v1/terms/{terms_id}/",
            {"lines": [{"amount_kind": "fixed", "fixed_amount": amount, "due_rule": "after_base"}]},
        ),
        ("post", "/api/v1/terms/preview/", {"amount": amount, "base_date": "2025-01-10", "lines": [percent_line()]}),
        ("post", "/api/v1/allocations/", {"receipt": book.receipt.pk, "installment": book.first.pk, "amount": amount}),
        (
            "post",
            "/api/v1/allocations/batch/",
            {"receipt": book.receipt.pk, "lines": [{"installment": book.first.pk, "amount": amount}]},
        ),
        (
            "post",
            "/api/v1/adjustments/",
            {"installment": book.second.pk, "kind": "discount", "amount": amount, "reason": "折让"},
        ),
        ("post", "/api/v1/customers/", {"name": "新客户", "credit_limit": amount}),
        ("patch", f"/api/v1/customers/{book.customer.pk}/", {"credit_limit": amount}),
    ]


FIELDS = {
    "/api/v1/terms/": "lines[0].fixed_amount",
    "installments/": "installments[0].amount",
    "batch/": "lines[0].amount",
    "customers/": "credit_limit",
}


def field_of(url: str) -> str:
    if "/terms/" in url and "preview" not in url:
        return "lines[0].fixed_amount"
    for suffix, field in FIELDS.items():
        if url.endswith(suffix):
            return field
    return "credit_limit" if "/customers/" in url else "amount"


@pytest.fixture
def terms(manager):
    from huikuan.terms.services import terms_create

    return terms_create(actor=manager, company=manager.company, name="全款", lines=[percent_line(percent=Decimal(100))])


@pytest.mark.parametrize("index", range(12))
def test_every_amount_over_the_limit_is_refused_naming_the_limit(api_client, manager, rep_book, terms, index):
    # given
    method, url, body = amount_requests(rep_book, terms.pk, OVER_LIMIT)[index]
    before = counts()
    # when
    response = getattr(api_client(manager), method)(url, body, format="json")
    # then
    assert_refused(response, field_of(url), "amount_too_large")
    assert "999,999,999,999.99" in response.json()["message"]
    assert counts() == before


def test_the_limit_message_is_translated(api_client, clerk, rep_book):
    # when
    response = api_client(clerk).post(
        "/api/v1/receipts/",
        {"customer": rep_book.customer.pk, "received_on": "2025-03-01", "amount": "9999999999999999.99"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    # then
    assert_refused(response, "amount", "amount_too_large")
    assert response.json()["message"] == "金额不能超过999,999,999,999.99。"


def test_an_amount_at_the_limit_is_accepted_and_its_balance_reads(api_client, clerk, rep_book):
    # when
    created = api_client(clerk).post(
        "/api/v1/receipts/",
        {"customer": rep_book.customer.pk, "received_on": "2025-03-01", "amount": str(money.MAX_AMOUNT)},
        format="json",
    )
    balance = api_client(clerk).get(f"/api/v1/customers/{rep_book.customer.pk}/balance/")
    # then: 10,000.00 - 1,000.00 - 100.00 open, 4,000.00 + the limit unapplied
    assert created.status_code == 201
    assert created.json()["amount"] == "999999999999.99"
    assert balance.status_code == 200
    assert balance.json()["unapplied_cash"] == "1000000003999.99"
    assert balance.json()["balance"] == "-999999995099.99"


def test_no_stored_amount_makes_a_read_fail(api_client, manager, rep_book):
    """Amounts far beyond the limit written past the services (an old import, a hand-made fix)
    still read: outputs have no digit limit. Three receipts of 9e15 sum beyond 18 digits; one more
    holds the column's largest value, which SQLite returns as a float of 1e16."""
    # given
    huge = Decimal("9000000000000000.00")
    column_max = Decimal("9999999999999999.99")
    Receipt.objects.filter(pk=rep_book.receipt.pk).update(amount=huge)
    for copy, amount in enumerate([huge, huge, column_max]):
        receipt = Receipt.objects.get(pk=rep_book.receipt.pk)
        receipt.pk, receipt.number, receipt.allocated_amount = None, f"BIG-{copy}", Decimal(0)
        receipt.amount = amount
        receipt.save()
    Contract.objects.filter(pk=rep_book.contract.pk).update(amount=huge + Decimal("4000.00"))
    Installment.objects.filter(pk=rep_book.first.pk).update(amount=huge, open_amount=huge - Decimal("1000.00"))
    Customer.objects.filter(pk=rep_book.customer.pk).update(credit_limit=huge)
    client = api_client(manager)
    # when
    paths = [
        f"/api/v1/customers/{rep_book.customer.pk}/balance/",
        f"/api/v1/customers/{rep_book.customer.pk}/balance/?as_of=2025-03-05",
        f"/api/v1/customers/{rep_book.customer.pk}/",
        "/api/v1/customers/",
        f"/api/v1/contracts/{rep_book.contract.pk}/",
        f"/api/v1/contracts/{rep_book.contract.pk}/?as_of=2025-03-05",
        "/api/v1/contracts/",
        "/api/v1/installments/",
        "/api/v1/installments/?as_of=2025-03-05&status=overdue",
        "/api/v1/receipts/",
        "/api/v1/allocations/",
    ]
    responses = {path: client.get(path) for path in paths}
    # then
    assert {path: r.status_code for path, r in responses.items()} == dict.fromkeys(paths, 200)
    balance = responses[paths[0]].json()
    # beyond the limit SQLite's binary floating point may lose cents; what matters is the answer
    assert abs(Decimal(balance["unapplied_cash"]) - (3 * huge + column_max - Decimal("1000.00"))) < 1
    assert abs(Decimal(balance["open_installments"]) - (huge - Decimal("1000.00") + Decimal("3900.00"))) < 1
    assert responses[paths[2]].json()["credit_limit"] == "9000000000000000.00"
    amounts = {r["number"]: Decimal(r["amount"]) for r in responses["/api/v1/receipts/"].json()["results"]}
    assert abs(amounts["BIG-2"] - column_max) < 1


# ------------------------------------------------------------------------------- dates and offsets


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("post", "/api/v1/receipts/", {"received_on": "0001-01-01"}, "received_on"),
        ("post", "/api/v1/receipts/", {"received_on": "1989-12-31"}, "received_on"),
        (
            "post",
            "/api/v1/receipts/",
            {"method": "bank_acceptance", "bill_maturity_date": "9999-12-31"},
            "bill_maturity_date",
        ),
        ("post", "/api/v1/contracts/", {"signed_on": "9999-12-31"}, "signed_on"),
        ("post", "/api/v1/contracts/", {"signed_on": "0001-01-01"}, "signed_on"),
        ("post", "/api/v1/contracts/", {"ends_on": "2100-01-01"}, "ends_on"),
        ("patch", "draft", {"starts_on": "1900-01-01"}, "starts_on"),
        ("post", "draft/apply-terms", {"base_date": "9999-12-31"}, "base_date"),
        (
            "put",
            "draft/installments",
            {"installments": [{"amount": "1000.00", "due_date": "9999-12-31"}]},
            "installments[0].due_date",
        ),
        ("post", "contract/milestones", {"kind": "acceptance", "reached_on": "1900-01-01"}, "reached_on"),
        ("post", "contract/terminate", {"on": "0001-01-01", "reason": "停止合作"}, "on"),
        ("post", "/api/v1/allocations/", {"effective_on": "1900-01-01"}, "effective_on"),
        ("post", "/api/v1/adjustments/", {"effective_on": "1900-01-01"}, "effective_on"),
        ("post", "receipt/reverse", {"reason": "退票", "reversed_on": "1900-01-01"}, "reversed_on"),
        ("post", "allocation/reverse", {"reason": "错配", "reversed_on": "1900-01-01"}, "reversed_on"),
        ("post", "adjustment/reverse", {"reason": "撤销", "reversed_on": "1900-01-01"}, "reversed_on"),
        ("post", "/api/v1/terms/preview/", {"base_date": "9999-12-31"}, "base_date"),
        (
            "post",
            "/api/v1/terms/preview/",
            {"lines": [percent_line(due_rule="fixed_date", fixed_date="9999-12-31")]},
            "lines[0].fixed_date",
        ),
        ("post", "/api/v1/terms/preview/", {"lines": [percent_line(days=2147483647)]}, "lines[0].days"),
        ("post", "/api/v1/terms/preview/", {"lines": [percent_line(days=3651)]}, "lines[0].days"),
        (
            "post",
            "/api/v1/terms/preview/",
            {"lines": [percent_line(due_rule="end_of_month", months=121)]},
            "lines[0].months",
        ),
        ("post", "/api/v1/terms/", {"lines": [percent_line(days=2147483647)]}, "lines[0].days"),
        (
            "put",
            "draft/installments",
            {"installments": [{"amount": "1000.00", "milestone": "acceptance", "offset_days": 2147483647}]},
            "installments[0].offset_days",
        ),
        (
            "put",
            "draft/installments",
            {"installments": [{"amount": "1000.00", "milestone": "acceptance", "offset_months": 32767}]},
            "installments[0].offset_months",
        ),
    ],
)
def test_dates_and_offsets_out_of_range_are_refused_on_every_path(
    api_client, manager, rep_book, method, url, body, field
):
    # given: a complete, valid request but for the one value
    book = rep_book
    defaults = {
        "/api/v1/receipts/": {"customer": book.customer.pk, "received_on": "2025-03-01", "amount": "10.00"},
        "/api/v1/contracts/": {
            "customer": book.customer.pk,
            "title": "合同",
            "signed_on": "2025-01-10",
            "amount": "10.00",
        },
        "/api/v1/allocations/": {"receipt": book.receipt.pk, "installment": book.second.pk, "amount": "10.00"},
        "/api/v1/adjustments/": {
            "installment": book.second.pk,
            "kind": "discount",
            "amount": "10.00",
            "reason": "折让",
        },
        "/api/v1/terms/preview/": {"amount": "100.00", "base_date": "2025-01-10", "lines": [percent_line()]},
        "/api/v1/terms/": {"name": "新条件", "lines": [percent_line()]},
    }
    targets = {
        "draft": f"/api/v1/contracts/{book.draft.pk}/",
        "contract": f"/api/v1/contracts/{book.contract.pk}/",
        "receipt": f"/api/v1/receipts/{book.receipt.pk}/",
        "allocation": f"/api/v1/allocations/{book.allocation.pk}/",
        "adjustment": f"/api/v1/adjustments/{book.adjustment.pk}/",
    }
    if not url.startswith("/"):
        target, _, action = url.partition("/")
        url = targets[target] + (f"{action}/" if action else "")
    if "apply-terms" in url:
        body = {"terms": PaymentTerms.objects.create(company=book.customer.company, name="x").pk, **body}
    body = {**defaults.get(url, {}), **body}
    before = counts()
    # when
    response = getattr(api_client(manager), method)(url, body, format="json")
    # then
    assert_refused(response, field)
    assert response.json()["code"] in ("date_out_of_range", "offset_out_of_range")
    assert counts() == before


LISTS_WITH_DATES = {
    "installments": ["as_of", "due_from", "due_to"],
    "contracts": ["as_of", "signed_from", "signed_to"],
    "milestones": ["reached_from", "reached_to"],
    "receipts": ["received_from", "received_to"],
    "allocations": ["effective_from", "effective_to"],
    "adjustments": ["effective_from", "effective_to"],
    "customers": ["as_of"],
}


@pytest.mark.parametrize(("path", "name"), [(path, name) for path, names in LISTS_WITH_DATES.items() for name in names])
@pytest.mark.parametrize("day", ["0001-01-01", "1989-12-31", "2100-01-01", "9999-12-31"])
def test_date_parameters_out_of_range_are_a_400_naming_the_parameter(api_client, manager, rep_book, path, name, day):
    # when
    response = api_client(manager).get(f"/api/v1/{path}/?{name}={day}")
    # then
    assert_refused(response, name)
    assert response.json()["fields"][name] == ["Enter a date from 1990-01-01 to 2099-12-31."]


def test_date_parameters_at_the_ends_of_the_range_are_accepted(api_client, manager, rep_book):
    client = api_client(manager)
    for day in ("1990-01-01", "2099-12-31"):
        assert client.get(f"/api/v1/installments/?as_of={day}&due_from={day}").status_code == 200
        assert client.get(f"/api/v1/customers/{rep_book.customer.pk}/balance/?as_of={day}").status_code == 200


def test_offsets_at_the_limits_are_accepted_and_the_milestone_records(api_client, manager, rep_book):
    # given: a draft waiting 3,650 days and 120 months after acceptance, activated
    client = api_client(manager)
    plan = {
        "installments": [{"amount": "1000.00", "milestone": "acceptance", "offset_days": 3650, "offset_months": 120}]
    }
    assert client.put(f"/api/v1/contracts/{rep_book.draft.pk}/installments/", plan, format="json").status_code == 200
    assert client.post(f"/api/v1/contracts/{rep_book.draft.pk}/activate/", {}, format="json").status_code == 200
    # when
    response = client.post(
        f"/api/v1/contracts/{rep_book.draft.pk}/milestones/",
        {"kind": "acceptance", "reached_on": "2025-03-01"},
        format="json",
    )
    # then: 2025-03-01 + 120 months + 3,650 days
    assert response.status_code == 201
    assert Installment.objects.get(contract=rep_book.draft).due_date == dt.date(2035, 3, 1) + dt.timedelta(days=3650)


# ---------------------------------------------------------------------------------------- numbers

LOOSE = ["1_000", "1e3", " 1000 ", "١٠٠٠", "1,000", "+1000", "1000.", "0x3e8"]


@pytest.mark.parametrize("amount", LOOSE)
def test_loosely_written_amounts_are_refused(api_client, clerk, rep_book, amount):
    # given
    before = counts()
    # when
    response = api_client(clerk).post(
        "/api/v1/receipts/",
        {"customer": rep_book.customer.pk, "received_on": "2025-03-01", "amount": amount},
        format="json",
    )
    # then
    assert_refused(response, "amount", "invalid")
    assert "digits 0-9" in response.json()["fields"]["amount"][0]
    assert counts() == before


def test_json_numbers_with_an_exponent_are_refused_and_plain_ones_read_exactly(api_client, clerk, rep_book):
    client = api_client(clerk)
    body = '{"customer": %d, "received_on": "2025-03-01", "amount": %s}'
    refused = client.post("/api/v1/receipts/", body % (rep_book.customer.pk, "1e3"), content_type="application/json")
    accepted = client.post(
        "/api/v1/receipts/", body % (rep_book.customer.pk, "1000.10"), content_type="application/json"
    )
    assert_refused(refused, "amount", "invalid")
    assert accepted.status_code == 201
    assert accepted.json()["amount"] == "1000.10"


def test_full_width_digits_are_read_as_digits(api_client, clerk, rep_book):
    # when: typed with a Chinese input method
    response = api_client(clerk).post(
        "/api/v1/receipts/",
        {"customer": rep_book.customer.pk, "received_on": "2025-03-01", "amount": "１０００．５０"},
        format="json",
    )
    # then
    assert response.status_code == 201
    assert response.json()["amount"] == "1000.50"


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/terms/preview/", {"lines": [percent_line(percent="1e2")]}, "lines"),
        ("/api/v1/terms/preview/", {"lines": [percent_line(days="3_0")]}, "lines"),
        ("/api/v1/terms/preview/", {"lines": [percent_line(days=" 30")]}, "lines"),
        ("/api/v1/terms/preview/", {"lines": [percent_line(days="٣٠")]}, "lines"),
        ("/api/v1/terms/preview/", {"lines": [percent_line(days=30.0)]}, "lines"),
        ("/api/v1/terms/preview/", {"terms": "1_0"}, "terms"),
        ("/api/v1/terms/preview/", {"terms": " 1"}, "terms"),
        ("/api/v1/receipts/", {"customer": "1_0"}, "customer"),
        ("/api/v1/receipts/", {"customer": "١"}, "customer"),
        ("/api/v1/receipts/", {"customer": 10**30}, "customer"),
        ("/api/v1/contracts/", {"vat_rate": "1.3e-1"}, "vat_rate"),
    ],
)
def test_loosely_written_numbers_and_ids_in_bodies_are_refused(api_client, manager, rep_book, url, body, field):
    defaults = {
        "/api/v1/receipts/": {"customer": rep_book.customer.pk, "received_on": "2025-03-01", "amount": "10.00"},
        "/api/v1/contracts/": {
            "customer": rep_book.customer.pk,
            "title": "合同",
            "signed_on": "2025-01-10",
            "amount": "10.00",
        },
        "/api/v1/terms/preview/": {"amount": "100.00", "base_date": "2025-01-10", "lines": [percent_line()]},
    }
    before = counts()
    response = api_client(manager).post(url, {**defaults[url], **body}, format="json")
    assert_refused(response, field, "invalid")
    assert counts() == before


@pytest.mark.parametrize("path", ["installments", "contracts", "receipts", "allocations", "adjustments"])
@pytest.mark.parametrize("value", ["1_0", " 1", "1e0", "١", "1.0", "-1", "0"])
def test_loosely_written_ids_in_query_strings_are_refused(api_client, manager, rep_book, path, value):
    response = api_client(manager).get(f"/api/v1/{path}/", {"customer": value})
    assert_refused(response, "customer")


def test_full_width_ids_in_query_strings_are_read_as_digits(api_client, manager, rep_book, other_book):
    full_width = str(rep_book.customer.pk).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    response = api_client(manager).get("/api/v1/receipts/", {"customer": full_width})
    assert response.status_code == 200
    assert [r["customer"] for r in response.json()["results"]] == [rep_book.customer.pk]


# ----------------------------------------------------------------------------------------- bodies


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("url", ["/api/v1/receipts/", "/api/v1/terms/preview/", "/api/v1/auth/token/"])
def test_a_deeply_nested_body_is_a_400(api_client, clerk, url):
    # when
    response = api_client(clerk).post(url, nested(5000), content_type="application/json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["message"]


def test_nesting_just_over_the_limit_is_refused_and_brackets_in_strings_do_not_count(api_client, clerk, rep_book):
    client = api_client(clerk)
    over = client.post("/api/v1/receipts/", json.dumps({"a": json.loads(nested(32))}), content_type="application/json")
    body = {"customer": rep_book.customer.pk, "received_on": "2025-03-01", "amount": "1.00", "memo": "[[[[" * 100}
    fine = client.post("/api/v1/receipts/", json.dumps(body), content_type="application/json")
    assert over.status_code == 400
    assert over.json()["code"] == "parse_error"
    assert fine.status_code == 201


def test_nan_and_infinity_literals_are_not_json(api_client, clerk, rep_book):
    body = json.dumps({"customer": rep_book.customer.pk, "received_on": "2025-03-01"})[:-1] + ', "amount": NaN}'
    response = api_client(clerk).post("/api/v1/receipts/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_body_over_the_size_limit_is_a_413(api_client, clerk, rep_book, settings):
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = counts()
    body = {"customer": rep_book.customer.pk, "received_on": "2025-03-01", "amount": "1.00", "memo": "x" * 1000}
    # when
    response = api_client(clerk).post("/api/v1/receipts/", json.dumps(body), content_type="application/json")
    # then
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert counts() == before


def test_body_errors_speak_chinese(api_client, clerk):
    with translation.override("zh-hans"):
        response = api_client(clerk).post(
            "/api/v1/receipts/", nested(100), content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert response.json()["message"] == "请求内容嵌套超过32层。"
