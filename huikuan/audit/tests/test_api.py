"""Auditors, finance managers and administrators read and export the audit trail of their
companies through /api/v1/audit-events/; sales reps, clerks and collectors cannot."""

import csv
import datetime as dt
import io
import types

import pytest

from huikuan.accounts.models import Company
from huikuan.accounts.roles import Role
from huikuan.audit import services
from huikuan.audit.services import record

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit-events/"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def trail(monkeypatch, company, manager, clerk):
    """Four events of company HQ on 1, 2 and 3 March 2025 (Shanghai time), and one of company SZ."""
    other = Company.objects.create(code="SZ", name="深圳分公司")

    def at(day: int, hour: int = 10):
        moment = dt.datetime(2025, 3, day, hour, tzinfo=SHANGHAI)
        monkeypatch.setattr(services, "timezone", types.SimpleNamespace(now=lambda: moment))

    at(1)
    first = record(action="customer.created", target=company, actor=manager, data={"name": "=HYPERLINK(1)"})
    at(2, 1)  # 1 am in Shanghai is still 1 March in UTC: dates are business dates
    second = record(action="receipt.created", target=company, actor=clerk, data={"amount": "100.00"})
    at(2, 23)
    third = record(action="receipt.created", target=manager, actor=manager, reason="更正")
    at(3)
    fourth = record(action="adjustment.write_off", target=company, actor=manager, reason="坏账")
    record(action="receipt.created", target=other, actor=None)
    return [first, second, third, fourth]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.FINANCE_MANAGER, Role.ADMIN])
def test_readers_list_their_companys_trail_newest_first(api_client, make_user, trail, role):
    # when
    response = api_client(make_user("reader", role)).get(URL)
    # then
    assert ids(response) == [e.pk for e in reversed(trail)]
    row = response.json()["results"][0]
    assert (row["action"], row["action_label"], row["reason"], row["sequence"]) == (
        "adjustment.write_off",
        "Bad debt written off",
        "坏账",
        4,
    )
    assert row["hash"] == trail[3].hash


def test_filters_on_action_actor_target_and_dates(api_client, auditor, trail, manager, company):
    client = api_client(auditor)
    first, second, third, fourth = trail
    assert ids(client.get(URL, {"action": "receipt.created"})) == [third.pk, second.pk]
    assert ids(client.get(URL, {"actor": manager.pk})) == [fourth.pk, third.pk, first.pk]
    assert ids(client.get(URL, {"target_type": "accounts.user", "target_id": str(manager.pk)})) == [third.pk]
    assert ids(client.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-02"})) == [third.pk, second.pk]
    assert ids(client.get(URL, {"date_to": "2025-03-01"})) == [first.pk]


def test_bad_filters_answer_400_with_the_field(api_client, auditor, trail):
    response = api_client(auditor).get(URL, {"date_from": "2025-02-30", "actor": "abc"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"date_from", "actor"}


def test_export_is_exactly_the_filtered_rows_as_csv(api_client, auditor, trail):
    # when
    response = api_client(auditor).get(URL + "export/", {"action": "receipt.created"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit-events.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:6] == ["sequence", "at", "company", "actor", "action", "action code"]
    assert [(r[0], r[5], r[9]) for r in rows[1:]] == [("2", "receipt.created", ""), ("3", "receipt.created", "更正")]
    assert rows[1][1] == "2025-03-02T01:00:00+08:00"
    assert rows[1][12] == trail[1].hash


def test_export_keeps_formulas_as_text(api_client, auditor, company, manager):
    # given: a team named like a spreadsheet formula
    from huikuan.accounts.models import Team

    team = Team.objects.create(company=company, name='=HYPERLINK("http://127.0.0.1")')
    record(action="admin.added", target=team, actor=manager, reason="+1")
    # when
    text = b"".join(api_client(auditor).get(URL + "export/").streaming_content).decode("utf-8")
    # then: the cells start with a quote, so a spreadsheet shows them as text
    row = list(csv.reader(io.StringIO(text[1:])))[1]
    assert (row[8], row[9]) == ('\'=HYPERLINK("http://127.0.0.1")', "'+1")


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.AR_CLERK, Role.COLLECTOR])
def test_others_cannot_read_or_export_it(api_client, make_user, trail, role):
    client = api_client(make_user("someone", role))
    for url in (URL, URL + "export/", f"{URL}{trail[0].pk}/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "=HYPERLINK" not in response.content.decode()


def test_anonymous_gets_401_and_nobody_writes(api_client, auditor, trail):
    assert api_client().get(URL).status_code == 401
    client = api_client(auditor)
    assert client.post(URL, {"action": "x"}, format="json").status_code == 405
    assert client.delete(f"{URL}{trail[0].pk}/").status_code == 405
    assert client.patch(f"{URL}{trail[0].pk}/", {"reason": "x"}, format="json").status_code == 405


def test_another_companys_event_is_not_found(api_client, auditor, trail):
    from huikuan.audit.models import AuditEvent

    foreign = AuditEvent.objects.get(company__code="SZ")
    assert api_client(auditor).get(f"{URL}{foreign.pk}/").status_code == 404
