"""Plumbing of /api/v1/receipts/, /allocations/ and /adjustments/."""

import datetime as dt
from decimal import Decimal

import pytest

from huikuan.receivables.models import Adjustment, Allocation, Receipt


def test_record_a_receipt(api_client, clerk, rep_book):
    # given
    body = {
        "customer": rep_book.customer.pk,
        "received_on": "2025-03-05",
        "amount": "3900.00",
        "method": "bank_transfer",
        "payer_name": "甲方科技有限公司",
        "bank_reference": "CMB20250305001",
        "memo": f"{rep_book.contract.number} 第二期",
    }
    # when
    response = api_client(clerk).post("/api/v1/receipts/", body, format="json")
    # then
    assert response.status_code == 201
    data = response.json()
    receipt = Receipt.objects.get(pk=data["id"])
    assert (data["amount"], data["unallocated_amount"], data["currency"]) == ("3900.00", "3900.00", "CNY")
    assert receipt.created_by == clerk
    assert receipt.company_id == rep_book.customer.company_id


def test_acceptance_bill_needs_maturity(api_client, clerk, rep_book):
    # given
    body = {
        "customer": rep_book.customer.pk,
        "received_on": "2025-03-05",
        "amount": "100.00",
        "method": "bank_acceptance",
    }
    # when
    response = api_client(clerk).post("/api/v1/receipts/", body, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "bill_maturity_required"
    assert list(response.json()["fields"]) == ["bill_maturity_date"]
    assert Receipt.objects.count() == 1


@pytest.mark.parametrize("method", ["put", "patch"])
def test_posted_receipt_is_never_edited(api_client, clerk, rep_book, method):
    # when
    response = getattr(api_client(clerk), method)(
        f"/api/v1/receipts/{rep_book.receipt.pk}/", {"amount": "1.00", "memo": "改"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json() == {
        "code": "posted",
        "message": "A posted receipt cannot be edited; reverse it and record it again.",
    }
    rep_book.receipt.refresh_from_db()
    assert (rep_book.receipt.amount, rep_book.receipt.memo) == (Decimal("5000.00"), "")


def test_reverse_a_receipt_reverses_its_allocations(api_client, clerk, rep_book):
    # when
    response = api_client(clerk).post(
        f"/api/v1/receipts/{rep_book.receipt.pk}/reverse/",
        {"reason": "退票", "reversed_on": "2025-02-20"},
        format="json",
    )
    # then
    assert response.status_code == 200
    assert (response.json()["is_reversed"], response.json()["reversed_on"]) == (True, "2025-02-20")
    assert response.json()["unallocated_amount"] == "0.00"
    rep_book.allocation.refresh_from_db()
    assert rep_book.allocation.reversed_on == dt.date(2025, 2, 20)
    rep_book.first.refresh_from_db()
    assert rep_book.first.open_amount == Decimal("6000.00")


def test_suggest_then_auto_allocate(api_client, clerk, rep_book):
    # given: 4,000.00 unallocated; the first installment has 5,000.00 open
    client = api_client(clerk)
    # when
    suggested = client.get(f"/api/v1/receipts/{rep_book.receipt.pk}/suggest/")
    allocated = client.post(f"/api/v1/receipts/{rep_book.receipt.pk}/auto-allocate/", {}, format="json")
    # then
    assert suggested.json() == {
        "receipt": rep_book.receipt.pk,
        "unallocated_amount": "4000.00",
        "lines": [
            {
                "installment": rep_book.first.pk,
                "contract": rep_book.contract.pk,
                "contract_number": rep_book.contract.number,
                "sequence": 1,
                "due_date": "2025-02-10",
                "open_amount": "5000.00",
                "amount": "4000.00",
            }
        ],
    }
    assert allocated.status_code == 200
    assert allocated.json()["receipt"]["unallocated_amount"] == "0.00"
    assert [(a["installment"], a["amount"], a["effective_on"]) for a in allocated.json()["allocations"]] == [
        (rep_book.first.pk, "4000.00", "2025-02-01")
    ]
    assert Allocation.objects.count() == 2


def test_allocate_one_line(api_client, clerk, rep_book):
    # given
    body = {
        "receipt": rep_book.receipt.pk,
        "installment": rep_book.second.pk,
        "amount": "2500.00",
        "effective_on": "2025-03-10",
    }
    # when
    response = api_client(clerk).post("/api/v1/allocations/", body, format="json")
    # then
    assert response.status_code == 201
    assert (response.json()["amount"], response.json()["contract_number"]) == ("2500.00", rep_book.contract.number)
    rep_book.second.refresh_from_db()
    assert rep_book.second.open_amount == Decimal("1400.00")


def test_batch_allocation_is_all_or_nothing(api_client, clerk, rep_book):
    # given: 4,000.00 unallocated, asked for 3,000 + 1,500
    body = {
        "receipt": rep_book.receipt.pk,
        "lines": [
            {"installment": rep_book.first.pk, "amount": "3000.00"},
            {"installment": rep_book.second.pk, "amount": "1500.00"},
        ],
    }
    client = api_client(clerk)
    # when
    too_much = client.post("/api/v1/allocations/batch/", body, format="json")
    body["lines"][1]["amount"] = "1000.00"
    fitting = client.post("/api/v1/allocations/batch/", body, format="json")
    # then
    assert too_much.status_code == 400
    assert too_much.json()["code"] == "exceeds_receipt"
    assert fitting.status_code == 201
    assert [(a["installment"], a["amount"]) for a in fitting.json()] == [
        (rep_book.first.pk, "3000.00"),
        (rep_book.second.pk, "1000.00"),
    ]
    assert Allocation.objects.count() == 3


def test_reverse_an_allocation(api_client, clerk, rep_book):
    # when
    response = api_client(clerk).post(
        f"/api/v1/allocations/{rep_book.allocation.pk}/reverse/", {"reason": "错配"}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["is_reversed"] is True
    assert response.json()["reversal_reason"] == "错配"
    rep_book.receipt.refresh_from_db()
    assert rep_book.receipt.allocated_amount == Decimal("0.00")


def test_reverse_twice_is_refused(api_client, clerk, rep_book):
    # given
    client = api_client(clerk)
    client.post(f"/api/v1/allocations/{rep_book.allocation.pk}/reverse/", {"reason": "错配"}, format="json")
    # when
    again = client.post(f"/api/v1/allocations/{rep_book.allocation.pk}/reverse/", {"reason": "错配"}, format="json")
    # then
    assert again.status_code == 400
    assert again.json()["code"] == "already_reversed"


def test_record_and_reverse_an_adjustment(api_client, clerk, rep_book):
    # given
    client = api_client(clerk)
    body = {
        "installment": rep_book.second.pk,
        "kind": "credit_note",
        "amount": "400.00",
        "reason": "退货红冲",
        "effective_on": "2025-03-12",
    }
    # when
    created = client.post("/api/v1/adjustments/", body, format="json")
    reversed_ = client.post(f"/api/v1/adjustments/{created.json()['id']}/reverse/", {"reason": "开错"}, format="json")
    # then
    assert created.status_code == 201
    assert (created.json()["kind"], created.json()["amount"]) == ("credit_note", "400.00")
    assert reversed_.json()["is_reversed"] is True
    rep_book.second.refresh_from_db()
    assert rep_book.second.open_amount == Decimal("3900.00")


def test_clerk_may_not_write_off(api_client, clerk, manager, rep_book):
    # given
    body = {"installment": rep_book.second.pk, "kind": "write_off", "amount": "3900.00", "reason": "无法收回"}
    # when
    by_clerk = api_client(clerk).post("/api/v1/adjustments/", body, format="json")
    by_manager = api_client(manager).post("/api/v1/adjustments/", body, format="json")
    # then
    assert by_clerk.status_code == 403
    assert by_clerk.json()["code"] == "not_permitted"
    assert by_manager.status_code == 201
    assert Adjustment.objects.filter(kind="write_off").count() == 1


def test_receipt_list_filters(api_client, clerk, rep_book, other_book):
    # given
    client = api_client(clerk)
    client.post(f"/api/v1/receipts/{other_book.receipt.pk}/reverse/", {"reason": "退票"}, format="json")
    # when
    live = client.get("/api/v1/receipts/", {"is_reversed": "false"})
    of_customer = client.get("/api/v1/receipts/", {"customer": other_book.customer.pk})
    searched = client.get("/api/v1/receipts/", {"search": "乙方"})
    # then
    assert [r["id"] for r in live.json()["results"]] == [rep_book.receipt.pk]
    assert [r["id"] for r in of_customer.json()["results"]] == [other_book.receipt.pk]
    assert [r["id"] for r in searched.json()["results"]] == [other_book.receipt.pk]


def test_receipt_list_does_a_fixed_number_of_queries(
    api_client, clerk, make_book, make_user, django_assert_max_num_queries
):
    # given
    for index in range(5):
        make_book(make_user(f"rep{index}"))
    client = api_client(clerk)
    # when
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/receipts/")
    # then
    assert response.json()["count"] == 5


def test_allocation_and_adjustment_lists(api_client, clerk, rep_book, other_book):
    # given
    client = api_client(clerk)
    # when
    allocations = client.get("/api/v1/allocations/", {"receipt": rep_book.receipt.pk})
    adjustments = client.get("/api/v1/adjustments/", {"kind": "discount", "ordering": "effective_on"})
    # then
    assert [a["id"] for a in allocations.json()["results"]] == [rep_book.allocation.pk]
    assert {a["id"] for a in adjustments.json()["results"]} == {rep_book.adjustment.pk, other_book.adjustment.pk}
