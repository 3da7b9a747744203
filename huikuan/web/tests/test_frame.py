"""The workbench frame: sign-in and out, lockout, the language switch kept per user, the home page
per role, search within scope, and the vendor static files served from their packages."""

import datetime as dt

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from huikuan.accounts.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "test-pass-123"


def signed_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_a_visitor_is_sent_to_sign_in_and_the_sign_in_page_speaks_chinese_by_default():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"
    page = Client().get("/login/")
    assert page.status_code == 200
    assert "登录" in page.content.decode()


def test_sign_in_and_out(rep):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    refused = client.post("/login/", {"username": "rep", "password": "wrong"})
    assert refused.status_code == 200
    assert "Please enter a correct username and password" in refused.content.decode()
    assert 'value="rep"' in refused.content.decode()  # what was typed is kept
    response = client.post("/login/", {"username": "rep", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/").status_code == 200
    # a link cannot sign anyone out: GET asks, POST signs out
    assert client.get("/logout/").status_code == 200
    assert client.get("/").status_code == 200
    response = client.post("/logout/")
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert client.get("/").status_code == 302


def test_guessed_passwords_lock_the_sign_in_page(rep, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _attempt in range(3):
        client.post("/login/", {"username": "rep", "password": "guess"}, REMOTE_ADDR="10.0.0.9")
    locked = client.post("/login/", {"username": "rep", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "Retry-After" in locked


def test_the_language_switch_is_kept_on_the_user(rep):
    client = signed_in(rep, language="zh-hans")
    assert "首页" in client.get("/").content.decode()
    response = client.post("/language/", {"language": "en", "next": "/receivables/"})
    assert (response.status_code, response["Location"]) == (302, "/receivables/")
    rep.refresh_from_db()
    assert rep.language == "en"
    # another browser asking for Chinese still gets the user's choice
    other = signed_in(rep, language="zh-hans")
    assert ">Home<" in other.get("/").content.decode()


def test_the_language_switch_refuses_unknown_languages_and_foreign_next_addresses(rep):
    client = signed_in(rep)
    response = client.post("/language/", {"language": "xx", "next": "https://elsewhere.example/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    rep.refresh_from_db()
    assert rep.language == ""
    assert client.get("/language/").status_code == 405


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.FINANCE_MANAGER, Role.AR_CLERK, Role.COLLECTOR, Role.SALES_REP, Role.AUDITOR]
)
def test_every_role_has_a_home(make_user, role):
    user = make_user(f"user_{role}", role)
    response = signed_in(user).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="kpi-receivable"' in body
    assert ("Enter a receipt" in body) == (role in (Role.ADMIN, Role.FINANCE_MANAGER, Role.AR_CLERK, Role.SALES_REP))
    assert ("Settings" in body) == (role in (Role.ADMIN, Role.FINANCE_MANAGER))


def test_home_figures_are_scoped(rep, other_rep, rep_book, other_book):
    body = signed_in(rep).get("/").content.decode()
    assert rep_book.customer.name in body
    assert other_book.customer.name not in body


def test_search_finds_only_what_the_user_may_see(rep, manager, rep_book, other_book):
    client = signed_in(rep)
    theirs = other_book
    for text in (theirs.customer.name, theirs.customer.code, theirs.contract.number, theirs.receipt.number):
        body = client.get("/search/", {"q": text}).content.decode()
        # the text is echoed back, but nothing of theirs is found
        assert 'data-testid="no-results"' in body, text
        for address in (f"/customers/{theirs.customer.pk}/", f"/contracts/{theirs.contract.pk}/"):
            assert address not in body, text
        assert f"/receipts/{theirs.receipt.pk}/" not in body, text
    mine = client.get("/search/", {"q": rep_book.contract.number}).content.decode()
    assert f"/contracts/{rep_book.contract.pk}/" in mine
    everything = signed_in(manager).get("/search/", {"q": "有限公司"}).content.decode()
    assert rep_book.customer.name in everything
    assert other_book.customer.name in everything


def test_search_takes_oversized_and_odd_input_without_error(rep):
    client = signed_in(rep)
    for text in ("x" * 5000, "%_\\'\"<script>", "", "   "):
        response = client.get("/search/", {"q": text})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_vendor_files_come_from_their_packages_and_are_served():
    for name in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/plotly/plotly.min.js",
    ):
        found = finders.find(name)
        assert found, name
        assert "site-packages" in found or "dist-packages" in found, name
    response = Client().get("/static/vendor/bootstrap/bootstrap.min.css")
    assert response.status_code == 200


def test_pages_load_nothing_from_another_host(rep, rep_book):
    client = signed_in(rep)
    for address in ("/", "/receivables/", "/login/"):
        body = client.get(address).content.decode()
        for marker in ('src="http', "src='http", 'href="http', "href='http", 'src="//', 'href="//'):
            assert marker not in body, (address, marker)


def test_the_home_chart_is_scoped_and_takes_any_currency_text(rep, manager, rep_book, other_book):
    import json

    def series(user, **query):
        response = signed_in(user).get("/home/chart/", query)
        assert response.status_code == 200
        text = response.content.decode()
        data = text.split('<script id="chart-data" type="application/json">', 1)[1].split("</script>", 1)[0]
        return json.loads(data)

    assert series(rep, currency="<b>")["labels"]["currency"] == "CNY"
    mine, everyone = series(rep), series(manager)
    assert sum(float(v) for v in mine["collected"]) < sum(float(v) for v in everyone["collected"]) or not any(
        float(v) for v in everyone["collected"]
    )
    assert Client().get("/home/chart/").status_code == 302


def test_search_finds_numbers_by_their_start_and_bank_references_exactly(manager, rep_book):
    from huikuan.receivables.services.receipts import receipt_create

    receipt_create(
        actor=manager,
        customer=rep_book.customer,
        received_on=dt.date(2025, 3, 1),
        amount=__import__("decimal").Decimal("10.00"),
        bank_reference="CMB20250301-7781",
    )
    client = signed_in(manager)
    number = rep_book.contract.number
    for text in (number[:-1], number.lower(), number):
        assert f"/contracts/{rep_book.contract.pk}/" in client.get("/search/", {"q": text}).content.decode(), text
    assert f"/contracts/{rep_book.contract.pk}/" not in client.get("/search/", {"q": number[3:]}).content.decode()
    found = client.get("/search/", {"q": "CMB20250301-7781"}).content.decode()
    assert "CMB20250301-7781" in found.split("<main", 1)[1].split("</h1>", 1)[1]
    assert 'data-testid="no-results"' in client.get("/search/", {"q": "CMB2025"}).content.decode()
