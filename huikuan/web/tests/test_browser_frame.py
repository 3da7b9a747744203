"""The frame in a real browser, at 1280 and 375 px: sign in in Chinese, the home page with its
chart, the worklist, the language switch, sign out; no request to another host, no script error,
nothing scrolling sideways."""

import pytest

from huikuan.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "test-pass-123"


def sign_in(visit, username: str) -> None:
    page = visit.page
    page.goto("/")
    assert page.url.endswith("/login/?next=/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{visit.base_url}/")


def open_menu(visit) -> None:
    """On a phone the top bar's sections fold into the menu button."""
    toggler = visit.page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        visit.page.locator("#topbar.show").wait_for()


def test_sign_in_home_worklist_language_and_sign_out(visit, make_user, rep_book):
    make_user("finance", Role.FINANCE_MANAGER, first_name="芳", last_name="王")
    sign_in(visit, "finance")
    page = visit.page
    assert page.get_by_test_id("kpi-receivable").is_visible()
    page.locator("#chart .main-svg").first.wait_for()  # plotly drew the chart, from our static files
    assert rep_book.customer.name in page.get_by_test_id("top-overdue").inner_text()
    assert visit.no_sideways_scroll()
    visit.shot("home")

    page.get_by_test_id("kpi-overdue").click()
    page.wait_for_url("**/receivables/?status=overdue")
    assert rep_book.contract.number in page.locator("table").inner_text()
    assert visit.no_sideways_scroll()
    visit.shot("worklist")

    open_menu(visit)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Receivables").is_visible()
    open_menu(visit)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    assert page.get_by_role("button", name="Sign in").is_visible()


def test_sign_in_and_search_with_the_keyboard_alone(visit, rep, rep_book):
    page = visit.page
    page.goto("/login/")

    def tab_to(selector: str) -> None:
        for _press in range(30):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
                return
        raise AssertionError(f"{selector} cannot be reached with Tab")

    tab_to("#id_username")
    page.keyboard.type("rep")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{visit.base_url}/")
    if page.locator(".navbar-toggler").is_visible():  # the phone's menu opens from the keyboard too
        tab_to(".navbar-toggler")
        page.keyboard.press("Enter")
        page.locator("#topbar.show").wait_for()
    tab_to("input[name=q]")
    page.keyboard.type(rep_book.contract.number)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert rep_book.contract.number in page.locator("main").inner_text()
