"""Collection targets (回款目标): the service (who may set them, for whom, what amounts, the audit
trail) and the grid page (finance edits, everyone else reads; bad cells refused, nothing saved)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client

from huikuan.accounts.models import Company
from huikuan.accounts.roles import Role
from huikuan.audit.actions import AuditAction
from huikuan.audit.models import AuditEvent
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.reports.models import CollectionTarget
from huikuan.reports.services import target_set
from huikuan.reports.views.plan_forms import cell_name

URL = "/reports/targets/"
JUNE = dt.date(2025, 6, 1)


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# --- the service --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_finance_sets_a_target_and_the_change_is_audited(manager, rep):
    target = target_set(actor=manager, owner=rep, month=dt.date(2025, 6, 17), currency="CNY", amount=D("5000"))
    assert (target.month, target.currency, target.amount, target.company_id) == (
        JUNE,
        "CNY",
        D("5000.00"),
        rep.company_id,
    )
    changed = target_set(actor=manager, owner=rep, month=JUNE, currency="CNY", amount="6000.50")
    assert changed.pk == target.pk
    assert CollectionTarget.objects.get().amount == D("6000.50")
    events = list(AuditEvent.objects.filter(action=AuditAction.TARGET_SET).order_by("sequence"))
    assert [(e.data["before"], e.data["amount"]) for e in events] == [(None, "5000.00"), ("5000.00", "6000.50")]
    assert events[0].actor_id == manager.pk
    # the same amount again changes nothing and writes nothing
    target_set(actor=manager, owner=rep, month=JUNE, currency="CNY", amount=D("6000.50"))
    assert AuditEvent.objects.filter(action=AuditAction.TARGET_SET).count() == 2
    # 0 keeps the row, with 0
    target_set(actor=manager, owner=rep, month=JUNE, currency="CNY", amount=D("0"))
    assert CollectionTarget.objects.get().amount == D("0.00")
    # another currency is another target
    target_set(actor=manager, owner=rep, month=JUNE, currency="USD", amount=D("10"))
    assert CollectionTarget.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["rep", "clerk", "auditor", "team_lead"])
def test_no_one_else_may_set_targets(request, rep, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotPermitted):
        target_set(actor=actor, owner=rep, month=JUNE, currency="CNY", amount=D("1"))
    assert not CollectionTarget.objects.exists()


@pytest.mark.django_db
def test_an_administrator_may(make_user, rep):
    admin = make_user("admin", Role.ADMIN)
    assert target_set(actor=admin, owner=rep, month=JUNE, currency="CNY", amount=D("1")).amount == D("1.00")


@pytest.mark.django_db
def test_the_owner_must_be_an_active_user_the_actor_may_see(manager, rep, make_user):
    elsewhere = make_user("elsewhere", company=Company.objects.create(code="SZ", name="深圳分公司"))
    rep.is_active = False
    rep.save()
    for owner in (elsewhere, rep):
        with pytest.raises(DomainError) as refused:
            target_set(actor=manager, owner=owner, month=JUNE, currency="CNY", amount=D("1"))
        assert refused.value.field == "owner"
    assert not CollectionTarget.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": D("-1")}, "amount"),
        ({"amount": D("1.005")}, "amount"),
        ({"amount": D("1000000000000")}, "amount"),
        ({"amount": "1e3"}, "amount"),
        ({"amount": D("1.5"), "currency": "JPY"}, "amount"),  # yen have no fractions
        ({"currency": "XYZ"}, "currency"),
        ({"month": dt.date(1980, 1, 1)}, "month"),
    ],
)
def test_bad_input_is_refused_on_its_field(manager, rep, changes, field):
    arguments = {"month": JUNE, "currency": "CNY", "amount": D("1"), **changes}
    with pytest.raises(DomainError) as refused:
        target_set(actor=manager, owner=rep, **arguments)
    assert refused.value.field == field
    assert not CollectionTarget.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_two_people_setting_one_new_target_at_once_leave_one_row(manager, rep, make_user, race):
    admin = make_user("admin", Role.ADMIN)
    results = race(
        lambda: target_set(actor=manager, owner=rep, month=JUNE, currency="CNY", amount=D("100")),
        lambda: target_set(actor=admin, owner=rep, month=JUNE, currency="CNY", amount=D("200")),
    )
    assert [type(result).__name__ for result in results] == ["CollectionTarget", "CollectionTarget"]
    assert CollectionTarget.objects.count() == 1
    assert CollectionTarget.objects.get().amount in (D("100.00"), D("200.00"))


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_finance_edits_the_grid(manager, rep, other_rep):
    target_set(actor=manager, owner=rep, month=dt.date(2025, 1, 1), currency="CNY", amount=D("3000"))
    client = signed_in(manager)
    page = client.get(URL, {"year": 2025, "currency": "CNY"})
    assert page.status_code == 200
    grid = page.context["grid"]
    assert grid[cell_name(rep.pk, 1)].value() == D("3000.00")
    assert {row["owner"].pk for row in page.context["rows"]} >= {rep.pk, other_rep.pk}
    assert f'name="{cell_name(rep.pk, 2)}"' in page.content.decode()

    data = {cell_name(rep.pk, 1): "3000.00", cell_name(rep.pk, 2): "1,0", cell_name(other_rep.pk, 3): "2500"}
    # "1,0" is not a number: refused on its cell, nothing saved
    refused = client.post(f"{URL}?year=2025&currency=CNY", data)
    assert refused.status_code == 200
    assert cell_name(rep.pk, 2) in refused.context["grid"].errors
    assert CollectionTarget.objects.count() == 1

    data[cell_name(rep.pk, 2)] = "1000"
    saved = client.post(f"{URL}?year=2025&currency=CNY", data)
    assert saved.status_code == 302
    assert saved["Location"] == f"{URL}?year=2025&currency=CNY"
    kept = {(t.owner_id, t.month.month): t.amount for t in CollectionTarget.objects.all()}
    assert kept == {(rep.pk, 1): D("3000.00"), (rep.pk, 2): D("1000.00"), (other_rep.pk, 3): D("2500.00")}
    # only the changed cells were set: one audit event each (January's was set before)
    assert AuditEvent.objects.filter(action=AuditAction.TARGET_SET).count() == 3
    # clearing a target sets it to 0
    data[cell_name(rep.pk, 1)] = ""
    client.post(f"{URL}?year=2025&currency=CNY", data)
    assert CollectionTarget.objects.get(owner=rep, month=dt.date(2025, 1, 1)).amount == D("0.00")


@pytest.mark.django_db
def test_a_refused_cell_shows_the_services_message_and_nothing_is_saved(manager, rep, other_rep):
    client = signed_in(manager)
    data = {cell_name(rep.pk, 4): "100", cell_name(other_rep.pk, 5): "-5", cell_name(other_rep.pk, 6): "1.234"}
    response = client.post(f"{URL}?year=2025&currency=CNY", data)
    assert response.status_code == 200
    errors = response.context["grid"].errors
    assert errors[cell_name(other_rep.pk, 5)] == ["The amount must be positive."]
    assert cell_name(other_rep.pk, 6) in errors
    assert cell_name(rep.pk, 4) not in errors
    assert not CollectionTarget.objects.exists()
    assert "Nothing was saved" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["rep", "clerk"])
def test_others_read_the_grid_and_may_not_post(request, manager, rep, who):
    target_set(actor=manager, owner=rep, month=dt.date(2025, 1, 1), currency="CNY", amount=D("3000"))
    client = signed_in(request.getfixturevalue(who))
    page = client.get(URL, {"year": 2025})
    assert page.status_code == 200
    assert page.context["editable"] is False
    assert "<input" not in page.content.decode().split('data-testid="target-grid"')[1].split("</table>")[0]
    assert "3,000.00" in page.content.decode()
    assert client.post(f"{URL}?year=2025", {cell_name(rep.pk, 1): "1"}).status_code == 403
    assert CollectionTarget.objects.get().amount == D("3000.00")


@pytest.mark.django_db
def test_a_rep_sees_only_their_own_row(manager, rep, other_rep):
    target_set(actor=manager, owner=other_rep, month=dt.date(2025, 1, 1), currency="CNY", amount=D("777"))
    page = signed_in(rep).get(URL, {"year": 2025})
    assert [row["owner"].pk for row in page.context["rows"]] == [rep.pk]
    assert "777.00" not in page.content.decode()


@pytest.mark.django_db
def test_bad_year_or_currency_is_refused_on_the_field(manager):
    page = signed_in(manager).get(URL, {"year": "1900", "currency": "XYZ"})
    assert page.status_code == 200
    assert set(page.context["choice"].errors) == {"year", "currency"}
