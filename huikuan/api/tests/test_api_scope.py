"""Scope and role on every endpoint: another rep's records are not found (404) and cannot be named
in input (400); a team lead sees the team; an auditor reads everything and changes nothing (403)."""

import pytest

from huikuan.accounts.roles import Role, Scope
from huikuan.audit.models import AuditEvent
from huikuan.contracts.models import Contract, Installment, Milestone
from huikuan.customers.models import Customer
from huikuan.receivables.models import Adjustment, Allocation, Receipt


def endpoints(book, terms_id=None):
    """Every endpoint that names one record, with a body that would be valid for it."""
    reason = {"reason": "测试", "reversed_on": "2025-04-01"}
    return [
        ("get", f"/api/v1/customers/{book.customer.pk}/", None),
        ("put", f"/api/v1/customers/{book.customer.pk}/", {"name": "改名"}),
        ("patch", f"/api/v1/customers/{book.customer.pk}/", {"name": "改名"}),
        ("get", f"/api/v1/customers/{book.customer.pk}/balance/", None),
        ("get", f"/api/v1/contracts/{book.contract.pk}/", None),
        ("put", f"/api/v1/contracts/{book.draft.pk}/", {"title": "改名"}),
        ("patch", f"/api/v1/contracts/{book.contract.pk}/", {"title": "改名"}),
        ("post", f"/api/v1/contracts/{book.draft.pk}/apply-terms/", {"terms": terms_id}),
        (
            "put",
            f"/api/v1/contracts/{book.draft.pk}/installments/",
            {"installments": [{"amount": "1000.00", "due_date": "2025-07-01"}]},
        ),
        ("post", f"/api/v1/contracts/{book.draft.pk}/activate/", {}),
        ("post", f"/api/v1/contracts/{book.contract.pk}/terminate/", {"on": "2025-04-01", "reason": "测试"}),
        ("post", f"/api/v1/contracts/{book.draft.pk}/cancel/", {"reason": "测试"}),
        (
            "post",
            f"/api/v1/contracts/{book.contract.pk}/milestones/",
            {"kind": "acceptance", "reached_on": "2025-03-01"},
        ),
        ("get", f"/api/v1/installments/{book.first.pk}/", None),
        ("get", f"/api/v1/milestones/{book.milestone.pk}/", None),
        ("get", f"/api/v1/receipts/{book.receipt.pk}/", None),
        ("put", f"/api/v1/receipts/{book.receipt.pk}/", {"memo": "改"}),
        ("patch", f"/api/v1/receipts/{book.receipt.pk}/", {"memo": "改"}),
        ("post", f"/api/v1/receipts/{book.receipt.pk}/auto-allocate/", {}),
        ("post", f"/api/v1/receipts/{book.receipt.pk}/reverse/", reason),
        ("get", f"/api/v1/receipts/{book.receipt.pk}/suggest/", None),
        ("get", f"/api/v1/allocations/{book.allocation.pk}/", None),
        ("post", f"/api/v1/allocations/{book.allocation.pk}/reverse/", reason),
        ("get", f"/api/v1/adjustments/{book.adjustment.pk}/", None),
        ("post", f"/api/v1/adjustments/{book.adjustment.pk}/reverse/", reason),
    ]


def creations(book, terms_id=None):
    """Every create endpoint, with a body naming the book's records."""
    return [
        (
            "/api/v1/contracts/",
            {"customer": book.customer.pk, "title": "新合同", "signed_on": "2025-01-10", "amount": "100.00"},
        ),
        ("/api/v1/receipts/", {"customer": book.customer.pk, "received_on": "2025-03-01", "amount": "100.00"}),
        ("/api/v1/allocations/", {"receipt": book.receipt.pk, "installment": book.first.pk, "amount": "100.00"}),
        (
            "/api/v1/allocations/batch/",
            {"receipt": book.receipt.pk, "lines": [{"installment": book.first.pk, "amount": "100.00"}]},
        ),
        (
            "/api/v1/adjustments/",
            {"installment": book.first.pk, "kind": "discount", "amount": "100.00", "reason": "折让"},
        ),
    ]


def counts() -> dict[str, int]:
    models = (Customer, Contract, Installment, Milestone, Receipt, Allocation, Adjustment, AuditEvent)
    return {model.__name__: model.objects.count() for model in models}


def test_rep_gets_404_for_another_reps_records_on_every_endpoint(api_client, rep_book, other_book, make_user):
    # given: a rep with write rights on everything (an own-scope finance manager) and the rep
    writer = make_user("own_scope_manager", Role.FINANCE_MANAGER, scope=Scope.OWN)
    before = counts()
    failures = []
    # when
    for method, url, body in endpoints(other_book):
        response = getattr(api_client(writer), method)(url, body, format="json")
        if response.status_code != 404 or response.json()["code"] != "not_found":
            failures.append((method, url, response.status_code))
    # then
    assert failures == []
    assert counts() == before


def test_sales_rep_gets_404_or_403_never_the_record(api_client, rep, rep_book, other_book):
    # given
    client = api_client(rep)
    before = counts()
    # when
    statuses = {
        (method, url): getattr(client, method)(url, body, format="json").status_code
        for method, url, body in endpoints(other_book)
    }
    # then: a rep may not adjust at all, so that is refused (403) before any lookup; the rest is not found
    adjusting = {key for key in statuses if key[0] == "post" and key[1].startswith("/api/v1/adjustments/")}
    assert {statuses[key] for key in adjusting} == {403}
    assert {status for key, status in statuses.items() if key not in adjusting} == {404}
    assert counts() == before


def test_rep_lists_only_their_own_records(api_client, rep, rep_book, other_book):
    # given
    client = api_client(rep)
    expected = {
        "customers": [rep_book.customer.pk],
        "contracts": sorted([rep_book.contract.pk, rep_book.draft.pk]),
        "installments": sorted(
            [rep_book.first.pk, rep_book.second.pk, *rep_book.draft.installments.values_list("pk", flat=True)]
        ),
        "milestones": [rep_book.milestone.pk],
        "receipts": [rep_book.receipt.pk],
        "allocations": [rep_book.allocation.pk],
        "adjustments": [rep_book.adjustment.pk],
    }
    # when
    listed = {name: sorted(r["id"] for r in client.get(f"/api/v1/{name}/").json()["results"]) for name in expected}
    # then
    assert listed == expected


def test_rep_cannot_name_another_reps_records_in_input(api_client, make_user, rep_book, other_book):
    # given: an own-scope user allowed every write, so only scope can refuse
    writer = make_user("own_scope_manager", Role.FINANCE_MANAGER, scope=Scope.OWN)
    client = api_client(writer)
    before = counts()
    failures = []
    # when
    for url, body in creations(other_book):
        response = client.post(url, body, format="json")
        if response.status_code != 400 or response.json()["code"] != "invalid":
            failures.append((url, response.status_code, response.json()))
    # then
    assert failures == []
    assert counts() == before


def test_rep_cannot_mix_own_receipt_with_another_reps_installment(api_client, rep, rep_book, other_book):
    # given
    body = {"receipt": rep_book.receipt.pk, "installment": other_book.first.pk, "amount": "10.00"}
    # when
    response = api_client(rep).post("/api/v1/allocations/", body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["installment"]
    assert Allocation.objects.count() == 2


def test_team_lead_sees_the_team_but_not_other_teams(api_client, team_lead, make_book, rep, other_rep, make_user):
    # given
    mine = make_book(rep)
    teammates = make_book(other_rep)
    outsiders = make_book(make_user("outsider"))
    client = api_client(team_lead)
    # when
    listed = client.get("/api/v1/customers/").json()
    outsider_contract = client.get(f"/api/v1/contracts/{outsiders.contract.pk}/")
    # then
    assert sorted(c["id"] for c in listed["results"]) == sorted([mine.customer.pk, teammates.customer.pk])
    assert client.get(f"/api/v1/receipts/{teammates.receipt.pk}/").status_code == 200
    assert outsider_contract.status_code == 404


def test_auditor_reads_everything(api_client, auditor, rep_book, other_book):
    # given
    client = api_client(auditor)
    # when
    statuses = {url: client.get(url).status_code for method, url, _body in endpoints(rep_book) if method == "get"}
    # then
    assert set(statuses.values()) == {200}
    assert client.get("/api/v1/receipts/").json()["count"] == 2


def test_auditor_gets_403_on_every_write(api_client, auditor, manager, company, rep_book):
    # given
    from huikuan.terms.services import terms_create

    terms = terms_create(
        actor=manager,
        company=company,
        name="一次付清",
        lines=[{"amount_kind": "remainder", "due_rule": "after_base", "days": 30}],
    )
    writes = [(m, u, b) for m, u, b in endpoints(rep_book, terms.pk) if m != "get"]
    writes += [("post", url, body) for url, body in creations(rep_book)]
    writes += [
        ("post", "/api/v1/customers/", {"name": "新客户"}),
        ("post", "/api/v1/terms/", {"name": "新模板", "lines": []}),
        ("patch", f"/api/v1/terms/{terms.pk}/", {"name": "改名"}),
    ]
    client = api_client(auditor)
    before = counts()
    # when
    statuses = {(m, u): getattr(client, m)(u, b, format="json").status_code for m, u, b in writes}
    # then
    assert set(statuses.values()) == {403}
    assert len(statuses) == 24
    assert counts() == before


def test_anonymous_gets_401(api_client, rep_book):
    # when
    response = api_client().get("/api/v1/customers/")
    # then
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_login_and_session_login(api_client, client, rep, rep_book):
    # when
    token = api_client().post("/api/v1/auth/token/", {"username": "rep", "password": "test-pass-123"}, format="json")
    wrong = api_client().post("/api/v1/auth/token/", {"username": "rep", "password": "nope"}, format="json")
    client.force_login(rep)
    by_session = client.get("/api/v1/customers/")
    # then
    assert token.status_code == 200
    assert len(token.json()["token"]) == 40
    assert wrong.status_code == 400
    assert by_session.json()["count"] == 1


@pytest.mark.parametrize("name", ["customers", "contracts", "receipts", "installments"])
def test_list_shows_nothing_to_a_user_without_company(api_client, make_user, rep_book, name):
    # given
    stranger = make_user("stranger", company=None)
    # when
    response = api_client(stranger).get(f"/api/v1/{name}/")
    # then
    assert response.json()["count"] == 0
