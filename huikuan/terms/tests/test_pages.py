"""The settings page: payment terms templates listed, created and changed with their lines, a live
preview of what they make of a sample amount; for finance managers only (403 to the others), and
the administration link for staff.

Runs on the contract pages' URLconf (contracts/tests/urls.py): the other areas' pages are written
alongside."""

from decimal import Decimal as D

import pytest
from django.test import Client

from huikuan.accounts.models import Company
from huikuan.accounts.roles import Role
from huikuan.terms.models import PaymentTerms
from huikuan.terms.services import terms_create

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def standard(company, manager):
    """30% on signing, 60% 30 days after acceptance, 10% retention 12 months after acceptance."""
    return terms_create(
        actor=manager,
        company=company,
        name="标准 3-6-1",
        lines=[
            {"label": "预付款", "amount_kind": "percent", "percent": D("30"), "due_rule": "after_base"},
            {
                "label": "验收款",
                "amount_kind": "percent",
                "percent": D("60"),
                "due_rule": "after_milestone",
                "milestone": "acceptance",
                "days": 30,
            },
            {
                "label": "质保金",
                "amount_kind": "remainder",
                "due_rule": "after_milestone",
                "milestone": "acceptance",
                "months": 12,
                "is_retention": True,
            },
        ],
    )


def lines(*rows: dict, extra: int = 1) -> dict:
    data = {"lines-TOTAL_FORMS": str(len(rows) + extra), "lines-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"lines-{index}-{name}": value for name, value in row.items()})
    for index in range(len(rows), len(rows) + extra):
        data.update({f"lines-{index}-amount_kind": "percent", f"lines-{index}-due_rule": "after_base"})
    return data


TWO_LINES = lines(
    {"label": "首付", "amount_kind": "percent", "percent": "40", "due_rule": "after_base"},
    {"label": "月结", "amount_kind": "remainder", "due_rule": "end_of_month", "days": "30"},
)


def test_the_settings_list_the_templates(manager, standard):
    page = signed_in(manager).get("/settings/").content.decode()
    assert "标准 3-6-1" in page
    assert f'href="/settings/terms/{standard.pk}/"' in page
    assert 'data-testid="admin-link"' not in page


def test_staff_see_the_administration_link(make_user):
    admin_user = make_user("boss", Role.ADMIN, is_staff=True)
    page = signed_in(admin_user).get("/settings/").content.decode()
    assert (
        'href="/admin/" data-testid="admin-link">Companies, users and roles are managed in the administration' in page
    )


def test_the_preview_shows_the_installments_for_a_sample_amount(manager):
    response = signed_in(manager).post(
        "/settings/terms/preview/", {**TWO_LINES, "sample_amount": "50000.00", "sample_date": "2025-01-15"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    # 40% on 15 Jan; the rest at the end of January + 30 days
    for text in ("首付", "2025-01-15", "20,000.00", "月结", "2025-03-02", "30,000.00", "50,000.00"):
        assert text in page
    # a template that fits no amount is refused in the preview, naming why
    over = lines({"amount_kind": "percent", "percent": "110", "due_rule": "after_base"})
    refused = signed_in(manager).post(
        "/settings/terms/preview/", {**over, "sample_amount": "50000.00", "sample_date": "2025-01-15"}
    )
    assert "A percentage must be more than 0 and at most 100." in refused.content.decode()


def test_an_existing_template_is_previewed_on_its_page(manager, standard):
    page = signed_in(manager).get(f"/settings/terms/{standard.pk}/").content.decode()
    # the sample: 100,000.00 from today
    assert "30,000.00" in page
    assert "60,000.00" in page
    assert "10,000.00" in page
    assert 'value="标准 3-6-1"' in page


def test_create_a_template_with_its_lines(manager, company):
    client = signed_in(manager)
    assert client.get("/settings/terms/new/").status_code == 200
    response = client.post(
        "/settings/terms/new/",
        {**TWO_LINES, "name": "四六月结", "description": "", "sample_amount": "100000.00", "sample_date": "2025-01-15"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/settings/"
    terms = PaymentTerms.objects.get(company=company, name="四六月结")
    assert list(terms.lines.values_list("sequence", "label", "amount_kind", "percent", "due_rule", "days")) == [
        (1, "首付", "percent", D("40.0000"), "after_base", 0),
        (2, "月结", "remainder", None, "end_of_month", 30),
    ]


def test_a_refused_line_shows_on_its_field_with_what_was_typed(manager, standard):
    client = signed_in(manager)
    data = lines(
        {"label": "首付", "amount_kind": "percent", "percent": "70", "due_rule": "after_base"},
        {"label": "尾款", "amount_kind": "percent", "percent": "50", "due_rule": "after_base", "days": "90"},
    )
    response = client.post(
        "/settings/terms/new/", {**data, "name": "错误模板", "sample_amount": "1000.00", "sample_date": "2025-01-15"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_lines-1-percent_error">The percentages add up to 120%, more than 100%.' in page
    assert 'value="错误模板"' in page
    assert 'value="尾款"' in page
    assert not PaymentTerms.objects.filter(name="错误模板").exists()
    # a name already taken, on the name field
    taken = client.post(
        "/settings/terms/new/",
        {**TWO_LINES, "name": "标准 3-6-1", "sample_amount": "1000.00", "sample_date": "2025-01-15"},
    )
    assert 'id="id_name_error">Another template has this name.' in taken.content.decode()


def test_change_a_template(manager, standard):
    client = signed_in(manager)
    response = client.post(
        f"/settings/terms/{standard.pk}/",
        {**TWO_LINES, "name": "标准（新）", "is_active": "", "sample_amount": "1000.00", "sample_date": "2025-01-15"},
    )
    assert response.status_code == 302
    standard.refresh_from_db()
    assert (standard.name, standard.is_active, standard.lines.count()) == ("标准（新）", False, 2)


def test_another_companys_template_is_not_found(manager):
    other = Company.objects.create(code="BJ", name="北京分公司")
    foreign = PaymentTerms.objects.create(company=other, name="外部")
    assert signed_in(manager).get(f"/settings/terms/{foreign.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.AR_CLERK, Role.COLLECTOR, Role.AUDITOR])
def test_only_finance_managers_reach_the_settings(make_user, standard, role):
    client = signed_in(make_user("someone", role))
    for address in ("/settings/", "/settings/terms/new/", f"/settings/terms/{standard.pk}/"):
        assert client.get(address).status_code == 403, address
        assert client.post(address, {**TWO_LINES, "name": "x"}).status_code == 403, address
    assert client.post("/settings/terms/preview/", TWO_LINES).status_code == 403
    assert PaymentTerms.objects.count() == 1
