"""The customer pages: the list (filters, sorts, pages, exports equal to what it shows), one
customer, creating and changing one, and the scope and role rules on every path (address, list,
search of the list, export, buttons).

The pages link to contract, receipt and worklist pages that other parts of the workbench provide;
``tests/urls.py`` stands in for any of them not installed yet."""

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from huikuan.accounts.roles import Role
from huikuan.customers.models import Customer
from huikuan.receivables.services.allocations import allocation_create, allocation_reverse
from huikuan.receivables.services.receipts import receipt_create
from huikuan.web import exports
from huikuan.web.lists import PAGE_SIZE, plain

pytestmark = pytest.mark.django_db

VALID_TAX_ID = "91110000600037341L"


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def collector(make_user):
    return make_user("collector", Role.COLLECTOR)


@pytest.fixture
def book(make_customer, make_contract, manager, rep, other_rep):
    """``mine`` (rep): 6,000.00 due 10 Feb 2025 and 4,000.00 due 10 Mar 2025, 5,000.00 received of
    which 1,000.00 matched to the first (then reversed and matched again): balance 5,000.00, all
    10,000 − 1,000 = 9,000.00 overdue. ``theirs`` (other_rep): 2,000.00 due 1 Mar 2025, nothing
    received: balance and overdue 2,000.00. ``idle`` (rep): nothing, on hold."""
    mine = make_customer(
        owner=rep,
        name="甲方科技有限公司",
        tax_id=VALID_TAX_ID,
        tags=["重点", "华东"],
        contacts=[{"name": "王经理", "phone": "13800000000", "email": "wang@example.com", "is_primary": True}],
    )
    contract = make_contract(mine, [("6000.00", dt.date(2025, 2, 10)), ("4000.00", dt.date(2025, 3, 10))])
    first = contract.installments.get(sequence=1)
    receipt = receipt_create(actor=manager, customer=mine, received_on=dt.date(2025, 2, 1), amount=D("5000.00"))
    wrong = allocation_create(actor=manager, receipt=receipt, installment=first, amount=D("1000.00"))
    allocation_reverse(actor=manager, allocation=wrong, reason="重新核销", reversed_on=dt.date(2025, 2, 5))
    allocation_create(actor=manager, receipt=receipt, installment=first, amount=D("1000.00"))
    theirs = make_customer(owner=other_rep, name="乙方贸易有限公司")
    make_contract(theirs, [("2000.00", dt.date(2025, 3, 1))], number="HT-THEIRS")
    idle = make_customer(owner=rep, name="丙方实业有限公司", status="on_hold")
    return {"mine": mine, "theirs": theirs, "idle": idle, "contract": contract, "receipt": receipt}


def shown(response) -> list[list]:
    """The list's rows as the page shows them (the cells' values)."""
    return [[cell.value for cell in row] for row in response.context["rows"]]


def names_shown(response) -> list[str]:
    return [row[1] for row in shown(response)]


# --- the list -------------------------------------------------------------------------------------


def test_the_list_shows_each_customer_with_its_balance_and_overdue(book, manager):
    response = signed_in(manager).get("/customers/")
    assert response.status_code == 200
    page = response.content.decode()
    rows = {row[1]: row for row in shown(response)}
    assert rows["甲方科技有限公司"][2:] == [VALID_TAX_ID, "rep", "Active", "CNY", D("5000.00"), D("9000.00")]
    assert rows["乙方贸易有限公司"][-2:] == [D("2000.00"), D("2000.00")]
    assert rows["丙方实业有限公司"][-2:] == [D("0.00"), D("0.00")]
    assert "5,000.00" in page
    assert "9,000.00" in page
    assert f'href="/customers/{book["mine"].pk}/"' in page
    assert 'data-testid="new-customer"' in page
    assert "table-responsive" in page


def test_filters_and_sorts(book, manager, rep):
    client = signed_in(manager)
    assert names_shown(client.get("/customers/", {"q": "乙方"})) == ["乙方贸易有限公司"]
    assert names_shown(client.get("/customers/", {"q": "0000600037341"})) == ["甲方科技有限公司"]
    assert names_shown(client.get("/customers/", {"q": book["idle"].code})) == ["丙方实业有限公司"]
    assert set(names_shown(client.get("/customers/", {"owner": rep.pk}))) == {"甲方科技有限公司", "丙方实业有限公司"}
    assert set(names_shown(client.get("/customers/", {"has_overdue": "yes"}))) == {
        "甲方科技有限公司",
        "乙方贸易有限公司",
    }
    assert names_shown(client.get("/customers/", {"has_overdue": "no"})) == ["丙方实业有限公司"]
    assert names_shown(client.get("/customers/", {"status": "on_hold"})) == ["丙方实业有限公司"]
    assert names_shown(client.get("/customers/", {"sort": "balance"})) == [
        "甲方科技有限公司",
        "乙方贸易有限公司",
        "丙方实业有限公司",
    ]
    assert names_shown(client.get("/customers/", {"sort": "overdue"})) == [
        "甲方科技有限公司",
        "乙方贸易有限公司",
        "丙方实业有限公司",
    ]
    by_code = [c.name for c in sorted((book["mine"], book["theirs"], book["idle"]), key=lambda c: c.code)]
    assert names_shown(client.get("/customers/")) == by_code
    assert names_shown(client.get("/customers/", {"sort": "name"})) == sorted(by_code)
    # a filter the user typed wrong is shown on its field, and the list is empty
    refused = client.get("/customers/", {"owner": "999999"})
    assert refused.status_code == 200
    assert shown(refused) == []
    assert "is-invalid" in refused.content.decode()


def test_the_team_filter_is_there_for_company_wide_users_and_the_company_filter_only_across_companies(
    book, manager, rep, team
):
    manager_form = signed_in(manager).get("/customers/").context["form"]
    assert "team" in manager_form.fields
    assert "company" not in manager_form.fields
    assert len(names_shown(signed_in(manager).get("/customers/", {"team": team.pk}))) == 3
    rep_form = signed_in(rep).get("/customers/").context["form"]
    assert "team" not in rep_form.fields
    assert "company" not in rep_form.fields


def test_the_list_is_paged(make_customer, manager):
    for _index in range(PAGE_SIZE + 3):
        make_customer()
    client = signed_in(manager)
    first = client.get("/customers/")
    assert len(shown(first)) == PAGE_SIZE
    assert 'rel="next"' in first.content.decode()
    second = client.get("/customers/", {"page": 2})
    assert len(shown(second)) == 3
    assert set(names_shown(first)).isdisjoint(names_shown(second))
    assert client.get("/customers/", {"page": "last"}).context["page"].number == 2
    assert client.get("/customers/", {"page": 3}).status_code == 404
    assert client.get("/customers/", {"page": "x"}).status_code == 404


def _normal(value):
    """A cell as a string, numbers to the cent, so xlsx floats, CSV text and the page's Decimals
    compare."""
    if isinstance(value, int | float | D) and not isinstance(value, bool):
        return f"{D(str(value)):.2f}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = "" if value is None else str(value)
    try:
        return f"{D(text):.2f}" if text and text.lstrip("-").replace(".", "", 1).isdigit() else text
    except ArithmeticError:
        return text


def _expected(response):
    header = [str(column.label) for column in response.context["columns"]]
    body = [[_normal(plain(value)) for value in row] for row in shown(response)]
    return [header, *body]


@pytest.mark.parametrize("query", [{}, {"has_overdue": "yes", "sort": "balance"}, {"q": "甲方"}])
def test_the_exports_hold_exactly_what_the_list_shows(book, manager, query):
    client = signed_in(manager)
    expected = _expected(client.get("/customers/", query))
    xlsx = client.get("/customers/", {**query, "export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == exports.XLSX_TYPE
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    assert [[_normal(v) for v in row] for row in sheet.iter_rows(values_only=True)] == expected
    response = client.get("/customers/", {**query, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [[_normal(v) for v in row] for row in rows] == expected


def test_an_export_too_long_is_refused_with_a_message_and_the_page(book, manager, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    response = signed_in(manager).get("/customers/", {"export": "xlsx"})
    assert response.status_code == 200
    assert "narrow the filters" in response.content.decode()
    assert len(shown(response)) == 3


# --- one customer ---------------------------------------------------------------------------------


def test_the_customer_page(book, manager):
    mine = book["mine"]
    response = signed_in(manager).get(f"/customers/{mine.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    [figures] = response.context["figures"]
    assert (figures.balance, figures.open_installments, figures.unapplied_cash, figures.overdue) == (
        D("5000.00"),
        D("9000.00"),
        D("4000.00"),
        D("9000.00"),
    )
    for text in ("甲方科技有限公司", mine.code, VALID_TAX_ID, "rep", "Active", "重点", "华东", "王经理", "13800000000"):
        assert text in page
    assert "wang@example.com" in page
    for text in ("5,000.00", "9,000.00", "4,000.00"):
        assert text in page
    kinds = [event.kind for _label, event in response.context["events"]]
    assert kinds.count("allocation") == 2
    assert kinds.count("allocation_reversed") == 1
    assert {"contract_signed", "installment_due", "receipt"} <= set(kinds)
    assert "Allocation reversed" in page
    assert "重新核销" in page
    # links to the contract, the receipt and the worklist filtered to this customer
    assert reverse("contract_detail", args=[book["contract"].pk]) in page
    assert reverse("receipt_detail", args=[book["receipt"].pk]) in page
    assert f"{reverse('receivables')}?customer={mine.pk}" in page
    assert f"{reverse('contract_create')}?customer={mine.pk}" in page
    assert f"{reverse('receipt_create')}?customer={mine.pk}" in page
    assert 'data-testid="edit"' in page


def test_the_timeline_shows_more_on_request(book, manager):
    client = signed_in(manager)
    mine = book["mine"]
    for day in range(1, 25):
        receipt_create(actor=manager, customer=mine, received_on=dt.date(2025, 5, day), amount=D("10.00"))
    first = client.get(f"/customers/{mine.pk}/")
    assert len(first.context["events"]) == 20
    assert 'data-testid="more-events"' in first.content.decode()
    more = client.get(f"/customers/{mine.pk}/", {"events": 40})
    assert len(more.context["events"]) == 31  # 24 + 7 events of the book
    assert 'data-testid="more-events"' not in more.content.decode()
    assert client.get(f"/customers/{mine.pk}/", {"events": "lots"}).status_code == 200


# --- creating and changing ------------------------------------------------------------------------


def form_data(**changes):
    data = {
        "code": "",
        "name": "戊方电子有限公司",
        "tax_id": "",
        "address": "杭州市西湖区",
        "status": "active",
        "credit_limit": "50000.00",
        "default_terms": "",
        "tags": "新客户，华东, 新客户",
        "notes": "",
        "contact_0_name": "李会计",
        "contact_0_role": "财务",
        "contact_0_phone": "0571-88888888",
        "contact_0_email": "li@example.com",
        "contact_1_name": "",
        "contact_1_role": "",
        "contact_1_phone": "",
        "contact_1_email": "",
    }
    data.update(changes)
    return data


def test_create_a_customer(manager, rep):
    client = signed_in(manager)
    page = client.get("/customers/new/")
    assert page.status_code == 200
    assert "owner" in page.context["form"].fields
    response = client.post("/customers/new/", form_data(owner=rep.pk))
    customer = Customer.objects.get(name="戊方电子有限公司")
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert customer.owner == rep
    assert customer.credit_limit == D("50000.00")
    assert sorted(t.name for t in customer.tags.all()) == sorted(["新客户", "华东"])  # typed twice, kept once
    [contact] = customer.contacts.all()
    assert (contact.name, contact.role, contact.phone, contact.email, contact.is_primary) == (
        "李会计",
        "财务",
        "0571-88888888",
        "li@example.com",
        True,
    )
    assert "created" in client.get(response["Location"]).content.decode()


def test_a_sales_rep_creates_customers_for_themselves_without_an_owner_field(rep):
    client = signed_in(rep)
    assert "owner" not in client.get("/customers/new/").context["form"].fields
    response = client.post("/customers/new/", form_data(owner="999"))
    assert response.status_code == 302
    assert Customer.objects.get(name="戊方电子有限公司").owner == rep


def test_a_refused_customer_shows_the_error_on_its_field_keeps_the_input_and_saves_nothing(manager):
    client = signed_in(manager)
    response = client.post("/customers/new/", form_data(tax_id="12345", owner=manager.pk))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["tax_id"] == ["This is not a valid unified social credit code."]
    page = response.content.decode()
    assert 'value="12345"' in page
    assert 'value="戊方电子有限公司"' in page
    assert 'value="李会计"' in page
    assert 'id="id_tax_id_error"' in page
    assert not Customer.objects.filter(name="戊方电子有限公司").exists()
    # a contact with a phone but no name: the error is on that row's name
    response = client.post(
        "/customers/new/",
        form_data(
            owner=manager.pk,
            contact_0_name="",
            contact_0_phone="",
            contact_0_email="",
            contact_0_role="",
            contact_1_phone="13900000000",
        ),
    )
    assert response.context["form"].errors["contact_1_name"] == ["Every contact needs a name."]
    assert 'value="13900000000"' in response.content.decode()
    assert not Customer.objects.filter(name="戊方电子有限公司").exists()
    # what the form itself refuses (no name, a bad e-mail) is shown the same way
    response = client.post("/customers/new/", form_data(owner=manager.pk, name="", contact_0_email="not-an-email"))
    assert set(response.context["form"].errors) == {"name", "contact_0_email"}
    assert Customer.objects.count() == 0


def test_a_code_already_taken_is_refused_on_the_code_field(book, manager):
    taken = book["mine"].code
    response = signed_in(manager).post("/customers/new/", form_data(code=taken, owner=manager.pk))
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert f'value="{taken}"' in response.content.decode()
    assert not Customer.objects.filter(name="戊方电子有限公司").exists()


def test_edit_a_customer(book, manager, other_rep):
    mine = book["mine"]
    client = signed_in(manager)
    page = client.get(f"/customers/{mine.pk}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    assert form["name"].value() == "甲方科技有限公司"
    assert form["tags"].value() in ("华东, 重点", "重点, 华东")
    assert form["contact_0_name"].value() == "王经理"
    assert "code" not in form.fields
    data = form_data(
        name="甲方科技股份有限公司",
        tax_id=VALID_TAX_ID,
        owner=other_rep.pk,
        tags="重点",
        contact_0_name="王总",
        contact_1_name="赵出纳",
        contact_1_phone="13700000000",
    )
    response = client.post(f"/customers/{mine.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    mine.refresh_from_db()
    assert (mine.name, mine.owner, mine.address) == ("甲方科技股份有限公司", other_rep, "杭州市西湖区")
    assert [t.name for t in mine.tags.all()] == ["重点"]
    assert [(c.name, c.is_primary) for c in mine.contacts.order_by("-is_primary", "pk")] == [
        ("王总", True),
        ("赵出纳", False),
    ]


def test_a_refused_edit_keeps_the_input_and_changes_nothing(book, manager):
    theirs = book["theirs"]
    response = signed_in(manager).post(
        f"/customers/{theirs.pk}/edit/", form_data(name="改名", tax_id="bad", owner=theirs.owner_id)
    )
    assert response.status_code == 200
    assert "tax_id" in response.context["form"].errors
    assert 'value="改名"' in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.name == "乙方贸易有限公司"


# --- scope and role -------------------------------------------------------------------------------


def test_a_sales_rep_cannot_reach_another_reps_customer_by_any_path(book, rep):
    client = signed_in(rep)
    theirs = book["theirs"]
    assert client.get(f"/customers/{theirs.pk}/").status_code == 404
    assert client.get(f"/customers/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/customers/{theirs.pk}/edit/", form_data(name="占为己有")).status_code == 404
    assert client.get("/customers/999999/").status_code == 404
    assert set(names_shown(client.get("/customers/"))) == {"甲方科技有限公司", "丙方实业有限公司"}
    assert names_shown(client.get("/customers/", {"q": "乙方"})) == []
    assert names_shown(client.get("/customers/", {"q": theirs.code})) == []
    for fmt in ("csv", "xlsx"):
        body = client.get("/customers/", {"export": fmt, "q": "乙方"}).content
        everything = client.get("/customers/", {"export": fmt}).content
        if fmt == "csv":
            assert "乙方" not in body.decode("utf-8-sig")
            assert "乙方" not in everything.decode("utf-8-sig")
            assert "甲方科技有限公司" in everything.decode("utf-8-sig")
        else:
            values = [
                v for row in load_workbook(io.BytesIO(everything)).active.iter_rows(values_only=True) for v in row
            ]
            assert "乙方贸易有限公司" not in values
            assert "甲方科技有限公司" in values
    theirs.refresh_from_db()
    assert theirs.name == "乙方贸易有限公司"


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.AUDITOR])
def test_read_only_roles_get_403_on_create_and_edit_and_see_no_button(book, make_user, role):
    user = make_user(f"reader_{role}", role)
    client = signed_in(user)
    mine = book["mine"]
    assert client.get("/customers/new/").status_code == 403
    assert client.post("/customers/new/", form_data()).status_code == 403
    assert client.get(f"/customers/{mine.pk}/edit/").status_code == 403
    assert client.post(f"/customers/{mine.pk}/edit/", form_data()).status_code == 403
    assert not Customer.objects.filter(name="戊方电子有限公司").exists()
    listing = client.get("/customers/").content.decode()
    assert 'data-testid="new-customer"' not in listing
    detail = client.get(f"/customers/{mine.pk}/").content.decode()
    for button in ("edit", "new-contract", "enter-receipt"):
        assert f'data-testid="{button}"' not in detail
    assert 'data-testid="worklist"' in detail


def test_a_visitor_is_sent_to_sign_in(book):
    response = Client().get("/customers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_pages_speak_chinese(book, manager):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(manager)
    page = client.get("/customers/").content.decode()
    assert "客户" in page
