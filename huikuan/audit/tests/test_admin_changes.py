"""Changes made through the admin, to any model, land in the audit chain with the changed fields."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from huikuan.accounts.models import Company, Team, User
from huikuan.audit.admin_recording import AuditedAdminMixin
from huikuan.audit.models import AuditEvent
from huikuan.audit.services import chain_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, make_user):
    user = make_user("root", "admin", is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_every_registered_admin_records_its_changes():
    assert [m._meta.label for m, a in admin.site._registry.items() if not isinstance(a, AuditedAdminMixin)] == []


def test_adding_and_changing_a_company_is_recorded(client, root):
    # when: a company is added, then renamed
    client.post(
        reverse("admin:accounts_company_add"),
        {
            "code": "SZ",
            "name": "深圳分公司",
            "tax_id": "",
            "currency": "CNY",
            "contract_number_pattern": "HT-{year}-{seq:05d}",
            "receipt_number_pattern": "SK-{year}-{seq:06d}",
            "customer_code_pattern": "C{seq:05d}",
        },
    )
    company = Company.objects.get(code="SZ")
    client.post(
        reverse("admin:accounts_company_change", args=[company.pk]),
        {
            "code": "SZ",
            "name": "深圳分公司有限公司",
            "tax_id": "",
            "currency": "CNY",
            "contract_number_pattern": "HT-{year}-{seq:05d}",
            "receipt_number_pattern": "SK-{year}-{seq:06d}",
            "customer_code_pattern": "C{seq:05d}",
        },
    )
    # then
    (added,) = events("admin.added")
    (changed,) = events("admin.changed")
    assert (added.target_type, added.target_id, added.actor, added.company) == (
        "accounts.company",
        str(company.pk),
        root,
        company,
    )
    assert changed.data["fields"] == ["name"]
    assert changed.data["values"] == {"name": {"from": "深圳分公司", "to": "深圳分公司有限公司"}}
    assert chain_verify().intact


def test_a_users_role_scope_and_password_changes_are_recorded_without_the_password(client, root, make_user, team):
    # given
    rep = make_user("rep", "sales_rep", team=team)
    form = client.get(reverse("admin:accounts_user_change", args=[rep.pk])).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list) and k != "password"}
    data.update({"role": "finance_manager", "scope": "company", "team": team.pk, "date_joined_0": "2025-01-01"})
    data["date_joined_1"] = "00:00:00"
    # when: the role and scope change, then the password
    client.post(reverse("admin:accounts_user_change", args=[rep.pk]), data)
    client.post(
        reverse("admin:auth_user_password_change", args=[rep.pk]),
        {"password1": "New-secret-2026!", "password2": "New-secret-2026!", "usable_password": "true"},
    )
    # then
    role_change, password_change = events("admin.changed")
    assert {"role", "scope"} <= set(role_change.data["fields"])
    assert role_change.data["values"]["role"] == {"from": "sales_rep", "to": "finance_manager"}
    assert role_change.target_id == str(rep.pk)
    assert password_change.data["fields"] == ["password"]
    assert password_change.data["values"] == {}
    assert "New-secret-2026!" not in str(password_change.data)
    assert User.objects.get(pk=rep.pk).check_password("New-secret-2026!")


def test_deleting_through_the_admin_is_recorded(client, root, company):
    # given
    one, two, three = (Team.objects.create(company=company, name=n) for n in ("一组", "二组", "三组"))
    # when: one by its delete page, two at once by the list's action
    client.post(reverse("admin:accounts_team_delete", args=[one.pk]), {"post": "yes"})
    client.post(
        reverse("admin:accounts_team_changelist"),
        {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"},
    )
    # then
    assert Team.objects.count() == 0
    deleted = events("admin.deleted")
    assert sorted((e.target_id, e.target_label) for e in deleted) == sorted(
        [(str(one.pk), "一组"), (str(two.pk), "二组"), (str(three.pk), "三组")]
    )
    assert {e.company_id for e in deleted} == {company.pk}


def test_third_party_models_are_recorded_too(client, root):
    # when: a group (django.contrib.auth's admin) is added
    client.post(reverse("admin:auth_group_add"), {"name": "审计组"})
    # then
    (added,) = events("admin.added")
    assert (added.target_type, added.target_label) == ("auth.group", "审计组")
    assert Group.objects.filter(name="审计组").exists()
