"""Issue 11 items 9 and 10 for customers, attacked through the API as a sales rep with own scope:
errors never tell an out-of-scope record from a missing one, or name another rep's customer; only
managers and finance hand customers to another owner, and the audit trail shows every hand-over."""

import datetime as dt

import pytest

from huikuan.accounts.models import Company
from huikuan.accounts.roles import Role
from huikuan.audit.models import AuditEvent
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.customers.models import Customer
from huikuan.customers.services import customer_update
from huikuan.terms.services import terms_create

pytestmark = pytest.mark.django_db

VALID_USCC = "91110000600037341L"
MISSING = 987654


@pytest.fixture
def stranger(make_user):
    return make_user("stranger", company=Company.objects.create(code="SZ", name="深圳分公司"))


@pytest.fixture
def mine(make_customer, rep):
    return make_customer(owner=rep, name="自己的客户")


@pytest.fixture
def theirs(make_customer, other_rep):
    return make_customer(owner=other_rep, name="别人的客户", tax_id=VALID_USCC)


def same_answer(responses, ids):
    """Status and body of each response, with the id that was sent masked out."""
    return [(r.status_code, r.content.decode().replace(str(i), "ID")) for r, i in zip(responses, ids, strict=True)]


def test_a_duplicate_tax_id_does_not_name_another_reps_customer(api_client, rep, manager, theirs):
    response = api_client(rep).post("/api/v1/customers/", {"name": "新客户", "tax_id": VALID_USCC}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "duplicate_tax_id"
    assert theirs.code not in response.content.decode()
    assert body["fields"]["tax_id"] == ["Another customer of the company already has this tax id."]
    # who may see the other customer is told which one it is
    seen = api_client(manager).post("/api/v1/customers/", {"name": "新客户", "tax_id": VALID_USCC}, format="json")
    assert theirs.code in seen.json()["message"]
    assert Customer.objects.count() == 1


def test_the_tax_id_of_an_update_does_not_name_another_reps_customer(api_client, rep, mine, theirs):
    response = api_client(rep).patch(f"/api/v1/customers/{mine.pk}/", {"tax_id": VALID_USCC}, format="json")
    assert response.status_code == 400
    assert theirs.code not in response.content.decode()


@pytest.mark.parametrize("method", ["post", "patch"])
def test_owner_ids_do_not_tell_which_users_exist(api_client, rep, other_rep, stranger, mine, method):
    client = api_client(rep)
    ids = [other_rep.pk, stranger.pk, MISSING]
    if method == "post":
        responses = [client.post("/api/v1/customers/", {"name": "新客户", "owner": i}, format="json") for i in ids]
    else:
        responses = [client.patch(f"/api/v1/customers/{mine.pk}/", {"owner": i}, format="json") for i in ids]
    answers = same_answer(responses, ids)
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 400
    assert list(Customer.objects.values_list("owner__username", flat=True)) == ["rep"]


def test_related_ids_out_of_scope_answer_like_missing_ones(api_client, rep, theirs, make_contract, company, manager):
    other_company = Company.objects.create(code="SZ", name="深圳分公司")
    foreign_terms = terms_create(
        actor=manager,
        company=company,
        name="全款",
        lines=[{"amount_kind": "remainder", "due_rule": "after_base", "days": 0}],
    )
    foreign_terms.company = other_company
    foreign_terms.save()
    contract = make_contract(theirs, [("100.00", dt.date(2025, 2, 1))])
    installment = contract.installments.get()
    client = api_client(rep)
    probes = [
        # (method, path, body with ID where the probed id goes)
        ("get", "/api/v1/customers/ID/", None),
        ("get", "/api/v1/customers/ID/balance/", None),
        ("patch", "/api/v1/customers/ID/", {"name": "x"}),
        ("get", "/api/v1/contracts/ID/", None),
        ("post", "/api/v1/contracts/", {"customer": "ID", "title": "t", "signed_on": "2025-01-10", "amount": "1.00"}),
        ("post", "/api/v1/receipts/", {"customer": "ID", "received_on": "2025-01-10", "amount": "1.00"}),
        ("get", "/api/v1/installments/ID/", None),
    ]
    for method, path, body in probes:
        if "contracts/ID" in path:
            hidden = contract.pk
        elif "installments/ID" in path:
            hidden = installment.pk
        else:
            hidden = theirs.pk
        responses, ids = [], [hidden, MISSING]
        for probed in ids:
            data = {k: (probed if v == "ID" else v) for k, v in (body or {}).items()}
            responses.append(getattr(client, method)(path.replace("ID", str(probed)), data, format="json"))
        answers = same_answer(responses, ids)
        assert answers[0] == answers[1], (method, path)
        assert answers[0][0] in (400, 404), (method, path)
    # list filters on a hidden id answer like on a missing one: nothing
    for path, key in (("/api/v1/contracts/", "customer"), ("/api/v1/installments/", "customer")):
        listed = [client.get(path, {key: i}).json()["count"] for i in (theirs.pk, MISSING)]
        assert listed == [0, 0]
    # a template of another company is refused like a missing one
    answers = same_answer(
        [
            client.patch(f"/api/v1/customers/{rep_customer_id(client)}/", {"default_terms": i}, format="json")
            for i in (foreign_terms.pk, MISSING)
        ],
        [foreign_terms.pk, MISSING],
    )
    assert answers[0] == answers[1]


def rep_customer_id(client):
    return client.post("/api/v1/customers/", {"name": "自己的"}, format="json").json()["id"]


# -- item 10: owners ----------------------------------------------------------------------------


def owner_changes(customer):
    return list(
        AuditEvent.objects.filter(action="customer.owner_changed", target_id=str(customer.pk)).values_list(
            "data", flat=True
        )
    )


def test_service_a_rep_cannot_give_their_customer_away(rep, other_rep, mine):
    with pytest.raises(DomainError):
        customer_update(actor=rep, customer=mine, owner=other_rep)
    mine.refresh_from_db()
    assert mine.owner == rep


def test_service_a_team_lead_cannot_reassign_within_the_team(make_customer, team_lead, rep):
    customer = make_customer(owner=rep)
    with pytest.raises(NotPermitted):
        customer_update(actor=team_lead, customer=customer, owner=team_lead)
    customer.refresh_from_db()
    assert customer.owner == rep
    assert owner_changes(customer) == []


@pytest.mark.parametrize("role", [Role.AR_CLERK, Role.FINANCE_MANAGER, Role.ADMIN])
def test_service_managers_and_finance_reassign_with_an_audit_row(make_user, rep, other_rep, mine, role):
    boss = make_user(f"boss_{role}", role)
    customer_update(actor=boss, customer=mine, owner=other_rep)
    mine.refresh_from_db()
    assert mine.owner == other_rep
    assert owner_changes(mine) == [
        {"before": {"owner": rep.pk, "username": "rep"}, "after": {"owner": other_rep.pk, "username": "other_rep"}}
    ]


def test_service_keeping_the_owner_is_no_change(rep, mine):
    customer_update(actor=rep, customer=mine, owner=rep, name="改名")
    assert owner_changes(mine) == []


def test_api_a_team_lead_is_refused_with_403_and_a_clerk_reassigns(api_client, make_customer, team_lead, rep, clerk):
    customer = make_customer(owner=rep)
    refused = api_client(team_lead).patch(f"/api/v1/customers/{customer.pk}/", {"owner": team_lead.pk}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_permitted"
    done = api_client(clerk).patch(f"/api/v1/customers/{customer.pk}/", {"owner": team_lead.pk}, format="json")
    assert done.status_code == 200
    assert owner_changes(customer)[0]["after"] == {"owner": team_lead.pk, "username": "lead"}
