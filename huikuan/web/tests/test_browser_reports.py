"""The report pages in a real browser, at 1280 and 375 px, in Chinese: each shows its figures, the
loaded-after parts arrive (the KPI trend, the home page's alerts), the filters refuse bad input on
the field, and nothing reaches past the right edge or asks another host."""

import pytest

from huikuan.accounts.roles import Role
from huikuan.web.tests.test_browser_frame import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_reports(visit, make_user, rep_book, other_book):
    make_user("finance", Role.FINANCE_MANAGER, first_name="芳", last_name="王")
    sign_in(visit, "finance")
    page = visit.page
    as_of = "2025-03-31"

    page.goto(f"/reports/aging/?as_of={as_of}")
    lines = page.get_by_test_id("aging-lines").inner_text()
    assert rep_book.customer.name in lines
    assert other_book.customer.name in lines
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("report-aging")
    # an amount leads to the installments behind it
    page.get_by_test_id("aging-lines").locator("td a[href*='/receivables/']").first.click()
    page.wait_for_url("**/receivables/**")
    assert "as_of=2025-03-31" in page.url

    page.goto(f"/reports/aging/?as_of={as_of}&buckets=60,30")
    assert page.locator("#id_buckets_error").is_visible()

    page.goto(f"/reports/arrears/?as_of={as_of}")
    assert rep_book.customer.name in page.get_by_test_id("arrears-lines").inner_text()
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("report-arrears")

    page.goto(f"/reports/statement/?customer={rep_book.customer.pk}&start=2025-01-01&end=2025-03-31")
    assert "期末余额" in page.get_by_test_id("statement-lines").inner_text()
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("report-statement")

    page.goto("/reports/kpis/?start=2025-03-01&end=2025-03-31")
    page.get_by_test_id("kpi-trend").wait_for()  # loaded after the page
    assert "2025-03" in page.get_by_test_id("kpi-trend").inner_text()
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("report-kpis")

    for path, name in (
        ("/reports/plan/?first_month=2025-01&last_month=2025-06", "report-plan"),
        ("/reports/forecast/", "report-forecast"),
        ("/reports/alerts/", "report-alerts"),
    ):
        response = page.goto(path)
        assert response is not None
        if response.status == 404:  # a report not in this build
            continue
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")  # the parts loaded after the page (htmx)
        if page.locator("#forecast-chart").count():  # drawn by app.js, from our static plotly.js
            page.locator("#forecast-chart .main-svg").first.wait_for()
        assert visit.no_sideways_scroll(), (path, visit.too_wide())
        visit.shot(name)
