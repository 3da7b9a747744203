"""Customers: codes, tax ids, owners, contacts and tags."""

from decimal import Decimal as D

import pytest

from huikuan.accounts.roles import Role
from huikuan.audit.models import AuditEvent
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.customers.models import Customer
from huikuan.customers.services import customer_create, customer_update

pytestmark = pytest.mark.django_db

VALID_USCC = "91110000600037341L"


def test_customers_get_codes_from_the_company_pattern(company, manager):
    first = customer_create(actor=manager, company=company, name="北京甲公司")
    second = customer_create(actor=manager, company=company, name="北京乙公司")
    assert (first.code, second.code) == ("C00001", "C00002")


def test_a_customer_keeps_a_valid_tax_id_contacts_and_tags(company, manager, rep):
    # when
    customer = customer_create(
        actor=manager,
        company=company,
        name="上海某某科技有限公司",
        owner=rep,
        tax_id=" 91110000600037341l ",
        credit_limit=D("500000.00"),
        tags=["重点客户", "华东", "华东"],
        contacts=[{"name": "王经理", "role": "财务", "phone": "13800138000", "email": "wang@example.com"}],
    )
    # then
    assert (customer.tax_id, customer.owner, customer.credit_limit) == (VALID_USCC, rep, D("500000.00"))
    assert sorted(customer.tags.values_list("name", flat=True)) == ["华东", "重点客户"]
    assert list(customer.contacts.values_list("name", "phone")) == [("王经理", "13800138000")]
    assert AuditEvent.objects.filter(action="customer.created", target_id=str(customer.pk)).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"tax_id": "91110000600037341X"}, "invalid_tax_id", "tax_id"),
        ({"tax_id": "123"}, "invalid_tax_id", "tax_id"),
        ({"name": " "}, "name_required", "name"),
        ({"credit_limit": D("-1")}, "amount_not_positive", "credit_limit"),
        ({"credit_limit": D("0.001")}, "amount_too_precise", "credit_limit"),
        ({"contacts": [{"name": ""}]}, "contact_name_required", "contacts[0].name"),
    ],
)
def test_bad_customer_input_is_refused_and_nothing_is_saved(company, manager, kwargs, code, field):
    values = {"name": "客户"} | kwargs
    with pytest.raises(DomainError) as error:
        customer_create(actor=manager, company=company, **values)
    assert (error.value.code, error.value.field) == (code, field)
    assert Customer.objects.count() == 0


def test_two_customers_cannot_share_a_tax_id(company, manager):
    customer_create(actor=manager, company=company, name="甲", tax_id=VALID_USCC)
    with pytest.raises(DomainError) as error:
        customer_create(actor=manager, company=company, name="乙", tax_id=VALID_USCC)
    assert error.value.code == "duplicate_tax_id"


def test_a_sales_rep_creates_customers_for_self_only(company, rep, other_rep):
    assert customer_create(actor=rep, company=company, name="自己的").owner == rep
    with pytest.raises(DomainError) as error:
        customer_create(actor=rep, company=company, name="别人的", owner=other_rep)
    assert error.value.code == "invalid_owner"


def test_a_team_lead_creates_customers_for_self_only(company, team_lead, rep, make_user):
    # Handing customers to others is for managers and finance (issue 11, item 10).
    assert customer_create(actor=team_lead, company=company, name="自己的").owner == team_lead
    with pytest.raises(NotPermitted):
        customer_create(actor=team_lead, company=company, name="组员的", owner=rep)
    with pytest.raises(DomainError):
        customer_create(actor=team_lead, company=company, name="外人的", owner=make_user("x", Role.SALES_REP))


def test_update_changes_fields_and_replaces_contacts(company, manager):
    customer = customer_create(actor=manager, company=company, name="旧名", contacts=[{"name": "甲"}])
    customer_update(actor=manager, customer=customer, name="新名", status="on_hold", contacts=[{"name": "乙"}])
    customer.refresh_from_db()
    assert (customer.name, customer.status, list(customer.contacts.values_list("name", flat=True))) == (
        "新名",
        "on_hold",
        ["乙"],
    )


def test_the_code_and_company_cannot_be_changed(company, manager):
    customer = customer_create(actor=manager, company=company, name="甲")
    with pytest.raises(DomainError) as error:
        customer_update(actor=manager, customer=customer, code="X1")
    assert error.value.field == "code"


def test_auditors_and_collectors_change_no_customer(company, auditor, make_user):
    for user in (auditor, make_user("col", Role.COLLECTOR)):
        with pytest.raises(NotPermitted):
            customer_create(actor=user, company=company, name="甲")


def test_no_one_writes_into_a_company_they_do_not_work_in(manager):
    from huikuan.accounts.models import Company

    other = Company.objects.create(code="BJ", name="北京分公司")
    with pytest.raises(NotPermitted):
        customer_create(actor=manager, company=other, name="甲")


def test_a_given_customer_code_must_be_free(company, manager):
    customer_create(actor=manager, company=company, name="甲", code="VIP01")
    with pytest.raises(DomainError) as error:
        customer_create(actor=manager, company=company, name="乙", code="VIP01")
    assert (error.value.code, error.value.field) == ("duplicate_number", "code")
