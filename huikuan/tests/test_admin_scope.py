"""The admin applies row scope like the API: a staff user of company A who holds every view
permission attacks company B's records through the list, search, filters, detail URLs, the
related-object dropdowns and autocomplete, and finds nothing."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from huikuan.accounts.admin_mixins import ScopedAdminMixin
from huikuan.accounts.models import Company, Team, User
from huikuan.accounts.roles import Role
from huikuan.contracts.models import Contract, Installment
from huikuan.customers.models import Customer, Tag
from huikuan.receivables.models import Adjustment, Allocation, Receipt
from huikuan.terms.models import PaymentTerms

pytestmark = pytest.mark.django_db

SCOPED_MODELS = (Customer, Contract, Installment, Receipt, Allocation, Adjustment)


@pytest.fixture
def other_company(db):
    return Company.objects.create(code="SZ", name="深圳分公司有限公司")


@pytest.fixture
def b_book(make_book, make_user, other_company):
    """Company B's records: a rep of B with a full book (customer, contracts, receipt, ...),
    built through the services in company A and then moved to B."""
    rep_b = make_user("rep_b", Role.SALES_REP)
    book = make_book(rep_b, name="乙公司专属客户有限公司")
    for model in (Customer, Contract, Installment, Receipt, Allocation, Adjustment):
        model.objects.filter(pk__in=_pks(book, model)).update(company=other_company)
    User.objects.filter(pk=rep_b.pk).update(company=other_company)
    Tag.objects.create(company=other_company, name="乙公司标签")
    Team.objects.create(company=other_company, name="乙公司销售部")
    return book


def _pks(book, model) -> list[int]:
    return {
        Customer: [book.customer.pk],
        Contract: [book.contract.pk, book.draft.pk],
        Installment: list(Installment.objects.filter(contract__customer=book.customer).values_list("pk", flat=True)),
        Receipt: [book.receipt.pk],
        Allocation: [book.allocation.pk],
        Adjustment: [book.adjustment.pk],
    }[model]


@pytest.fixture
def staff_a(make_user, client):
    """A company-scoped finance manager of company A who is staff and holds every Django
    permission (view, add, change, delete) on every model."""
    user = make_user("staff_a", Role.FINANCE_MANAGER, is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    client.force_login(User.objects.get(pk=user.pk))
    return user


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_business_admin_is_scoped():
    unscoped = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if any(f.name == "company" for f in model._meta.get_fields()) and not isinstance(model_admin, ScopedAdminMixin)
    ]
    assert unscoped == []


def test_lists_and_searches_show_only_company_a(client, staff_a, rep_book, b_book):
    for model in SCOPED_MODELS:
        # when: the list, and a search for B's customer by name
        listed = client.get(url(model, "changelist"))
        searched = client.get(url(model, "changelist"), {"q": "乙公司专属"})
        # then
        assert listed.status_code == 200
        shown = {obj.pk for obj in listed.context["cl"].result_list}
        assert shown, model
        assert not shown & set(_pks(b_book, model)), model
        assert list(searched.context["cl"].result_list) == [], model
        assert "乙公司专属客户有限公司" not in listed.content.decode()


def test_detail_history_and_delete_urls_of_b_behave_like_missing_records(client, staff_a, rep_book, b_book):
    for model in SCOPED_MODELS:
        for view in ("change", "history", "delete"):
            # when
            foreign = client.get(url(model, view, _pks(b_book, model)[0]))
            missing = client.get(url(model, view, 999_999))
            # then: the same answer (the redirect to the index saying "does not exist", or 403 for
            # deleting in a read-only admin) as for an id that does not exist
            assert foreign.status_code == missing.status_code in (302, 403)
            assert getattr(foreign, "url", None) == getattr(missing, "url", None)
        own = client.get(url(model, "change", _pks(rep_book, model)[0]))
        assert own.status_code == 200


def filter_choices(response, field: str) -> list[str]:
    spec = next(s for s in response.context["cl"].filter_specs if getattr(s, "field_path", None) == field)
    return [label for _pk, label in spec.lookup_choices]


def test_list_filters_offer_only_company_a(client, staff_a, rep_book, b_book, company):
    # given: staff A also works in company C (a filter with one choice is not shown at all)
    third = Company.objects.create(code="BJ", name="北京分公司有限公司")
    User.objects.filter(pk=staff_a.pk).update(scope="group")
    staff_a.other_companies.add(third)
    Tag.objects.create(company=company, name="甲公司标签")
    Tag.objects.create(company=third, name="丙公司标签")
    # when
    customers = client.get(url(Customer, "changelist"))
    users = client.get(url(User, "changelist"))
    # then: the company, tag and team filters name nothing of B's
    assert filter_choices(customers, "company") == [third.name, company.name]
    assert sorted(filter_choices(customers, "tags")) == ["丙公司标签", "甲公司标签"]
    assert filter_choices(users, "company") == [third.name, company.name]
    assert filter_choices(users, "team") == ["华东销售部"]
    assert "深圳分公司有限公司" not in customers.content.decode() + users.content.decode()


def test_related_dropdowns_and_autocomplete_offer_only_company_a(client, staff_a, b_book, other_company, company):
    # given: the user form's company, team and other-companies dropdowns
    form = client.get(url(User, "change", staff_a.pk)).context["adminform"].form
    # then
    assert list(form.fields["company"].queryset) == [company]
    assert list(form.fields["other_companies"].queryset) == [company]
    assert "乙公司销售部" not in [t.name for t in form.fields["team"].queryset]
    # when: autocomplete asks for B's customer and company by name
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "contracts", "model_name": "contract", "field_name": "customer", "term": "乙公司"},
    )
    companies = client.get(
        "/admin/autocomplete/", {"app_label": "accounts", "model_name": "user", "field_name": "company", "term": "深圳"}
    )
    # then
    assert found.status_code == 200
    assert found.json()["results"] == []
    assert companies.json()["results"] == []


def test_a_post_naming_company_b_is_refused(client, staff_a, other_company, company):
    # given: staff A tries to move a colleague into company B through the user form
    colleague = User.objects.create_user("colleague", password="test-pass-123", company=company)
    form = client.get(url(User, "change", colleague.pk)).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update({"company": other_company.pk, "date_joined_0": "2025-01-01", "date_joined_1": "00:00:00"})
    # when
    response = client.post(url(User, "change", colleague.pk), data)
    # then
    assert response.status_code == 200
    assert "company" in response.context["adminform"].form.errors
    colleague.refresh_from_db()
    assert colleague.company == company


def test_terms_and_tokens_of_b_stay_hidden(client, staff_a, b_book, manager, other_company):
    from rest_framework.authtoken.models import Token

    from huikuan.terms.services import terms_create

    # given
    admin_b = User.objects.create_user("admin_b", role=Role.ADMIN, company=other_company, scope="company")
    terms_b = terms_create(
        actor=admin_b,
        company=other_company,
        name="乙公司模板",
        lines=[{"amount_kind": "remainder", "due_rule": "after_base", "days": 30}],
    )
    token_b = Token.objects.create(user=admin_b)
    # when
    terms_page = client.get(url(PaymentTerms, "changelist")).content.decode()
    tokens_page = client.get(reverse("admin:authtoken_tokenproxy_changelist")).content.decode()
    # then
    assert "乙公司模板" not in terms_page
    assert client.get(url(PaymentTerms, "change", terms_b.pk)).status_code == 302
    assert token_b.key not in tokens_page
