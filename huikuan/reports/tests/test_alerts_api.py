"""Risk alerts and their thresholds in the API, on the hand-built company (conftest.py): the
selector's alerts, scope, refusals as 400 with field messages, and who may set thresholds."""

from decimal import Decimal as D

import pytest

from huikuan.audit.actions import AuditAction
from huikuan.audit.models import AuditEvent
from huikuan.customers.models import Customer
from huikuan.reports.models import RiskThresholds
from huikuan.reports.risk import risk_alerts
from huikuan.reports.services import thresholds_set
from huikuan.reports.tests.conftest import AS_OF

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/alerts/"
THRESHOLDS = "/api/v1/reports/alerts/thresholds/"


@pytest.fixture
def alerting(manager, company, book):
    Customer.objects.filter(pk=book.b.pk).update(credit_limit=D("5000.00"))
    thresholds_set(actor=manager, company=company, overdue_amount=D("1000.00"), overdue_days=400, dso_days=100)
    return book


def test_the_alerts(api_client, manager, alerting):
    response = api_client(manager).get(URL, {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    body = response.json()
    assert (body["as_of"], body["count"], body["page"], body["pages"]) == ("2025-06-30", 5, 1, 1)
    assert [(c["kind"], c["count"]) for c in body["counts"]] == [
        ("dso", 1),
        ("overdue_amount", 2),
        ("overdue_days", 1),
        ("over_credit_limit", 1),
    ]
    assert [
        (r["kind"], r["customer"], r["value"], r["threshold"], r["unit"], r["amount"]) for r in body["results"]
    ] == [
        ("dso", None, "175.0", "100", "days", "10500.00"),
        ("overdue_amount", alerting.b.pk, "6000.00", "1000.00", "CNY", "6000.00"),
        ("overdue_amount", alerting.a.pk, "3500.00", "1000.00", "CNY", "3500.00"),
        ("overdue_days", alerting.a.pk, "425", "400", "days", "3500.00"),
        ("over_credit_limit", alerting.b.pk, "5700.00", "5000.00", "CNY", "700.00"),
    ]
    b = body["results"][1]
    assert (b["customer_code"], b["customer_name"], b["kind_label"], b["currency"]) == (
        "B001",
        "西部贸易有限公司",
        "Overdue amount",
        "CNY",
    )
    assert b["message"] == "6,000.00 CNY overdue, above the threshold of 1,000.00."
    assert b["link"] == f"/customers/{alerting.b.pk}/?as_of=2025-06-30"
    # the same alerts as the selector the pages call
    assert len(risk_alerts(user=manager, as_of=AS_OF)) == body["count"]


def test_kind_pages_and_scope(api_client, manager, rep, alerting):
    client = api_client(manager)
    narrowed = client.get(URL, {"as_of": AS_OF.isoformat(), "kind": "overdue_amount", "page_size": 1, "page": 2})
    body = narrowed.json()
    assert (body["count"], body["pages"], [r["customer"] for r in body["results"]]) == (2, 2, [alerting.a.pk])
    assert len(body["counts"]) == 4  # every kind's count, whatever the filter
    assert client.get(URL, {"as_of": AS_OF.isoformat(), "page": 9}).status_code == 404
    mine = api_client(rep).get(URL, {"as_of": AS_OF.isoformat()}).json()
    assert [(r["kind"], r["customer"], r["value"]) for r in mine["results"]] == [
        ("dso", None, "173.2"),
        ("overdue_amount", alerting.a.pk, "3500.00"),
        ("overdue_days", alerting.a.pk, "425"),
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "nope"}, "kind"),
        ({"page_size": "0"}, "page_size"),
        ({"as_of": "2025-02-30"}, "as_of"),
        ({"as_of": "2999-01-01"}, "as_of"),
    ],
)
def test_bad_parameters_are_refused_on_their_field(api_client, manager, alerting, query, field):
    refused = api_client(manager).get(URL, query)
    assert refused.status_code == 400
    assert field in refused.json()["fields"]


def test_the_thresholds_are_read_by_everyone_and_set_by_finance(api_client, manager, rep, company):
    defaults = api_client(rep).get(THRESHOLDS).json()
    assert defaults == {
        "currency": "CNY",
        "overdue_amount": None,
        "overdue_days": None,
        "over_credit_limit": True,
        "dso_days": None,
        "worsening_days": None,
        "is_set": False,
        "updated_at": None,
    }
    client = api_client(manager)
    saved = client.put(THRESHOLDS, {"overdue_amount": "8000", "dso_days": 60}, format="json")
    assert saved.status_code == 200
    body = saved.json()
    assert (body["overdue_amount"], body["dso_days"], body["over_credit_limit"], body["is_set"]) == (
        "8000.00",
        60,
        True,
        True,
    )
    # those left out keep their value, null switches one off
    again = client.put(THRESHOLDS, {"dso_days": None, "over_credit_limit": False}, format="json").json()
    assert (again["overdue_amount"], again["dso_days"], again["over_credit_limit"]) == ("8000.00", None, False)
    assert api_client(rep).get(THRESHOLDS).json()["overdue_amount"] == "8000.00"
    assert AuditEvent.objects.filter(action=AuditAction.RISK_THRESHOLDS_SET).count() == 2


@pytest.mark.parametrize("who", ["rep", "clerk", "auditor"])
def test_no_one_else_may_set_them(request, api_client, who):
    refused = api_client(request.getfixturevalue(who)).put(THRESHOLDS, {"dso_days": 30}, format="json")
    assert refused.status_code == 403
    assert not RiskThresholds.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"overdue_amount": "-1"}, "overdue_amount"),
        ({"overdue_amount": "1e3"}, "overdue_amount"),
        ({"overdue_amount": "0.001"}, "overdue_amount"),
        ({"overdue_days": 0}, "overdue_days"),
        ({"overdue_days": "ten"}, "overdue_days"),
        ({"dso_days": 5000}, "dso_days"),
        ({"worsening_days": 1.5}, "worsening_days"),
        ({"over_credit_limit": "maybe"}, "over_credit_limit"),
    ],
)
def test_bad_thresholds_are_a_400_naming_the_field(api_client, manager, body, field):
    refused = api_client(manager).put(THRESHOLDS, {"dso_days": 30, **body}, format="json")
    assert refused.status_code == 400
    answer = refused.json()
    assert field in answer["fields"]
    assert {"code", "message"} <= set(answer)
    assert not RiskThresholds.objects.exists()


def test_options_describes_the_actions(api_client, manager):
    for url in (URL, THRESHOLDS):
        assert api_client(manager).options(url).status_code == 200
