"""The contract pages: the list (filters, paging, export exactly as shown), a contract with its plan
and figures, creating one from a payment terms template and activating it, a plan typed by hand
with its live sum check, milestones, termination, refusals that keep what was typed, scope (404 /
absent) and roles (403, no buttons).

Runs on its own URLconf (tests/urls.py): the customer and receipt pages are written alongside."""

import csv
import datetime as dt
import io
from decimal import Decimal as D
from functools import partial
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from huikuan.accounts.roles import Role
from huikuan.contracts.models import Contract
from huikuan.terms.services import terms_create
from huikuan.web import exports, lists

pytestmark = pytest.mark.django_db


class TableReader(HTMLParser):
    """The cells of the list table (``web/_table.html``), row by row, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.headers: list[str] = []
        self._in_table = self._in_body = self._in_cell = False
        self._cell: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "list-table" in (dict(attrs).get("class") or ""):
            self._in_table = True
        elif self._in_table and tag == "tbody":
            self._in_body = True
        elif self._in_table and tag == "tr" and self._in_body:
            self.rows.append([])
        elif self._in_table and tag in ("td", "th"):
            self._in_cell, self._cell = True, []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif self._in_table and tag in ("td", "th") and self._in_cell:
            text = "".join(self._cell).strip()
            (self.rows[-1] if self._in_body else self.headers).append(text)
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self._cell.append(data)


def table(response) -> list[list[str]]:
    reader = TableReader()
    reader.feed(response.content.decode())
    return [row for row in reader.rows if len(row) > 1]


def numbers(response) -> list[str]:
    return [row[0] for row in table(response)]


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def collector(make_user):
    return make_user("collector", Role.COLLECTOR)


@pytest.fixture
def books(rep_book, other_book):
    return rep_book, other_book


@pytest.fixture
def milestone_terms(company, manager):
    """30% on signing, the rest 30 days after acceptance."""
    return terms_create(
        actor=manager,
        company=company,
        name="30/70 验收",
        lines=[
            {"label": "预付款", "amount_kind": "percent", "percent": D("30"), "due_rule": "after_base"},
            {
                "label": "验收款",
                "amount_kind": "remainder",
                "due_rule": "after_milestone",
                "milestone": "acceptance",
                "days": 30,
            },
        ],
    )


# the list


def test_the_list_shows_each_contract_with_its_figures(manager, books):
    rep_book, other_book = books
    response = signed_in(manager).get("/contracts/")
    assert response.status_code == 200
    rows = {row[0]: row for row in table(response)}
    assert set(rows) == {
        rep_book.contract.number,
        rep_book.draft.number,
        other_book.contract.number,
        other_book.draft.number,
    }
    # number, title, customer, owner, status, signed, currency, amount, collected, open, collected %
    assert rows[rep_book.contract.number] == [
        rep_book.contract.number,
        "设备采购合同",
        "甲方科技有限公司",
        "rep",
        "Active",
        "2025-01-10",
        "CNY",
        "10,000.00",
        "1,000.00",
        "8,900.00",
        "10.00",
    ]
    assert rows[rep_book.draft.number][4:] == ["Draft", "2025-01-10", "CNY", "1,000.00", "0.00", "0.00", "0.00"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=draft", {"rep.draft", "other.draft"}),
        ("status=active", {"rep.contract", "other.contract"}),
        ("q=草稿", {"rep.draft", "other.draft"}),
        ("collected_min=10", {"rep.contract", "other.contract"}),
        ("collected_min=10.01", set()),
        ("collected_max=0", {"rep.draft", "other.draft"}),
        ("signed_from=2025-01-10&signed_to=2025-01-10", {"rep.contract", "rep.draft", "other.contract", "other.draft"}),
        ("signed_from=2025-01-11", set()),
    ],
)
def test_the_list_filters(manager, books, query, expected):
    rep_book, other_book = books
    named = {
        "rep.contract": rep_book.contract.number,
        "rep.draft": rep_book.draft.number,
        "other.contract": other_book.contract.number,
        "other.draft": other_book.draft.number,
    }
    response = signed_in(manager).get(f"/contracts/?{query}")
    assert response.status_code == 200
    assert set(numbers(response)) == {named[name] for name in expected}


def test_the_list_filters_by_customer_and_owner(manager, rep, books):
    rep_book, _other_book = books
    client = signed_in(manager)
    by_customer = client.get(f"/contracts/?customer={rep_book.customer.pk}")
    assert set(numbers(by_customer)) == {rep_book.contract.number, rep_book.draft.number}
    assert 'data-testid="customer-filter"' in by_customer.content.decode()
    by_owner = client.get(f"/contracts/?owner={rep.pk}")
    assert set(numbers(by_owner)) == {rep_book.contract.number, rep_book.draft.number}


def test_refused_filters_show_on_their_fields_and_keep_what_was_typed(manager, books):
    response = signed_in(manager).get("/contracts/?collected_min=60&collected_max=5&signed_from=yesterday")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The upper bound is below the lower one." in page
    assert "Enter a valid date." in page
    assert 'value="60"' in page
    assert numbers(response) == []


def test_the_list_is_paged_newest_first(manager, books, monkeypatch):
    monkeypatch.setattr(exports, "page_of", partial(lists.page_of, per_page=3))
    client = signed_in(manager)
    first, second = client.get("/contracts/"), client.get("/contracts/?page=2")
    everything = numbers(first) + numbers(second)
    assert (len(numbers(first)), len(numbers(second))) == (3, 1)
    expected = list(Contract.objects.order_by("-signed_on", "-pk").values_list("number", flat=True))
    assert everything == expected
    assert "4 rows" in first.content.decode()
    assert client.get("/contracts/?page=3").status_code == 404
    assert client.get("/contracts/?page=x").status_code == 404


def test_the_export_holds_the_rows_shown(manager, books):
    client = signed_in(manager)
    shown = table(client.get("/contracts/?status=active"))
    csv_response = client.get("/contracts/?status=active&export=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Number"
    assert [row[0] for row in rows[1:]] == [row[0] for row in shown]
    assert rows[1][7:] == ["10000.00", "1000.00", "8900.00", "10.0"]
    xlsx = client.get("/contracts/?status=active&export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("Number", "Title", "Customer")
    assert [row[0] for row in values[1:]] == [row[0] for row in shown]
    assert values[1][5].date() == dt.date(2025, 1, 10)
    assert [D(str(v)) for v in values[1][7:]] == [D("10000"), D("1000"), D("8900"), D("10")]


def test_an_export_too_long_is_refused_with_a_message(manager, books, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 1)
    response = signed_in(manager).get("/contracts/?export=csv")
    assert response.status_code == 200
    assert "narrow the filters to export it" in response.content.decode()


# a contract


def test_a_contract_shows_its_header_figures_plan_and_milestones(rep, rep_book):
    response = signed_in(rep).get(f"/contracts/{rep_book.contract.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert rep_book.contract.number in page
    assert f'href="/customers/{rep_book.customer.pk}/"' in page
    assert '<span class="kpi-value" data-testid="collected">1,000.00</span>' in page
    assert '<span class="kpi-value" data-testid="open">8,900.00</span>' in page
    # both installments are past due today
    assert '<span class="kpi-value" data-testid="overdue">8,900.00</span>' in page
    plan = page[page.index('data-testid="plan"') :]
    for text in ("2025-02-10", "6,000.00", "5,000.00", "2025-03-10", "4,000.00", "100.00", "3,900.00", "Overdue"):
        assert text in plan
    assert "Delivery · 2025-02-01" in page
    # an active contract: edit, record a milestone, terminate; no activation, plan or cancel
    assert f"/contracts/{rep_book.contract.pk}/terminate/" in page
    assert f"/contracts/{rep_book.contract.pk}/milestone/" in page
    assert f"/contracts/{rep_book.contract.pk}/activate/" not in page
    assert f"/contracts/{rep_book.contract.pk}/cancel/" not in page


def test_create_from_terms_then_record_acceptance_and_activate(rep, rep_book, milestone_terms):
    client = signed_in(rep)
    # given a customer's new contract, previewed with the template as it is typed
    form = client.get(f"/contracts/new/?customer={rep_book.customer.pk}")
    # the customer box is filled in, and suggests customers as one types (no 50,000-option select)
    assert f'value="{rep_book.customer.code}' in form.content.decode()
    assert 'list="customer-options"' in form.content.decode()
    preview = client.get(
        "/contracts/terms-preview/",
        {"terms": milestone_terms.pk, "amount": "20000.00", "signed_on": "2025-03-01", "currency": "CNY"},
    )
    assert preview.status_code == 200
    text = preview.content.decode()
    for expected in ("预付款", "2025-03-01", "6,000.00", "验收款", "Acceptance", "+ 30 days", "14,000.00", "20,000.00"):
        assert expected in text
    # when it is created with the template
    response = client.post(
        "/contracts/new/",
        {
            "customer": rep_book.customer.pk,
            "title": "服务器采购",
            "amount": "20000.00",
            "currency": "CNY",
            "signed_on": "2025-03-01",
            "vat_rate": "0.13",
            "terms": milestone_terms.pk,
        },
    )
    contract = Contract.objects.get(title="服务器采购")
    assert response.status_code == 302
    assert response["Location"] == f"/contracts/{contract.pk}/"
    # then its plan is the template's, the second installment waiting for acceptance
    plan = list(contract.installments.order_by("sequence").values_list("amount", "due_date", "milestone"))
    assert plan == [(D("6000.00"), dt.date(2025, 3, 1), ""), (D("14000.00"), None, "acceptance")]
    assert (contract.status, contract.owner, contract.number.startswith("HT-2025-")) == ("draft", rep, True)
    # when acceptance is recorded, the installment waiting for it is due 30 days later
    recorded = client.post(
        f"/contracts/{contract.pk}/milestone/",
        {"milestone-kind": "acceptance", "milestone-reached_on": "2025-04-10", "milestone-note": "验收单 A-17"},
    )
    assert recorded.status_code == 302
    assert contract.installments.get(sequence=2).due_date == dt.date(2025, 5, 10)
    # and the draft is activated
    activated = client.post(f"/contracts/{contract.pk}/activate/")
    assert activated.status_code == 302
    contract.refresh_from_db()
    assert contract.status == "active"
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "Acceptance · 2025-04-10" in page
    assert "2025-05-10" in page


def test_a_plan_by_hand_with_its_live_sum_check(rep, rep_book):
    client = signed_in(rep)
    draft = rep_book.draft  # 1,000.00
    editor = client.get(f"/contracts/{draft.pk}/plan/")
    assert editor.status_code == 200
    assert 'value="1000.00"' in editor.content.decode()  # the plan so far
    rows = {
        "plan-TOTAL_FORMS": "3",
        "plan-INITIAL_FORMS": "0",
        "plan-0-label": "首付",
        "plan-0-amount": "600.00",
        "plan-0-due_date": "2025-02-01",
        "plan-1-label": "尾款",
        "plan-1-amount": "300.00",
        "plan-1-milestone": "delivery",
        "plan-1-offset_days": "15",
        "plan-2-amount": "",
    }
    # the check, as the user types: 900.00 of 1,000.00
    check = client.post(f"/contracts/{draft.pk}/plan/check/", rows).content.decode()
    assert "The installments add up to 900.00 of 1,000.00 CNY." in check
    assert "100.00 still to plan." in check
    # too much: refused on saving, what was typed kept
    too_much = client.post(f"/contracts/{draft.pk}/plan/installments/", {**rows, "plan-1-amount": "500.00"})
    page = too_much.content.decode()
    assert too_much.status_code == 200
    assert "The installments add up to 1,100.00, more than the contract amount 1,000.00." in page
    assert 'value="500.00"' in page
    assert 'value="首付"' in page
    assert list(draft.installments.values_list("amount", flat=True)) == [D("1000.00")]
    # short of the amount: saved, but refused at activation with the message shown
    saved = client.post(f"/contracts/{draft.pk}/plan/installments/", rows)
    assert saved.status_code == 302
    plan = list(draft.installments.order_by("sequence").values_list("amount", "due_date", "milestone", "offset_days"))
    assert plan == [(D("600.00"), dt.date(2025, 2, 1), "", 0), (D("300.00"), None, "delivery", 15)]
    refused = client.post(f"/contracts/{draft.pk}/activate/")
    assert refused.status_code == 200
    assert "The installments add up to 900.00, but the contract amount is 1,000.00." in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    # a third installment closes the gap: the check agrees and the contract activates
    full = {**rows, "plan-2-amount": "100.00", "plan-2-due_date": "2025-12-31"}
    assert "They match the contract amount." in client.post(f"/contracts/{draft.pk}/plan/check/", full).content.decode()
    assert client.post(f"/contracts/{draft.pk}/plan/installments/", full).status_code == 302
    assert client.post(f"/contracts/{draft.pk}/activate/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == "active"


def test_a_refused_line_shows_on_its_row(rep, rep_book):
    client = signed_in(rep)
    rows = {
        "plan-TOTAL_FORMS": "3",
        "plan-INITIAL_FORMS": "0",
        "plan-0-amount": "500.00",
        "plan-0-due_date": "2025-02-01",
        # the second row is left blank: the third is the second line sent
        "plan-2-amount": "500.00",
    }
    response = client.post(f"/contracts/{rep_book.draft.pk}/plan/installments/", rows)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_plan-2-due_date_error">Give a due date or the milestone the installment waits for.' in page


def test_applying_terms_from_the_plan_editor(rep, rep_book, milestone_terms):
    client = signed_in(rep)
    draft = rep_book.draft
    response = client.post(
        f"/contracts/{draft.pk}/plan/apply/", {"apply-terms": milestone_terms.pk, "apply-base_date": "2025-02-01"}
    )
    assert response.status_code == 302
    plan = list(draft.installments.order_by("sequence").values_list("amount", "due_date", "milestone"))
    assert plan == [(D("300.00"), dt.date(2025, 2, 1), ""), (D("700.00"), None, "acceptance")]


def test_terminate_with_a_reason(rep, rep_book):
    client = signed_in(rep)
    contract = rep_book.contract
    # refused: before the signing, the typed reason kept
    early = client.post(
        f"/contracts/{contract.pk}/terminate/", {"terminate-on": "2024-12-01", "terminate-reason": "客户破产"}
    )
    page = early.content.decode()
    assert early.status_code == 200
    assert "A contract cannot end before it is signed." in page
    assert "客户破产</textarea>" in page
    no_reason = client.post(f"/contracts/{contract.pk}/terminate/", {"terminate-on": "2025-06-01"})
    assert "This field is required." in no_reason.content.decode()
    contract.refresh_from_db()
    assert contract.status == "active"
    # accepted
    done = client.post(
        f"/contracts/{contract.pk}/terminate/", {"terminate-on": "2025-06-01", "terminate-reason": "客户破产"}
    )
    assert done.status_code == 302
    contract.refresh_from_db()
    assert (contract.status, contract.closed_on) == ("terminated", dt.date(2025, 6, 1))
    assert "The contract is terminated." in client.get(f"/contracts/{contract.pk}/").content.decode()


def test_cancel_a_draft_with_a_reason(rep, rep_book):
    client = signed_in(rep)
    response = client.post(f"/contracts/{rep_book.draft.pk}/cancel/", {"cancel-reason": "客户取消订单"})
    assert response.status_code == 302
    rep_book.draft.refresh_from_db()
    assert rep_book.draft.status == "cancelled"


def test_refused_input_keeps_what_was_typed(rep, rep_book):
    client = signed_in(rep)
    typed = {
        "customer": rep_book.customer.pk,
        "title": "备件合同",
        "amount": "12.345",
        "currency": "CNY",
        "signed_on": "2025-03-01",
        "vat_rate": "0.13",
    }
    too_precise = client.post("/contracts/new/", typed).content.decode()
    assert 'id="id_amount_error">Enter at most 2 decimal places.' in too_precise
    assert 'value="备件合同"' in too_precise
    assert 'value="12.345"' in too_precise
    # a service's refusal, on its field
    ends_early = client.post("/contracts/new/", {**typed, "amount": "1200.00", "ends_on": "2025-02-01"})
    page = ends_early.content.decode()
    assert 'id="id_ends_on_error">The contract cannot end before it is signed.' in page
    assert 'value="2025-02-01"' in page
    assert 'value="1200.00"' in page
    assert not Contract.objects.filter(title="备件合同").exists()


def test_editing_an_active_contract_changes_only_what_it_may(rep, rep_book):
    client = signed_in(rep)
    contract = rep_book.contract
    form = client.get(f"/contracts/{contract.pk}/edit/").content.decode()
    assert 'name="title"' in form
    assert 'name="amount"' not in form
    response = client.post(f"/contracts/{contract.pk}/edit/", {"title": "设备采购合同（补充）", "notes": "见补充协议"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.notes, contract.amount) == ("设备采购合同（补充）", "见补充协议", D("10000.00"))


def test_a_rep_cannot_reach_another_reps_contract(rep, books):
    rep_book, other_book = books
    client = signed_in(rep)
    listed = client.get("/contracts/")
    assert set(numbers(listed)) == {rep_book.contract.number, rep_book.draft.number}
    exported = client.get("/contracts/?export=csv").content.decode("utf-8-sig")
    assert other_book.contract.number not in exported
    assert other_book.draft.number not in exported
    assert numbers(client.get(f"/contracts/?customer={other_book.customer.pk}")) == []
    foreign = other_book.contract.pk
    for address in (f"/contracts/{foreign}/", f"/contracts/{foreign}/edit/", f"/contracts/{other_book.draft.pk}/plan/"):
        assert client.get(address).status_code == 404, address
    for address in ("activate", "terminate", "cancel", "milestone", "plan/apply", "plan/installments", "plan/check"):
        assert client.post(f"/contracts/{other_book.draft.pk}/{address}/", {}).status_code == 404, address
    other_book.draft.refresh_from_db()
    assert other_book.draft.status == "draft"
    # the form offers only the rep's own customers
    form = client.get(f"/contracts/new/?customer={other_book.customer.pk}").content.decode()
    assert f'value="{other_book.customer.pk}"' not in form


@pytest.mark.parametrize("role", ["collector", "auditor"])
def test_read_only_roles_get_403_on_every_write_address_and_see_no_buttons(request, role, books):
    rep_book, _other_book = books
    client = signed_in(request.getfixturevalue(role))
    contract, draft = rep_book.contract, rep_book.draft
    # they read
    assert client.get("/contracts/").status_code == 200
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert 'data-testid="actions"' not in page
    assert 'method="post"' not in page.split('<main id="main"', 1)[1]  # the date picker is a GET form
    assert "/contracts/new/" not in client.get("/contracts/").content.decode()
    # they change nothing
    for address in ("/contracts/new/", f"/contracts/{draft.pk}/edit/", f"/contracts/{draft.pk}/plan/"):
        assert client.get(address).status_code == 403, address
        assert client.post(address, {}).status_code == 403, address
    assert client.get("/contracts/terms-preview/").status_code == 403
    for action in ("activate", "terminate", "cancel", "milestone", "plan/apply", "plan/installments", "plan/check"):
        assert client.post(f"/contracts/{draft.pk}/{action}/", {}).status_code == 403, action
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_actions_answer_post_only(rep, rep_book):
    assert signed_in(rep).get(f"/contracts/{rep_book.draft.pk}/activate/").status_code == 405


def test_a_page_of_the_list_costs_the_same_queries_however_many_contracts(manager, books, make_book, make_user):
    client = signed_in(manager)
    client.get("/contracts/")  # the session and the user, read once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/contracts/?collected_min=5").status_code == 200
        return len(captured)

    before = queries()
    make_book(make_user("third_rep"), name="丙方有限公司")
    assert queries() == before
