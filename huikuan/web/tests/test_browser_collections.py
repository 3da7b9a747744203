"""The collection pages in a real browser, at 1280 and 375 px, in Chinese: after the daily run a
sales rep finds their task and overdue customer on the worklist, logs a call in one click, reads
the reminder that was sent and its letter, and finance sees the policy; nothing reaches past the
right edge or asks another host."""

import datetime as dt

import pytest

from huikuan.accounts.roles import Role
from huikuan.dunning.services.policies import policy_save
from huikuan.dunning.services.run import dunning_run
from huikuan.web.tests.test_browser_flows import go, zh
from huikuan.web.tests.test_browser_frame import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LADDER = [
    {"days": 0, "name": "到期日提醒", "email_customer": True},
    {"days": 15, "name": "电话催收", "task_for": "owner", "notify_owner": True},
    {"days": 30, "name": "催收函", "email_customer": True, "letter": True},
]


def test_the_collectors_day(visit, company, make_user, make_customer, make_contract, rep):
    finance = make_user("finance", Role.FINANCE_MANAGER, first_name="芳", last_name="王")
    policy_save(actor=finance, company=company, name="标准催收", steps=LADDER, is_default=True)
    customer = make_customer(
        owner=rep, name="甲方科技有限公司", contacts=[{"name": "王经理", "email": "wang@jiafang.example.com"}]
    )
    make_contract(customer, [("6000.00", dt.date(2025, 2, 10))], number="SH-2025-001")
    dunning_run(company=company, as_of=dt.date(2025, 3, 15))

    sign_in(visit, "rep")
    page = visit.page
    go(visit, "Collections")
    tasks = page.get_by_test_id("tasks").inner_text()
    assert "跟进 甲方科技有限公司" in tasks
    assert "甲方科技有限公司" in page.get_by_test_id("ranked").inner_text()
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("collections-worklist")

    # one click from the worklist to logging the call
    page.get_by_test_id("ranked").get_by_role("link", name=zh("Log call")).first.click()
    page.wait_for_url("**/collections/**")
    form = page.get_by_test_id("form-follow_up")
    form.get_by_label(zh("Outcome")).select_option("promised")
    form.get_by_label(zh("Spoke with")).fill("王经理")
    form.get_by_label(zh("Note")).fill("答应月底前付款")
    form.get_by_role("button", name=zh("Log")).click()
    page.wait_for_load_state()
    assert zh("Follow-up logged.") in page.locator("main").inner_text()
    assert "答应月底前付款" in page.locator("main").inner_text()
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("collections-customer")

    # the reminder that went out, and its letter
    page.goto("/collections/messages/?channel=email")
    assert visit.no_sideways_scroll(), visit.too_wide()
    page.get_by_test_id("message-table").get_by_role("link", name="逾期付款提醒：甲方科技有限公司").click()
    body = page.get_by_test_id("message-body").inner_text()
    assert "已逾期 33 天" in body
    assert visit.no_sideways_scroll(), visit.too_wide()
    visit.shot("collections-message")
    with page.expect_response("**/letter.pdf") as letter:
        page.evaluate(
            "url => fetch(url)", page.get_by_role("link", name=zh("Dunning letter (PDF)")).get_attribute("href")
        )
    assert letter.value.headers["content-type"] == "application/pdf"

    # the owner's notice in the top bar
    page.goto("/collections/inbox/")
    assert "甲方科技有限公司" in page.get_by_test_id("inbox-list").inner_text()


def test_finance_edits_the_policy(visit, company, make_user):
    finance = make_user("finance", Role.FINANCE_MANAGER, first_name="芳", last_name="王")
    policy = policy_save(actor=finance, company=company, name="标准催收", steps=LADDER, is_default=True)
    sign_in(visit, "finance")
    page = visit.page
    page.goto("/collections/policies/")
    assert "标准催收" in page.get_by_test_id("policy").inner_text()
    assert visit.no_sideways_scroll(), visit.too_wide()
    page.goto(f"/collections/policies/{policy.pk}/")
    # a step that does nothing is refused on its row; what was typed stays
    page.get_by_label(zh("Days from due date")).nth(3).fill("60")
    page.get_by_label(zh("Step"), exact=True).nth(3).fill("空步骤")
    page.get_by_role("button", name=zh("Save policy")).click()
    assert zh("A step must do at least one thing.") in page.locator("main").inner_text()
    page.get_by_label(zh("Credit hold")).nth(3).check()
    page.get_by_role("button", name=zh("Save policy")).click()
    page.wait_for_url("**/collections/policies/")
    assert "空步骤" in page.get_by_test_id("policy").inner_text()
    visit.shot("collections-policies")
