"""Scope (DOMAIN.md rule 8): who sees which customers, contracts, installments and receipts."""

import datetime as dt

import pytest

from huikuan.accounts.models import Company
from huikuan.accounts.roles import Role, Scope
from huikuan.contracts.selectors import contracts_visible_to, installments_visible_to, milestones_visible_to
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables.selectors import adjustments_visible_to, allocations_visible_to, receipts_visible_to
from huikuan.receivables.services.allocations import receipt_auto_allocate
from huikuan.receivables.services.receipts import receipt_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_customer, make_contract, manager, rep, other_rep, make_user, team):
    """Three customers: one of rep, one of other_rep (same team), one of a rep in no team."""
    loner = make_user("loner", Role.SALES_REP)
    customers = {
        name: make_customer(owner=owner) for name, owner in (("rep", rep), ("other", other_rep), ("loner", loner))
    }
    for customer in customers.values():
        make_contract(customer, [("100.00", dt.date(2025, 2, 1))])
        receipt = receipt_create(actor=manager, customer=customer, received_on=dt.date(2025, 2, 1), amount=100)
        receipt_auto_allocate(actor=manager, receipt=receipt)
    return customers


SELECTORS = [
    (customers_visible_to, "owner__username"),
    (contracts_visible_to, "customer__owner__username"),
    (installments_visible_to, "customer__owner__username"),
    (receipts_visible_to, "customer__owner__username"),
    (allocations_visible_to, "customer__owner__username"),
    (milestones_visible_to, "contract__customer__owner__username"),
    (adjustments_visible_to, "customer__owner__username"),
]


@pytest.mark.parametrize(("selector", "owner_path"), SELECTORS)
def test_a_sales_rep_sees_only_own_customers_records(world, rep, selector, owner_path):
    owners = set(selector(rep).values_list(owner_path, flat=True))
    assert owners <= {"rep"}


@pytest.mark.parametrize(("selector", "owner_path"), SELECTORS[:5])
def test_a_team_lead_sees_the_team(world, team_lead, selector, owner_path):
    assert set(selector(team_lead).values_list(owner_path, flat=True)) == {"rep", "other_rep"}


@pytest.mark.parametrize(("selector", "owner_path"), SELECTORS[:5])
def test_company_scope_sees_the_whole_company(world, clerk, auditor, selector, owner_path):
    expected = {"rep", "other_rep", "loner"}
    assert set(selector(clerk).values_list(owner_path, flat=True)) == expected
    assert set(selector(auditor).values_list(owner_path, flat=True)) == expected


def test_another_company_is_invisible_unless_the_user_has_group_scope(world, make_user):
    # given
    subsidiary = Company.objects.create(code="SZ", name="深圳子公司")
    outsider = make_user("sz_clerk", Role.AR_CLERK, company=subsidiary)
    group_cfo = make_user("cfo", Role.FINANCE_MANAGER, scope=Scope.GROUP, company=subsidiary)
    # when / then
    assert customers_visible_to(outsider).count() == 0
    assert customers_visible_to(group_cfo).count() == 0
    group_cfo.other_companies.add(world["rep"].company)
    assert customers_visible_to(group_cfo).count() == 3


def test_inactive_and_anonymous_users_see_nothing(world, rep):
    from django.contrib.auth.models import AnonymousUser

    rep.is_active = False
    assert customers_visible_to(rep).count() == 0
    assert customers_visible_to(AnonymousUser()).count() == 0


def test_services_refuse_records_outside_the_actors_scope(world, rep):
    # given: rep tries to act on other_rep's customer directly through the services
    import datetime as dt

    from huikuan.contracts.services import contract_update
    from huikuan.core.errors import NotPermitted
    from huikuan.customers.services import customer_update
    from huikuan.receivables.services.receipts import receipt_create

    other = world["other"]
    # when / then
    with pytest.raises(NotPermitted):
        customer_update(actor=rep, customer=other, name="改名")
    with pytest.raises(NotPermitted):
        contract_update(actor=rep, contract=other.contracts.get(), notes="x")
    with pytest.raises(NotPermitted):
        receipt_create(actor=rep, customer=other, received_on=dt.date(2025, 2, 1), amount=1)
    other.refresh_from_db()
    assert other.name != "改名"
