"""What the pages' live parts (htmx) send, recorded in a real browser: no GET address carries the
CSRF token. A GET address ends up in access logs, the browser's history and the Referer of what
follows; the token belongs in the body of a POST (and the X-CSRFToken header htmx sends). Used as a
finance manager uses them: the plan editor's template preview and its sum check, the contract form's
customer suggestions and preview, and the matching panel's running total (the templates themselves
are read in test_htmx_gets.py)."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from huikuan.terms.choices import AmountKind, DueRule
from huikuan.terms.services import terms_create

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "test-pass-123"
TOKEN = "csrfmiddlewaretoken"


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return str(translation.gettext(text))


def labelled(scope, text: str):
    return scope.get_by_label(re.compile(rf"^{re.escape(zh(text))}( \*)?$"))


@pytest.fixture
def halves(company, manager):
    return terms_create(
        actor=manager,
        company=company,
        name="50% 首付 / 50% 30天",
        lines=[
            {"amount_kind": AmountKind.PERCENT, "percent": Decimal(50), "due_rule": DueRule.AFTER_BASE},
            {"amount_kind": AmountKind.PERCENT, "percent": Decimal(50), "due_rule": DueRule.AFTER_BASE, "days": 30},
        ],
    )


def test_no_get_address_carries_the_csrf_token(visit, manager, rep_book, halves):
    page = visit.page
    sent: list[tuple[str, str, str]] = []
    page.on("request", lambda request: sent.append((request.method, request.url, request.post_data or "")))
    page.goto("/login/")
    labelled(page, "Username").fill("manager")
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name=zh("Sign in")).click()
    page.wait_for_url(f"{visit.base_url}/")

    # the plan editor: a template previewed (GET), an amount typed and checked (POST)
    page.goto(f"/contracts/{rep_book.draft.pk}/plan/")
    with page.expect_response(re.compile(r"/contracts/terms-preview/\?")):
        labelled(page, "Payment terms").select_option(label=halves.name)
    expect(page.get_by_test_id("terms-preview").locator("tbody tr")).to_have_count(2)
    with page.expect_response(re.compile(r"/contracts/terms-preview/\?")):
        labelled(page, "Base date").fill("2025-04-01")
    with page.expect_response(re.compile(rf"/contracts/{rep_book.draft.pk}/plan/check/$")):
        page.locator("#id_plan-0-amount").fill("400.00")

    # the contract form: the customer suggested as it is typed, the template's preview
    page.goto("/contracts/new/")
    with page.expect_response(re.compile(r"/receipts/customers/\?")):
        labelled(page, "Customer").press_sequentially("甲方", delay=50)
    page.locator("#customer-options option").first.wait_for(state="attached")
    labelled(page, "Amount").fill("8000.00")
    labelled(page, "Signed on").fill("2025-03-14")
    with page.expect_response(re.compile(r"/contracts/terms-preview/\?")):
        labelled(page, "Payment terms").select_option(label=halves.name)
    expect(page.get_by_test_id("terms-preview").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("terms-preview").locator("tfoot")).to_contain_text("8,000.00")

    # the matching panel's running total
    page.goto(f"/receipts/{rep_book.receipt.pk}/")
    with page.expect_response(re.compile(rf"/receipts/{rep_book.receipt.pk}/allocate/total/\?")):
        page.locator(".amount-input").first.fill("1500.00")
    expect(page.get_by_test_id("match-total")).to_contain_text("1,500.00")

    gets = [url for method, url, _body in sent if method == "GET"]
    live = [url for url in gets if re.search(r"/(terms-preview|customers|total)/\?", url)]
    assert len(live) >= 5, gets  # the live parts were used: what follows checks something
    assert [url for url in gets if TOKEN in parse_qs(urlsplit(url).query)] == []
    assert [url for url in gets if TOKEN in url] == []
    # what the previews and the total need still goes: the template, the amount, the typed rows
    previews = [parse_qs(urlsplit(url).query, keep_blank_values=True) for url in live if "/terms-preview/" in url]
    assert all("amount" in query and ("terms" in query or "apply-terms" in query) for query in previews), previews
    assert any(query.get("terms") == [str(halves.pk)] and query["amount"] == ["8000.00"] for query in previews)
    assert any(query.get("apply-base_date") == ["2025-04-01"] for query in previews)
    totals = [parse_qs(urlsplit(url).query, keep_blank_values=True) for url in live if "/total/" in url]
    assert any("1500.00" in values for query in totals for values in query.values()), totals
    # the sum check is a POST: the token goes in its body, not in its address
    checks = [(url, body) for method, url, body in sent if method == "POST" and "/plan/check/" in url]
    assert checks
    assert all(TOKEN not in url for url, _body in checks)
