"""The risk alert pages on the hand-built company (conftest.py): the list (filter, pages, files),
the thresholds page (finance edits, everyone else reads, a POST from them is a 403, refusals on the
field and nothing saved) and the home page's card, loaded after the page."""

import datetime as dt
import io
import re
from decimal import Decimal as D

import pytest
from django.test import Client
from openpyxl import load_workbook

from huikuan.audit.actions import AuditAction
from huikuan.audit.models import AuditEvent
from huikuan.customers.models import Customer
from huikuan.reports.models import RiskThresholds
from huikuan.reports.services import thresholds_set
from huikuan.reports.tests.conftest import AS_OF

pytestmark = pytest.mark.django_db
URL = "/reports/alerts/"
THRESHOLDS = "/reports/alerts/thresholds/"
HOME = "/reports/alerts/home/"


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def alerting(manager, company, book):
    """B over its 5,000.00 limit (balance 5,700.00), both customers more than 1,000.00 overdue, the
    DSO of 175.0 over 100: five alerts for finance, three for A's rep."""
    Customer.objects.filter(pk=book.b.pk).update(credit_limit=D("5000.00"))
    thresholds_set(actor=manager, company=company, overdue_amount=D("1000.00"), dso_days=100)
    return book


def test_the_list_its_filter_and_the_files(manager, alerting):
    client = signed_in(manager)
    page = client.get(URL, {"as_of": AS_OF.isoformat()})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(a.kind, a.customer_id) for a in rows] == [
        ("dso", None),
        ("overdue_amount", alerting.b.pk),
        ("overdue_amount", alerting.a.pk),
        ("over_credit_limit", alerting.b.pk),
    ]
    html = page.content.decode()
    assert "西部贸易有限公司" in html
    assert f'href="/customers/{alerting.b.pk}/?as_of=2025-06-30"' in html
    assert "6,000.00 CNY overdue, above the threshold of 1,000.00." in html
    assert [(kind, count) for kind, _label, count in page.context["counts"]] == [
        ("dso", 1),
        ("overdue_amount", 2),
        ("over_credit_limit", 1),
    ]
    # by kind; the counts stay those of every kind
    narrowed = client.get(URL, {"as_of": AS_OF.isoformat(), "kind": "overdue_amount"})
    assert [a.customer_id for a in narrowed.context["rows"]] == [alerting.b.pk, alerting.a.pk]
    assert len(narrowed.context["counts"]) == 3
    sheet = load_workbook(io.BytesIO(client.get(URL, {"as_of": AS_OF.isoformat(), "export": "xlsx"}).content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Risk alerts as of 2025-06-30"
    lines = [row for row in values if row and row[2] == "西部贸易有限公司"]
    assert [(row[0], row[3], row[4], row[6]) for row in lines] == [
        ("Overdue amount", 6000, 1000, 6000),
        ("Over the credit limit", 5700, 5000, 700),
    ]
    dso = next(row for row in values if row and row[0] == "DSO above the threshold")
    assert (dso[3], dso[4], dso[5]) == (175, 100, "days")
    pdf = client.get(URL, {"as_of": AS_OF.isoformat(), "export": "pdf"})
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")


def test_bad_filters_are_refused_on_their_field(manager, alerting):
    client = signed_in(manager)
    for query, field in (
        ({"as_of": "2025-13-01"}, "as_of"),
        ({"kind": "x"}, "kind"),
        ({"as_of": "2999-01-01"}, "as_of"),
    ):
        page = client.get(URL, query)
        assert page.status_code == 200
        assert field in page.context["form"].errors
        assert page.context["page"] is None
    assert client.get(URL, {"as_of": AS_OF.isoformat(), "page": "9"}).status_code == 404


def test_a_rep_sees_the_alerts_of_their_customers_only(rep, alerting):
    client = signed_in(rep)
    page = client.get(URL, {"as_of": AS_OF.isoformat()})
    # A's 3,500.00 overdue, and the DSO of A alone (173.2)
    assert [(a.kind, a.customer_id, a.value) for a in page.context["rows"]] == [
        ("dso", None, D("173.2")),
        ("overdue_amount", alerting.a.pk, D("3500.00")),
    ]
    assert "西部贸易有限公司" not in page.content.decode()
    exported = client.get(URL, {"as_of": AS_OF.isoformat(), "export": "xlsx"}).content
    cells = {str(v) for row in load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True) for v in row}
    assert "东方机电有限公司" in cells
    assert "西部贸易有限公司" not in cells


# --- the thresholds -----------------------------------------------------------------------------


def test_finance_sets_the_thresholds(manager, company):
    client = signed_in(manager)
    page = client.get(THRESHOLDS)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="overdue_amount"' in html
    assert re.search(r'<form[^>]*method="post"[^>]*data-testid="thresholds-form"', html)
    assert 'data-testid="thresholds-default"' in html  # none set yet
    saved = client.post(
        THRESHOLDS, {"overdue_amount": "8000", "overdue_days": "60", "over_credit_limit": "on", "dso_days": ""}
    )
    assert (saved.status_code, saved["Location"]) == (302, THRESHOLDS)
    row = RiskThresholds.objects.get()
    assert (row.overdue_amount, row.overdue_days, row.over_credit_limit, row.dso_days, row.worsening_days) == (
        D("8000.00"),
        60,
        True,
        None,
        None,
    )
    # an unticked box switches the credit-limit alert off
    client.post(THRESHOLDS, {"overdue_amount": "8000", "overdue_days": "60"})
    assert RiskThresholds.objects.get().over_credit_limit is False
    assert AuditEvent.objects.filter(action=AuditAction.RISK_THRESHOLDS_SET).count() == 2
    again = client.get(THRESHOLDS)
    assert again.context["form"]["overdue_amount"].value() == D("8000.00")
    assert 'data-testid="thresholds-default"' not in again.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"overdue_days": "0"}, "overdue_days"),  # the service's range
        ({"overdue_days": "1,0"}, "overdue_days"),  # not a whole number
        ({"overdue_amount": "-5"}, "overdue_amount"),
        ({"overdue_amount": "12.345"}, "overdue_amount"),
        ({"dso_days": "731"}, "dso_days"),
        ({"worsening_days": "abc"}, "worsening_days"),
    ],
)
def test_bad_thresholds_are_refused_on_their_field_and_nothing_is_saved(manager, data, field):
    refused = signed_in(manager).post(THRESHOLDS, {"overdue_amount": "8000", **data})
    assert refused.status_code == 200
    assert field in refused.context["form"].errors
    assert 'aria-invalid="true"' in refused.content.decode()
    assert not RiskThresholds.objects.exists()


def test_every_refused_threshold_shows_at_once(manager):
    refused = signed_in(manager).post(THRESHOLDS, {"overdue_amount": "0", "overdue_days": "0", "dso_days": "731"})
    assert set(refused.context["form"].errors) == {"overdue_amount", "overdue_days", "dso_days"}
    assert "Enter a whole number of days from 1 to 730" in refused.content.decode()
    assert not RiskThresholds.objects.exists()


@pytest.mark.parametrize("who", ["rep", "clerk", "auditor"])
def test_everyone_else_reads_them_and_may_not_post(request, manager, company, who):
    thresholds_set(actor=manager, company=company, dso_days=45)
    client = signed_in(request.getfixturevalue(who))
    page = client.get(THRESHOLDS)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="thresholds-form"' in html
    assert not re.search(r'<form[^>]*method="post"[^>]*data-testid="thresholds-form"', html)
    assert re.search(r'<input[^>]*name="dso_days"[^>]*disabled', html)
    assert client.post(THRESHOLDS, {"dso_days": "10"}).status_code == 403
    assert RiskThresholds.objects.get().dso_days == 45


# --- the home page ------------------------------------------------------------------------------


def test_the_home_page_loads_the_card_after_itself(manager, alerting):
    home = signed_in(manager).get("/")
    html = home.content.decode()
    box = re.search(r"<div[^>]*data-testid=\"home-alerts-box\"[^>]*>", html)
    assert box is not None
    tag = box.group(0)
    assert 'hx-get="/reports/alerts/home/"' in tag
    assert 'hx-trigger="load"' in tag
    assert 'hx-params="none"' in tag
    assert 'aria-live="polite"' in tag
    # the home page itself computed no alert
    assert "西部贸易有限公司" not in html.split('data-testid="home-alerts-box"')[1].split("</div>")[0]


def test_the_card_counts_and_lists_the_most_severe(manager, alerting):
    # as of today: B 6,000.00 and A 4,500.00 overdue, B 700.00 over its limit, the DSO
    card = signed_in(manager).get(HOME)
    assert card.status_code == 200
    html = card.content.decode()
    assert [(kind, count) for kind, _label, count in card.context["counts"]] == [
        ("dso", 1),
        ("overdue_amount", 2),
        ("over_credit_limit", 1),
    ]
    assert [(a.kind, a.customer_id) for a in card.context["top"]] == [
        ("dso", None),
        ("overdue_amount", alerting.b.pk),
        ("overdue_amount", alerting.a.pk),
        ("over_credit_limit", alerting.b.pk),
    ]
    assert f'href="/customers/{alerting.b.pk}/"' in html
    assert "东方机电有限公司" in html
    assert 'href="/reports/alerts/?kind=overdue_amount"' in html
    assert "<html" not in html  # a fragment


def test_the_card_shows_five_at_most(manager, company, book, make_customer, make_contract):
    for number in range(6):
        make_contract(make_customer(), [(f"{100 + number}.00", dt.date(2025, 3, 1))])
    thresholds_set(actor=manager, company=company, overdue_amount=D("50.00"))
    card = signed_in(manager).get(HOME)
    assert card.context["total"] == 8
    assert [a.customer_id for a in card.context["top"]][:2] == [book.b.pk, book.a.pk]
    assert len(card.context["top"]) == 5


def test_the_card_for_a_rep_is_theirs(rep, alerting):
    card = signed_in(rep).get(HOME)
    assert {a.customer_id for a in card.context["top"]} == {None, alerting.a.pk}
    assert "西部贸易有限公司" not in card.content.decode()


def test_the_cards_empty_states(manager, rep, company, book):
    # no thresholds set: only credit limits are checked, and none is set; finance gets the link
    html = signed_in(manager).get(HOME).content.decode()
    assert 'data-testid="home-alerts-default"' in html
    assert 'href="/reports/alerts/thresholds/"' in html
    assert 'href="/reports/alerts/thresholds/"' not in signed_in(rep).get(HOME).content.decode()
    # every alert switched off
    thresholds_set(actor=manager, company=company, over_credit_limit=False)
    html = signed_in(manager).get(HOME).content.decode()
    assert 'data-testid="home-alerts-empty"' in html
    assert 'href="/reports/alerts/thresholds/"' in html
    rep_html = signed_in(rep).get(HOME).content.decode()
    assert 'data-testid="home-alerts-empty"' in rep_html
    assert 'href="/reports/alerts/thresholds/"' not in rep_html


def test_signed_out_goes_to_sign_in():
    for url in (URL, THRESHOLDS, HOME):
        assert Client().get(url).status_code == 302
