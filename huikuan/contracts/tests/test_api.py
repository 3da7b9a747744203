"""Plumbing of /api/v1/contracts/, /installments/ and /milestones/."""

import datetime as dt
from decimal import Decimal

import pytest

from huikuan.contracts.models import Contract, Installment, Milestone
from huikuan.terms.services import terms_create

LINES_40_60 = [
    {"amount_kind": "percent", "percent": Decimal("40"), "due_rule": "after_base", "days": 0},
    {"amount_kind": "remainder", "due_rule": "after_base", "days": 90},
]


@pytest.fixture
def terms_40_60(manager, company):
    return terms_create(actor=manager, company=company, name="40/60", lines=LINES_40_60)


def test_create_draft_with_terms_makes_the_plan(api_client, rep, make_customer, terms_40_60):
    # given
    customer = make_customer(owner=rep)
    body = {
        "customer": customer.pk,
        "title": "生产线改造合同",
        "signed_on": "2025-01-10",
        "amount": "250000.00",
        "terms": terms_40_60.pk,
    }
    # when
    response = api_client(rep).post("/api/v1/contracts/", body, format="json")
    # then
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "draft"
    assert data["number"] == "HT-2025-00001"
    assert data["owner"] == rep.pk
    assert [(i["amount"], i["due_date"], i["status"]) for i in data["installments"]] == [
        ("100000.00", "2025-01-10", None),
        ("150000.00", "2025-04-10", None),
    ]


def test_hand_entered_plan_then_activate(api_client, manager, make_customer):
    # given
    customer = make_customer()
    client = api_client(manager)
    contract = client.post(
        "/api/v1/contracts/",
        {"customer": customer.pk, "title": "服务合同", "signed_on": "2025-01-10", "amount": "9000.00"},
        format="json",
    ).json()
    plan = {
        "installments": [
            {"amount": "3000.00", "due_date": "2025-02-10", "label": "首付"},
            {"amount": "6000.00", "milestone": "acceptance", "offset_days": 30},
        ]
    }
    # when
    planned = client.put(f"/api/v1/contracts/{contract['id']}/installments/", plan, format="json")
    activated = client.post(f"/api/v1/contracts/{contract['id']}/activate/", {"as_of": "x"}, format="json")
    # then
    assert planned.status_code == 200
    assert [i["amount"] for i in planned.json()["installments"]] == ["3000.00", "6000.00"]
    assert activated.status_code == 200
    assert activated.json()["status"] == "active"
    assert Installment.objects.filter(contract_id=contract["id"], booked_on=dt.date(2025, 1, 10)).count() == 2


def test_apply_terms_to_a_draft(api_client, manager, rep_book, terms_40_60):
    # given: the draft of 1,000.00 signed on 10 Jan 2025
    url = f"/api/v1/contracts/{rep_book.draft.pk}/apply-terms/"
    # when
    response = api_client(manager).post(url, {"terms": terms_40_60.pk, "base_date": "2025-02-01"}, format="json")
    # then
    assert response.status_code == 200
    assert [(i["amount"], i["due_date"]) for i in response.json()["installments"]] == [
        ("400.00", "2025-02-01"),
        ("600.00", "2025-05-02"),
    ]
    assert response.json()["terms"] == terms_40_60.pk


def test_apply_terms_to_an_active_contract_is_refused(api_client, manager, rep_book, terms_40_60):
    # when
    response = api_client(manager).post(
        f"/api/v1/contracts/{rep_book.contract.pk}/apply-terms/", {"terms": terms_40_60.pk}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "contract_not_draft"
    assert list(rep_book.contract.installments.values_list("amount", flat=True)) == [
        Decimal("6000.00"),
        Decimal("4000.00"),
    ]


def test_retrieve_shows_installment_figures_and_status_as_of(api_client, manager, rep_book):
    # given
    client = api_client(manager)
    url = f"/api/v1/contracts/{rep_book.contract.pk}/"
    # when
    on_10_feb = client.get(url, {"as_of": "2025-02-10"}).json()
    on_15_mar = client.get(url, {"as_of": "2025-03-15"}).json()
    # then
    assert [(i["open_amount"], i["status"]) for i in on_10_feb["installments"]] == [
        ("5000.00", "due"),
        ("4000.00", "not_due"),
    ]
    assert on_10_feb["figures"] == {
        "as_of": "2025-02-10",
        "collected": "1000.00",
        "adjusted": "0.00",
        "outstanding": "9000.00",
        "overdue": "0.00",
    }
    assert [(i["open_amount"], i["status"]) for i in on_15_mar["installments"]] == [
        ("5000.00", "overdue"),
        ("3900.00", "overdue"),
    ]
    assert on_15_mar["figures"]["overdue"] == "8900.00"
    assert [m["kind"] for m in on_15_mar["milestones"]] == ["delivery"]


def test_active_contract_accepts_only_some_changes(api_client, manager, rep_book):
    # given
    client = api_client(manager)
    url = f"/api/v1/contracts/{rep_book.contract.pk}/"
    # when
    renamed = client.patch(url, {"title": "设备采购合同（补充）"}, format="json")
    repriced = client.patch(url, {"amount": "12000.00"}, format="json")
    # then
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "设备采购合同（补充）"
    assert repriced.status_code == 400
    assert repriced.json()["code"] == "not_editable"
    assert repriced.json()["fields"] == {"amount": [repriced.json()["message"]]}
    rep_book.contract.refresh_from_db()
    assert rep_book.contract.amount == Decimal("10000.00")


def test_terminate_and_cancel(api_client, manager, rep_book):
    # given
    client = api_client(manager)
    # when
    terminated = client.post(
        f"/api/v1/contracts/{rep_book.contract.pk}/terminate/",
        {"on": "2025-04-01", "reason": "客户破产"},
        format="json",
    )
    cancelled = client.post(f"/api/v1/contracts/{rep_book.draft.pk}/cancel/", {"reason": "未签署"}, format="json")
    # then
    assert (terminated.json()["status"], terminated.json()["closed_on"]) == ("terminated", "2025-04-01")
    assert cancelled.json()["status"] == "cancelled"


def test_cancel_without_reason_is_refused(api_client, manager, rep_book):
    # when
    response = api_client(manager).post(
        f"/api/v1/contracts/{rep_book.draft.pk}/cancel/", {"reason": " "}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json() == {
        "code": "reason_required",
        "message": "Give a reason.",
        "fields": {"reason": ["Give a reason."]},
    }
    rep_book.draft.refresh_from_db()
    assert rep_book.draft.status == "draft"


def test_record_milestone_fixes_due_dates(api_client, manager, make_customer, make_contract):
    # given: the second installment waits for acceptance + 30 days
    contract = make_contract(make_customer(), [("1000.00", dt.date(2025, 1, 20))], activate=False)
    from huikuan.contracts.services import contract_activate, contract_set_installments

    contract_set_installments(
        actor=manager,
        contract=contract,
        installments=[
            {"amount": Decimal("400.00"), "due_date": dt.date(2025, 1, 20)},
            {"amount": Decimal("600.00"), "milestone": "acceptance", "offset_days": 30},
        ],
    )
    contract_activate(actor=manager, contract=contract)
    # when
    response = api_client(manager).post(
        f"/api/v1/contracts/{contract.pk}/milestones/",
        {"kind": "acceptance", "reached_on": "2025-03-01", "note": "验收单 YS-01"},
        format="json",
    )
    # then
    assert response.status_code == 201
    assert response.json()["kind"] == "acceptance"
    assert Installment.objects.get(contract=contract, sequence=2).due_date == dt.date(2025, 3, 31)


def test_milestone_twice_is_refused(api_client, manager, rep_book):
    # when
    response = api_client(manager).post(
        f"/api/v1/contracts/{rep_book.contract.pk}/milestones/",
        {"kind": "delivery", "reached_on": "2025-02-02"},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "milestone_recorded"
    assert Milestone.objects.filter(contract=rep_book.contract).count() == 1


def test_installments_filtered_by_status_as_of_and_due_range(api_client, manager, rep_book, other_book):
    # given
    client = api_client(manager)
    # when
    overdue_in_feb = client.get("/api/v1/installments/", {"as_of": "2025-02-15", "status": "overdue"})
    due_in_march = client.get("/api/v1/installments/", {"due_from": "2025-03-01", "due_to": "2025-03-31"})
    of_one_contract = client.get("/api/v1/installments/", {"contract": rep_book.contract.pk, "ordering": "-due_date"})
    # then
    assert [(i["id"], i["open_amount"]) for i in overdue_in_feb.json()["results"]] == [
        (rep_book.first.pk, "5000.00"),
        (other_book.first.pk, "5000.00"),
    ]
    assert {i["id"] for i in due_in_march.json()["results"]} == {rep_book.second.pk, other_book.second.pk}
    assert [i["id"] for i in of_one_contract.json()["results"]] == [rep_book.second.pk, rep_book.first.pk]


def test_installments_filter_refuses_unknown_status(api_client, manager, rep_book):
    # when
    response = api_client(manager).get("/api/v1/installments/", {"status": "lost"})
    # then
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["status"]


def test_installment_list_does_a_fixed_number_of_queries(
    api_client, manager, make_book, make_user, django_assert_max_num_queries
):
    # given: four customers with a contract of two installments each, plus a draft
    for index in range(4):
        make_book(make_user(f"rep{index}"))
    client = api_client(manager)
    # when: the page's figures are two grouped queries over its rows, whatever the page size
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/installments/", {"as_of": "2025-03-15"})
    # then
    assert response.json()["count"] == 12


def test_milestones_list(api_client, manager, rep_book):
    # when
    response = api_client(manager).get("/api/v1/milestones/", {"contract": rep_book.contract.pk})
    # then
    assert [(m["kind"], m["reached_on"]) for m in response.json()["results"]] == [("delivery", "2025-02-01")]


def test_contracts_cannot_be_deleted(api_client, manager, rep_book):
    # when
    response = api_client(manager).delete(f"/api/v1/contracts/{rep_book.draft.pk}/")
    # then
    assert response.status_code == 405
    assert Contract.objects.filter(pk=rep_book.draft.pk).exists()


def test_contract_list_does_a_fixed_number_of_queries(
    api_client, manager, make_book, make_user, django_assert_max_num_queries
):
    # given: four reps' books, each with an active contract and a draft
    for index in range(4):
        make_book(make_user(f"rep{index}"))
    client = api_client(manager)
    # when: the figures come from the prefetched installments, not a query per contract
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/contracts/", {"as_of": "2025-03-15"})
    # then
    assert response.json()["count"] == 8
