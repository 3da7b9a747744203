"""Issue 11 item 10: only managers and finance hand a contract to another owner, and every hand-over
is in the audit trail. Item 9: owner ids tell a rep nothing about which users exist."""

import datetime as dt

import pytest

from huikuan.accounts.models import Company
from huikuan.accounts.roles import Role
from huikuan.audit.models import AuditEvent
from huikuan.contracts.models import Contract
from huikuan.contracts.services import contract_create, contract_update
from huikuan.core.errors import DomainError, NotPermitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_contract(make_customer, make_contract, rep):
    return make_contract(make_customer(owner=rep), [("1000.00", dt.date(2025, 3, 1))])


@pytest.fixture
def lead_contract(make_customer, make_contract, team_lead):
    return make_contract(make_customer(owner=team_lead), [("1000.00", dt.date(2025, 3, 1))])


def owner_changes(contract):
    return list(
        AuditEvent.objects.filter(action="contract.owner_changed", target_id=str(contract.pk)).values_list(
            "data", flat=True
        )
    )


# -- the service --------------------------------------------------------------------------------


def test_a_rep_cannot_hand_their_contract_to_another_rep(rep, other_rep, rep_contract):
    with pytest.raises(DomainError) as error:
        contract_update(actor=rep, contract=rep_contract, owner=other_rep)
    assert error.value.code == "invalid_owner"
    rep_contract.refresh_from_db()
    assert rep_contract.owner == rep
    assert owner_changes(rep_contract) == []


def test_a_team_lead_cannot_hand_a_contract_to_a_teammate(team_lead, rep, lead_contract):
    with pytest.raises(NotPermitted):
        contract_update(actor=team_lead, contract=lead_contract, owner=rep)
    lead_contract.refresh_from_db()
    assert lead_contract.owner == team_lead


@pytest.mark.parametrize("role", [Role.AR_CLERK, Role.FINANCE_MANAGER, Role.ADMIN])
def test_managers_and_finance_change_owners_and_it_is_audited(make_user, rep, other_rep, rep_contract, role):
    boss = make_user(f"boss_{role}", role)
    contract_update(actor=boss, contract=rep_contract, owner=other_rep)
    rep_contract.refresh_from_db()
    assert rep_contract.owner == other_rep
    assert owner_changes(rep_contract) == [
        {
            "before": {"owner": rep.pk, "username": "rep"},
            "after": {"owner": other_rep.pk, "username": "other_rep"},
        }
    ]
    assert AuditEvent.objects.get(action="contract.owner_changed").actor == boss


def test_keeping_the_owner_needs_no_permission_and_is_no_owner_change(rep, rep_contract):
    contract_update(actor=rep, contract=rep_contract, owner=rep, title="新标题")
    assert owner_changes(rep_contract) == []


def test_at_creation_a_rep_owns_the_contract_or_leaves_it_to_the_customers_owner(
    make_customer, rep, team_lead, other_rep
):
    customer = make_customer(owner=rep)
    base = {"customer": customer, "title": "合同", "signed_on": dt.date(2025, 1, 10), "amount": 100}
    assert contract_create(actor=team_lead, **base).owner == rep  # the customer's owner, by default
    assert contract_create(actor=team_lead, owner=team_lead, **base).owner == team_lead
    with pytest.raises(NotPermitted):
        contract_create(actor=team_lead, owner=other_rep, **base)
    with pytest.raises(DomainError):
        contract_create(actor=rep, owner=other_rep, **base)
    assert Contract.objects.count() == 2


# -- the API ------------------------------------------------------------------------------------


def test_api_a_rep_cannot_reassign_and_cannot_tell_users_from_missing_ids(
    api_client, rep, other_rep, rep_contract, make_user
):
    stranger = make_user("stranger", company=Company.objects.create(code="SZ", name="深圳分公司"))
    client = api_client(rep)
    answers = {}
    for name, user_id in (("teammate", other_rep.pk), ("stranger", stranger.pk), ("nobody", 987654)):
        response = client.patch(f"/api/v1/contracts/{rep_contract.pk}/", {"owner": user_id}, format="json")
        answers[name] = (response.status_code, response.content.decode().replace(str(user_id), "ID"))
    assert answers["teammate"] == answers["stranger"] == answers["nobody"]
    assert answers["nobody"][0] == 400
    rep_contract.refresh_from_db()
    assert rep_contract.owner == rep


def test_api_a_rep_cannot_create_a_contract_for_someone_else(api_client, rep, other_rep, make_customer):
    customer = make_customer(owner=rep)
    body = {"customer": customer.pk, "title": "合同", "signed_on": "2025-01-10", "amount": "100.00"}
    given = api_client(rep).post("/api/v1/contracts/", {**body, "owner": other_rep.pk}, format="json")
    missing = api_client(rep).post("/api/v1/contracts/", {**body, "owner": 987654}, format="json")
    assert given.status_code == missing.status_code == 400
    assert given.json()["fields"].keys() == missing.json()["fields"].keys() == {"owner"}
    assert not Contract.objects.exists()


def test_api_a_team_lead_gets_a_clear_refusal(api_client, team_lead, rep, lead_contract):
    response = api_client(team_lead).patch(f"/api/v1/contracts/{lead_contract.pk}/", {"owner": rep.pk}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    lead_contract.refresh_from_db()
    assert lead_contract.owner == team_lead


def test_api_a_clerk_reassigns_and_the_trail_shows_it(api_client, clerk, rep, other_rep, rep_contract):
    response = api_client(clerk).patch(f"/api/v1/contracts/{rep_contract.pk}/", {"owner": other_rep.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["owner"] == other_rep.pk
    assert owner_changes(rep_contract)[0]["after"]["owner"] == other_rep.pk


def test_the_service_answers_alike_for_an_unseen_an_inactive_and_a_foreign_owner(rep, rep_contract, make_user):
    unseen = make_user("unseen")
    inactive = make_user("left", is_active=False)
    foreign = make_user("foreign", company=Company.objects.create(code="SZ", name="深圳分公司"))
    messages = set()
    for owner in (unseen, inactive, foreign):
        with pytest.raises(DomainError) as error:
            contract_update(actor=rep, contract=rep_contract, owner=owner)
        messages.add((type(error.value), error.value.code, str(error.value.message), error.value.field))
    assert len(messages) == 1


def test_a_contract_is_not_given_to_a_customer_owner_who_has_left(make_customer, manager, rep):
    customer = make_customer(owner=rep)
    rep.is_active = False
    rep.save()
    with pytest.raises(DomainError) as error:
        contract_create(actor=manager, customer=customer, title="合同", signed_on=dt.date(2025, 1, 10), amount=100)
    assert error.value.code == "invalid_owner"
