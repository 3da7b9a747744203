"""The main flows in a real browser, at 1280 and 375 px, in Chinese as a new user meets them: a
clerk creates a customer, a contract from payment terms, records the acceptance, enters a receipt,
accepts the proposed matching, sees home and the worklist change, exports the worklist to Excel
and opens the file, switches to English and signs out. A sales rep cannot reach another rep's
customer. Screenshots of every main page are kept (var/screenshots/)."""

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook

from huikuan.accounts.roles import Role
from huikuan.core.dates import today
from huikuan.terms.choices import AmountKind, DueRule, MilestoneKind
from huikuan.terms.services import terms_create

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "test-pass-123"


def zh(text: str) -> str:
    """What a Chinese user reads for ``text`` (the catalog's translation)."""
    with translation.override("zh-hans"):
        return str(translation.gettext(text))


def labelled(page, text: str):
    """The field whose label reads ``text`` in Chinese (a required field's label ends in "*")."""
    return page.get_by_label(re.compile(rf"^{re.escape(zh(text))}( \*)?$"))


def sign_in(visit, username: str) -> None:
    page = visit.page
    page.goto("/login/")
    labelled(page, "Username").fill(username)
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name=zh("Sign in")).click()
    page.wait_for_url(f"{visit.base_url}/")


def open_menu(visit) -> None:
    toggler = visit.page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        visit.page.locator("#topbar.show").wait_for()


def go(visit, section: str) -> None:
    """Open a section from the top bar, as a user would."""
    open_menu(visit)
    visit.page.locator("#topbar").get_by_role("link", name=zh(section), exact=True).click()
    visit.page.wait_for_load_state()


def amount_of(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.]", "", text))


@pytest.fixture
def project_terms(company, manager):
    """30% on signing, 70% 30 days after acceptance."""
    return terms_create(
        actor=manager,
        company=company,
        name="30% 预付 / 70% 验收后30天",
        lines=[
            {
                "amount_kind": AmountKind.PERCENT,
                "percent": Decimal("30"),
                "due_rule": DueRule.AFTER_BASE,
                "label": "预付款",
            },
            {
                "amount_kind": AmountKind.PERCENT,
                "percent": Decimal("70"),
                "due_rule": DueRule.AFTER_MILESTONE,
                "milestone": MilestoneKind.ACCEPTANCE,
                "days": 30,
                "label": "验收款",
            },
        ],
    )


def test_a_clerks_day(visit, make_user, project_terms):
    make_user("clerk", Role.AR_CLERK, first_name="静", last_name="陈")
    page = visit.page
    signed = today() - dt.timedelta(days=60)
    accepted = today() - dt.timedelta(days=40)  # so the 70% fell due 10 days ago
    sign_in(visit, "clerk")
    visit.shot("home-empty")

    # a customer
    go(visit, "Customers")
    page.get_by_role("link", name=zh("New customer")).first.click()
    labelled(page, "Name").fill("杭州云帆网络科技有限公司")
    labelled(page, "Contact name").first.fill("李明")
    labelled(page, "Phone").first.fill("13800138000")
    visit.shot("customer-form")
    page.get_by_role("button", name=zh("Save")).click()
    page.wait_for_url(re.compile(r"/customers/\d+/$"))
    assert "杭州云帆网络科技有限公司" in page.locator("h1").inner_text()

    # a contract from payment terms, from the customer's page
    page.get_by_role("link", name=zh("New contract")).first.click()
    labelled(page, "Title").fill("云平台建设项目")
    labelled(page, "Amount").fill("100000.00")
    labelled(page, "Signed on").fill(signed.isoformat())
    labelled(page, "Payment terms").select_option(label=project_terms.name)
    visit.shot("contract-form")
    page.get_by_role("button", name=zh("Create the draft")).click()
    page.wait_for_url(re.compile(r"/contracts/\d+/$"))
    plan = page.get_by_test_id("plan")
    assert "30,000.00" in plan.inner_text()
    assert "70,000.00" in plan.inner_text()
    number = page.get_by_test_id("number").inner_text()
    page.get_by_role("button", name=zh("Activate")).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == zh("Active")

    # acceptance recorded: the 70% falls due 30 days later
    page.locator("summary", has_text=zh("Record a milestone")).click()
    labelled(page, "Milestone").select_option(MilestoneKind.ACCEPTANCE)
    labelled(page, "Reached on").fill(accepted.isoformat())
    page.get_by_role("button", name=zh("Record"), exact=True).click()
    page.wait_for_load_state()
    assert (accepted + dt.timedelta(days=30)).isoformat() in page.get_by_test_id("plan").inner_text()
    assert amount_of(page.get_by_test_id("overdue").inner_text()) == Decimal("100000.00")
    visit.shot("contract")

    # home shows what is overdue
    go(visit, "Home")
    assert amount_of(page.get_by_test_id("kpi-overdue").locator(".kpi-value").inner_text()) == Decimal("100000.00")

    # a receipt naming the contract; the proposed matching accepted as it is
    page.get_by_role("link", name=zh("Enter a receipt")).click()
    # typing starts once the page has loaded, else htmx may not yet listen to the box
    page.wait_for_url(re.compile(r"/receipts/new/"))
    page.wait_for_load_state()
    # the customer box suggests as one types (htmx fills the datalist from the server)
    with page.expect_response(re.compile(r"/receipts/customers/\?"), timeout=30_000):
        labelled(page, "Customer").press_sequentially("云帆", delay=50)
    page.locator("#customer-options option[value*='杭州云帆网络科技有限公司']").wait_for(state="attached")
    labelled(page, "Customer").fill("杭州云帆网络科技有限公司")
    labelled(page, "Amount").fill("90000.00")
    labelled(page, "Memo").fill(f"{number} 预付款及验收款")
    visit.shot("receipt-form")
    page.get_by_role("button", name=zh("Save and match")).click()
    page.wait_for_url(re.compile(r"/receipts/\d+/$"))
    assert page.get_by_test_id("matching-panel").is_visible()
    # the total follows what is typed (worked out on the server), and the proposal can be changed
    first_amount = page.locator(".amount-input").first
    first_amount.fill("29000.00")
    page.get_by_test_id("match-total").filter(has_text="89,000.00").wait_for()
    first_amount.fill("30000.00")
    page.get_by_test_id("match-total").filter(has_text="90,000.00").wait_for()
    visit.shot("receipt-matching")
    page.get_by_test_id("confirm-match").click()
    page.wait_for_load_state()
    assert amount_of(page.get_by_test_id("unapplied").inner_text()) == Decimal("0.00")

    # home and the worklist changed: 10,000 left, still overdue
    go(visit, "Home")
    assert amount_of(page.get_by_test_id("kpi-overdue").locator(".kpi-value").inner_text()) == Decimal("10000.00")
    assert amount_of(page.get_by_test_id("kpi-collected").locator(".kpi-value").inner_text()) == Decimal("90000.00")
    visit.shot("home")
    go(visit, "Receivables")
    table = page.locator("table.list-table").inner_text()
    assert number in table
    assert "10,000.00" in table
    visit.shot("worklist")

    # the worklist to Excel, opened
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == zh("Due date")
    assert [(r[3], Decimal(str(r[8]))) for r in rows[1:]] == [(number, Decimal("10000.00"))]

    # the other lists, for the screenshots
    for section in ("Customers", "Contracts", "Receipts"):
        go(visit, section)
        assert visit.no_sideways_scroll(), section
        visit.shot(section.lower())

    # English, then sign out
    open_menu(visit)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Receipts").is_visible()
    open_menu(visit)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")


def test_a_sales_rep_cannot_reach_another_reps_customer(visit, rep, other_book, rep_book):
    sign_in(visit, "rep")
    page = visit.page
    response = page.goto(f"/customers/{other_book.customer.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", name=zh("Not found")).is_visible()
    response = page.goto(f"/contracts/{other_book.contract.pk}/")
    assert response.status == 404
    page.goto("/customers/")
    listed = page.locator("table.list-table").inner_text()
    assert rep_book.customer.name in listed
    assert other_book.customer.name not in listed
    visit.shot("customers-rep")


def test_a_finance_manager_edits_terms_with_a_live_preview(visit, make_user, project_terms):
    make_user("finance", Role.FINANCE_MANAGER)
    sign_in(visit, "finance")
    go(visit, "Settings")
    assert project_terms.name in visit.page.locator("main").inner_text()
    assert visit.no_sideways_scroll()
    visit.shot("settings")
