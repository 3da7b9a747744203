"""The admin's audit trail is for auditors, finance managers and administrators who are staff,
within their companies, with actions by their labels."""

import pytest
from django.urls import reverse
from django.utils import translation

from huikuan.accounts.models import Company
from huikuan.accounts.roles import Role
from huikuan.audit.models import AuditEvent
from huikuan.audit.services import record

pytestmark = pytest.mark.django_db

LIST = reverse("admin:audit_auditevent_changelist")


@pytest.fixture
def events(company, manager):
    other = Company.objects.create(code="SZ", name="深圳分公司")
    own = record(action="receipt.created", target=company, actor=manager)
    foreign = record(action="receipt.created", target=other, actor=None, reason="乙公司的事件")
    return own, foreign


def test_a_staff_auditor_reads_the_trail_of_the_company(client, make_user, events):
    # given
    own, foreign = events
    client.force_login(make_user("audit_staff", Role.AUDITOR, is_staff=True))
    # when
    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then
    assert response.status_code == 200
    assert [e.pk for e in response.context["cl"].result_list] == [own.pk]
    with translation.override("zh-hans"):
        assert "登记收款单" in response.content.decode()
    assert ">receipt.created<" not in response.content.decode()
    assert client.get(reverse("admin:audit_auditevent_change", args=[own.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_change", args=[foreign.pk])).status_code == 302
    assert client.get(reverse("admin:audit_auditevent_delete", args=[own.pk])).status_code == 403


def test_a_staff_sales_rep_cannot_open_it(client, make_user, events):
    client.force_login(make_user("rep_staff", Role.SALES_REP, is_staff=True))
    assert client.get(LIST).status_code == 403
    assert "audit" not in client.get("/admin/").content.decode().lower()


def test_the_admin_exports_the_selected_events(client, make_user, events):
    own, _foreign = events
    client.force_login(make_user("audit_staff", Role.AUDITOR, is_staff=True))
    response = client.post(LIST, {"action": "export_csv", "_selected_action": [own.pk]})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.count("receipt.created") == 1
    assert AuditEvent.objects.count() == 2
