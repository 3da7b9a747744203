"""The bank pages in a real browser, at 1280 and 375 px, in Chinese: finance sets up a bank account
(its number then shown masked), a clerk imports the bank's CSV export, one payment is matched on its
own and one waits for review, the clerk accepts the proposal in one click, the queue is empty and the
statement shows both lines matched; nothing reaches past the right edge or asks another host."""

import datetime as dt

import pytest
from django.utils import translation

from huikuan.accounts.roles import Role
from huikuan.bank.models import BankAccount, BankLine, BankStatement, LineStatus, MatchedBy
from huikuan.bank.reasons import reasons_text
from huikuan.bank.tests.conftest import csv_file
from huikuan.core import money
from huikuan.core.dates import today
from huikuan.web.tests.test_browser_flows import go, labelled, open_menu, zh
from huikuan.web.tests.test_browser_frame import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = "杭州云帆网络科技有限公司"
ABBREVIATED = "云帆网络科技"  # without the city and the legal form
NUMBER = "6222 0212 3456 7890 123"


def zh_format(msgid: str, **values: object) -> str:
    """A {% blocktranslate %} sentence as a Chinese user reads it."""
    return zh(msgid) % values


def reasons_in_chinese(line: BankLine) -> list[str]:
    with translation.override("zh-hans"):
        return reasons_text(line.proposals[0]["reasons"])


def sign_out(visit) -> None:
    open_menu(visit)
    visit.page.get_by_role("button", name=zh("Sign out")).click()
    visit.page.wait_for_url("**/login/")


def test_a_statement_imported_matched_and_reviewed(visit, make_user, manager, make_customer, make_contract):
    make_user("finance", Role.FINANCE_MANAGER, first_name="芳", last_name="王")
    make_user("clerk", Role.AR_CLERK, first_name="静", last_name="陈")
    customer = make_customer(owner=manager, name=CUSTOMER)
    contract = make_contract(customer, [("3000.00", dt.date(2025, 2, 1)), ("5000.00", dt.date(2025, 3, 1))])
    page = visit.page

    # finance adds the account; its number is shown masked from then on
    sign_in(visit, "finance")
    go(visit, "Bank")
    assert page.get_by_test_id("review-table").is_visible()
    page.goto("/bank/accounts/new/")
    labelled(page, "Name").fill("工行基本户")
    labelled(page, "Bank").fill("中国工商银行")
    labelled(page, "Account number").fill(NUMBER)
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("bank-account-form")
    page.locator("main form").get_by_role("button", name=zh("Save")).click()
    page.wait_for_url("**/bank/accounts/")
    accounts = page.get_by_test_id("account-table").inner_text()
    assert "工行基本户" in accounts
    assert "**** 0123" in accounts
    assert "6222" not in page.content()
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("bank-accounts")
    account = BankAccount.objects.get()
    assert (account.currency, account.auto_threshold, account.number_last_digits) == ("CNY", 90, "0123")
    sign_out(visit)

    # the clerk imports the bank's export: one sure payment, one from an abbreviated name
    sign_in(visit, "clerk")
    go(visit, "Bank")
    page.locator("main").locator('a[href="/bank/import/"]').first.click()
    page.wait_for_url("**/bank/import/")
    assert visit.no_sideways_scroll(), visit.too_wide()
    sure_day, other_day = today() - dt.timedelta(days=3), today() - dt.timedelta(days=2)
    data = csv_file(
        f"{sure_day:%Y-%m-%d},3000.00,,{CUSTOMER},6222020200112233,货款 {contract.number},13000.00",
        f"{other_day:%Y-%m-%d},1000.00,,{ABBREVIATED},,货款,14000.00",
    )
    page.locator('main input[type="file"]').set_input_files(
        {"name": "工行流水.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.locator("main form[enctype]").get_by_role("button", name=zh("Import")).click()
    page.wait_for_load_state()
    result = page.get_by_test_id("import-result").inner_text()
    assert (
        zh_format("%(read)s lines read: %(new)s new, %(duplicates)s already imported.", read=2, new=2, duplicates=0)
        in result
    )
    assert (
        zh_format(
            "%(applied)s matched automatically, %(review)s left for review, %(outgoing)s money out (ignored).",
            applied=1,
            review=1,
            outgoing=0,
        )
        in result
    )
    assert f"{sure_day:%Y-%m-%d} – {other_day:%Y-%m-%d}" in result
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("bank-import-result")
    sure, unsure = BankLine.objects.order_by("booked_on")
    assert (sure.status, sure.matched_by, sure.customer) == (LineStatus.MATCHED, MatchedBy.AUTO, customer)
    assert (unsure.status, unsure.receipt) == (LineStatus.OPEN, None)
    confidence = unsure.proposals[0]["confidence"]
    assert confidence < account.auto_threshold

    # the review queue: the proposal with its confidence and reasons, accepted in one click
    page.get_by_test_id("import-result").locator('a[href="/bank/"]').click()
    page.wait_for_url("**/bank/")
    queue = page.get_by_test_id("review-table")
    row = queue.locator(f'[data-testid="line-{unsure.pk}"]')
    assert row.get_by_role("link", name=ABBREVIATED, exact=True).is_visible()
    assert money.display(unsure.amount) in row.inner_text()
    assert queue.locator("tbody tr").count() == 1  # the sure one is done already
    proposal = row.locator('[data-testid="proposal"]:visible')
    assert proposal.count() == 1
    shown = proposal.inner_text()
    assert CUSTOMER in shown
    assert f"{confidence}%" in shown
    assert contract.number in shown
    for reason in reasons_in_chinese(unsure):
        assert reason in shown
    assert page.get_by_test_id("bulk-accept").is_visible()
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("bank-review")
    row.get_by_role("button", name=zh("Accept"), exact=True).click()
    page.wait_for_url("**/bank/")
    unsure.refresh_from_db()
    assert (unsure.status, unsure.matched_by, unsure.customer) == (LineStatus.MATCHED, MatchedBy.USER, customer)
    assert unsure.receipt.number in page.locator("main").inner_text()
    queue = page.get_by_test_id("review-table")
    assert queue.locator("[data-testid^='line-']").count() == 0
    assert zh("Nothing to review.") in queue.inner_text()
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("bank-review-empty")

    # the statement: both lines matched
    page.locator("main").locator('a[href="/bank/statements/"]').first.click()
    page.wait_for_url("**/bank/statements/")
    statement = BankStatement.objects.get()
    listed = page.get_by_test_id("statement-table")
    reconciled = zh_format(
        "%(matched)s matched · %(partly)s partly · %(open)s open · %(ignored)s ignored",
        matched=2,
        partly=0,
        open=0,
        ignored=0,
    )
    assert reconciled in listed.inner_text()
    assert "工行流水.csv" in listed.inner_text()
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("bank-statements")
    listed.locator(f'a[href="/bank/statements/{statement.pk}/"]').click()
    page.wait_for_url(f"**/bank/statements/{statement.pk}/")
    assert reconciled in page.get_by_test_id("statement-facts").inner_text()
    lines = page.get_by_test_id("line-table")
    rows = lines.locator("tbody tr")
    assert rows.count() == 2
    by_payer = {rows.nth(i).locator("a").first.inner_text(): rows.nth(i).inner_text() for i in range(2)}
    assert set(by_payer) == {CUSTOMER, ABBREVIATED}
    for payer, amount in ((CUSTOMER, "3,000.00"), (ABBREVIATED, "1,000.00")):
        assert amount in by_payer[payer]
        assert zh("Matched") in by_payer[payer]
    assert lines.locator(".badge.text-bg-success").count() == 2
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("bank-statement")
