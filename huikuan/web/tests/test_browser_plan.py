"""The plan editor of a draft contract in a real browser, at 1280 and 375 px, in Chinese, as a
finance manager uses it: a payment terms template previewed live (htmx) as it is chosen and its base
date typed, then applied; the live sum check following the amounts typed by hand, an excess refused
on saving with what was typed kept, a row that cannot be read refused on its own field, a short
plan saved but refused at activation, then fixed, saved and activated (refusals write amounts as
the pages do, 12,345.67); rows added with "More rows", which checks nothing, and taken out by
blanking them; the preview's amounts, the sum check and the rows wholly in view at 375 px, even for
the largest amount; the preview and the sum check announced from live regions that stay on the
page; and the whole editor worked with the keyboard alone, every field named by its label. The
expected amounts and dates are worked out here from the templates' lines and the contract amount,
not read back from the application. Screenshots: var/screenshots/."""

import calendar
import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from huikuan.contracts.models import Contract
from huikuan.contracts.services import contract_create, contract_set_installments
from huikuan.terms.choices import AmountKind, DueRule, MilestoneKind
from huikuan.terms.services import terms_create

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "test-pass-123"
AMOUNT = Decimal("12345.67")  # shares that need rounding: 30% is 3,703.701
SIGNED = dt.date(2025, 3, 14)
CENT = Decimal("0.01")
# the fields of one installment row, in the order they are laid out (and tabbed through)
ROW_FIELDS = [
    ("label", "Label"),
    ("amount", "Amount"),
    ("due_date", "Due date"),
    ("milestone", "or milestone"),
    ("offset_months", "+ months"),
    ("offset_days", "+ days"),
    ("is_retention", "Retention"),
]


# --- what a Chinese user reads -------------------------------------------------------------------


def zh(text: str) -> str:
    """What a Chinese user reads for ``text`` (the catalog's translation)."""
    with translation.override("zh-hans"):
        return str(translation.gettext(text))


def zh_plural(singular: str, plural: str, number: int) -> str:
    with translation.override("zh-hans"):
        return str(translation.ngettext(singular, plural, number))


def labelled(scope, text: str):
    """The field whose label reads ``text`` in Chinese (a required field's label ends in "*")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(zh(text))}( \*)?$"))


def money(value: Decimal) -> str:
    """An amount as the pages write it: 12,345.67."""
    return f"{value:,.2f}"


def written(value: Decimal) -> re.Pattern:
    """An amount in a message, written as the pages write amounts (12,345.67, never 12345.67)."""
    return re.compile(rf"(?<![\d,.]){re.escape(money(value))}(?![\d])")


def sum_check_text(total: Decimal, unreadable: int = 0) -> str:
    """The sum check's words for ``total`` typed against the contract amount."""
    words = [
        zh("The installments add up to %(total)s of %(amount)s %(currency)s.")
        % {"total": money(total), "amount": money(AMOUNT), "currency": "CNY"}
    ]
    difference = AMOUNT - total
    if difference == 0 and not unreadable:
        words.append(zh("They match the contract amount."))
    elif difference > 0:
        words.append(zh("%(difference)s still to plan.") % {"difference": money(difference)})
    elif difference < 0:
        words.append(zh("%(difference)s: more than the contract amount.") % {"difference": money(difference)})
    if unreadable:
        words.append(
            zh_plural("%(rows)s amount cannot be read as a number.", "%(rows)s amounts cannot be read as numbers.", 1)
            % {"rows": unreadable}
        )
    return " ".join(words)


def waits_for(milestone: str, months: int) -> str:
    """The due-date cell of an installment waiting for a milestone: 等待 验收 + 12 个月."""
    offset = zh_plural("%(months)s month", "%(months)s months", months) % {"months": months}
    return f"{zh('waits for')} {zh(milestone)} + {offset}"


# --- the templates and what they make of the amount ---------------------------------------------


def shares(amount: Decimal, percents: list[int]) -> list[Decimal]:
    """Each share rounded half-up to the fen, the last taking what is left, so they sum exactly."""
    rounded = [(amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP) for percent in percents[:-1]]
    return [*rounded, amount - sum(rounded)]


def split_plan(base: dt.date) -> list[tuple[str, str, str, str]]:
    """(#, installment, due, amount) as the pages show what the 30/60/10 template makes."""
    first, second, third = shares(AMOUNT, [30, 60, 10])
    return [
        ("1", "预付款", base.isoformat(), money(first)),
        ("2", "进度款", (base + dt.timedelta(days=90)).isoformat(), money(second)),
        ("3", f"尾款 {zh('retention')}", waits_for("Acceptance", 12), money(third)),
    ]


def halves_plan(base: dt.date) -> list[tuple[str, str, str, str]]:
    first, second = shares(AMOUNT, [50, 50])
    next_month = (base.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    month_end = next_month.replace(day=calendar.monthrange(next_month.year, next_month.month)[1])
    return [
        ("1", "首付", base.isoformat(), money(first)),
        ("2", "次月末结", (month_end + dt.timedelta(days=15)).isoformat(), money(second)),
    ]


@pytest.fixture
def split_terms(company, manager):
    """30% at signing, 60% 90 days later, 10% retention 12 months after acceptance."""
    return terms_create(
        actor=manager,
        company=company,
        name="30% 预付 / 60% 进度 / 10% 质保",
        lines=[
            {
                "amount_kind": AmountKind.PERCENT,
                "percent": Decimal(30),
                "due_rule": DueRule.AFTER_BASE,
                "label": "预付款",
            },
            {
                "amount_kind": AmountKind.PERCENT,
                "percent": Decimal(60),
                "due_rule": DueRule.AFTER_BASE,
                "days": 90,
                "label": "进度款",
            },
            {
                "amount_kind": AmountKind.PERCENT,
                "percent": Decimal(10),
                "due_rule": DueRule.AFTER_MILESTONE,
                "milestone": MilestoneKind.ACCEPTANCE,
                "months": 12,
                "is_retention": True,
                "label": "尾款",
            },
        ],
    )


@pytest.fixture
def halves_terms(company, manager):
    """Half at signing, half 15 days after the end of the following month."""
    return terms_create(
        actor=manager,
        company=company,
        name="50% 首付 / 50% 次月末结",
        lines=[
            {
                "amount_kind": AmountKind.PERCENT,
                "percent": Decimal(50),
                "due_rule": DueRule.AFTER_BASE,
                "label": "首付",
            },
            {
                "amount_kind": AmountKind.PERCENT,
                "percent": Decimal(50),
                "due_rule": DueRule.END_OF_MONTH,
                "months": 1,
                "days": 15,
                "label": "次月末结",
            },
        ],
    )


@pytest.fixture
def customer(make_customer):
    return make_customer(name="杭州云帆网络科技有限公司")


def new_draft(manager, customer, amount: Decimal = AMOUNT, **kwargs) -> Contract:
    return contract_create(
        actor=manager, customer=customer, title="云平台建设项目", signed_on=SIGNED, amount=amount, **kwargs
    )


def plan_of(contract: Contract) -> list[tuple]:
    return list(contract.installments.order_by("sequence").values_list("label", "amount", "due_date", "milestone"))


# --- moving about the pages ----------------------------------------------------------------------


def sign_in(visit, username: str) -> None:
    page = visit.page
    page.goto("/login/")
    labelled(page, "Username").fill(username)
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name=zh("Sign in")).click()
    page.wait_for_url(f"{visit.base_url}/")


def row(page, number: int):
    """Installment row ``number`` of the editor (a fieldset named by its legend)."""
    return page.get_by_role("group", name=zh("Installment %(number)s") % {"number": number}, exact=True)


def expect_table(rows, expected: list[tuple[str, ...]]) -> None:
    """The table's body rows start with the expected cells (#, installment, due date, amount)."""
    expect(rows).to_have_count(len(expected))
    for index, cells in enumerate(expected):
        for column, text in enumerate(cells):
            expect(rows.nth(index).locator("td").nth(column)).to_have_text(text)


def expect_preview(page, terms, expected: list[tuple[str, ...]]) -> None:
    preview = page.get_by_test_id("terms-preview")
    caption = zh("What %(name)s makes of this amount") % {"name": terms.name}
    expect(preview.locator("caption")).to_have_text(caption)
    expect_table(preview.locator("tbody tr"), expected)
    expect(preview.locator("tfoot th").nth(1)).to_have_text(money(AMOUNT))


# The parts of ``selector`` not wholly in view sideways: each element's box and the box of its text
# must lie within the window, the card it is in, and every box around it that scrolls or clips (a
# table wider than its .table-responsive shows only what fits until it is scrolled sideways).
CUT_OFF = """selector => {
  const view = e => {
    let left = 0, right = window.innerWidth;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (a.classList.contains('card') || getComputedStyle(a).overflowX !== 'visible') {
        const box = a.getBoundingClientRect();
        left = Math.max(left, box.left + a.clientLeft);
        right = Math.min(right, box.left + a.clientLeft + a.clientWidth);
      }
    }
    return [left, right];
  };
  const text = document.createRange();
  return [...document.querySelectorAll(selector)].flatMap(e => {
    text.selectNodeContents(e);
    const boxes = [e.getBoundingClientRect(), text.getBoundingClientRect()].filter(b => b.width > 0);
    const [left, right] = view(e);
    const from = Math.min(...boxes.map(b => b.left)), to = Math.max(...boxes.map(b => b.right));
    return from < left - 0.5 || to > right + 0.5
      ? [`${e.tagName} "${e.textContent.trim().slice(0, 40)}" ${Math.round(from)}-${Math.round(to)} px,`
         + ` seen ${Math.round(left)}-${Math.round(right)} px`]
      : [];
  });
}"""


def expect_in_view(page, selector: str, count: int | None = None) -> None:
    """Every element of ``selector`` (at least one, or ``count``) is wholly in view sideways."""
    found = page.locator(selector)
    if count is None:
        assert found.count() > 0, selector
    else:
        expect(found).to_have_count(count)
    assert page.evaluate(CUT_OFF, selector) == [], f"cut off at {page.viewport_size['width']} px"


def expect_editor_in_view(page, rows: int) -> None:
    """The preview's amounts, its rows, the sum check and the installment rows with their fields
    are all seen without scrolling anything sideways."""
    preview = "[data-testid=terms-preview]"
    expect_in_view(page, f"{preview} tbody td:last-child, {preview} tfoot th:last-child", rows + 1)
    expect_in_view(page, f"{preview} tbody tr, {preview} tfoot tr, {preview} caption", rows + 2)
    expect_in_view(page, "[data-testid=plan-check]", 1)
    expect_in_view(page, "fieldset.plan-line, fieldset.plan-line :is(input, select, label, legend)")


def live_region(page, test_id: str, tag: str | None = None) -> dict:
    """The live region around (or at) ``test_id``: its aria-live, the tag put on it (a property
    of the element object, which a new element does not have), its text, and the live regions
    inside it (none: one region, announced as one). ``tag`` tags it first."""
    return page.evaluate(
        """([id, tag]) => {
          const region = document.querySelector(`[data-testid="${id}"]`).closest('[aria-live]');
          if (region === null) return null;
          if (tag !== null) region.huikuanTag = tag;
          return {live: region.getAttribute('aria-live'), tag: region.huikuanTag ?? null,
                  text: region.textContent.replace(/\\s+/g, ' ').trim(),
                  inner: region.querySelectorAll('[aria-live]').length};
        }""",
        [test_id, tag],
    )


def submit(page, button: str) -> None:
    """Press a button that posts its form, and wait for the page the answer makes: a refusal answers
    at the same address, so the address alone would not tell (and the sum check's own posts are not
    pages)."""
    with page.expect_response(
        lambda answer: answer.request.method == "POST" and answer.request.is_navigation_request()
    ):
        page.get_by_role("button", name=zh(button)).click()
    page.wait_for_load_state()


def save_plan(page) -> None:
    submit(page, "Save the plan")


def expect_saved_plan(page, expected: list[tuple[str, ...]]) -> None:
    """The contract page, after a plan was saved or applied, shows it."""
    page.wait_for_url(re.compile(r"/contracts/\d+/$"))
    expect_table(page.get_by_test_id("plan").locator("tbody tr"), expected)


# --- the tests -----------------------------------------------------------------------------------


def test_a_template_is_previewed_live_then_makes_the_plan(visit, manager, customer, split_terms, halves_terms):
    draft = new_draft(manager, customer)
    sign_in(visit, "manager")
    page = visit.page
    page.goto(f"/contracts/{draft.pk}/")
    page.get_by_role("link", name=zh("Make the payment plan")).click()
    page.wait_for_url(f"**/contracts/{draft.pk}/plan/")
    preview = page.get_by_test_id("terms-preview")
    expect(preview).to_have_text(zh("Choose payment terms to see the installments they make."))
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(Decimal(0)))

    # choosing a template shows, without leaving the page, what it makes of 12,345.67
    labelled(page, "Payment terms").select_option(label=split_terms.name)
    expect_preview(page, split_terms, split_plan(SIGNED))
    visit.shot("plan-editor-preview")
    # another template, another plan
    labelled(page, "Payment terms").select_option(label=halves_terms.name)
    expect_preview(page, halves_terms, halves_plan(SIGNED))
    # back to the first, counted from a base date other than the signing date
    labelled(page, "Payment terms").select_option(label=split_terms.name)
    expect_preview(page, split_terms, split_plan(SIGNED))
    base = dt.date(2025, 4, 1)
    labelled(page, "Base date").fill(base.isoformat())
    expect_preview(page, split_terms, split_plan(base))
    assert plan_of(draft) == []  # a preview writes nothing

    page.get_by_role("button", name=zh("Apply to the plan")).click()
    expect_saved_plan(page, split_plan(base))
    made = zh("The plan is made from %(terms)s: %(count)s installments.") % {"terms": split_terms.name, "count": 3}
    expect(page.get_by_role("alert").filter(has_text=made)).to_be_visible()
    expect(page.get_by_test_id("header")).to_contain_text(split_terms.name)
    expect(page.get_by_test_id("plan").locator("tfoot th").nth(1)).to_have_text(money(AMOUNT))
    expect(page.get_by_test_id("plan-gap")).to_have_count(0)
    assert [amount for _label, amount, _due, _milestone in plan_of(draft)] == shares(AMOUNT, [30, 60, 10])


def test_the_sum_check_follows_the_amounts_until_the_plan_is_activated(visit, manager, customer, split_terms):
    draft = new_draft(manager, customer, terms=split_terms)  # the plan made from the template
    first, second, third = shares(AMOUNT, [30, 60, 10])
    made = plan_of(draft)
    sign_in(visit, "manager")
    page = visit.page
    page.goto(f"/contracts/{draft.pk}/plan/")
    check = page.get_by_test_id("plan-check")
    amount_2 = labelled(row(page, 2), "Amount")
    expect(amount_2).to_have_value(str(second))
    expect(check).to_have_text(sum_check_text(AMOUNT))
    expect(check).to_have_class(re.compile(r"\balert-success\b"))
    visit.shot("plan-editor")

    # 500.00 too much: the check says so as it is typed, and saving is refused
    over = second + 500
    amount_2.fill(str(over))
    expect(check).to_have_text(sum_check_text(AMOUNT + 500))
    expect(check).to_have_class(re.compile(r"\balert-warning\b"))
    save_plan(page)
    refusal = page.get_by_test_id("plan-error")
    expect(refusal).to_be_visible()
    expect(refusal).to_have_attribute("role", "alert")
    expect(refusal).to_have_text(written(AMOUNT + 500))
    expect(refusal).to_have_text(written(AMOUNT))
    # what was typed is kept, and the check still tells the difference
    expect(labelled(row(page, 2), "Amount")).to_have_value(str(over))
    expect(labelled(row(page, 1), "Label")).to_have_value("预付款")
    expect(labelled(row(page, 3), "or milestone")).to_have_value(MilestoneKind.ACCEPTANCE)
    expect(labelled(row(page, 3), "+ months")).to_have_value("12")
    expect(labelled(row(page, 3), "Retention")).to_be_checked()
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(AMOUNT + 500))
    visit.shot("plan-editor-refused")
    assert plan_of(draft) == made

    # an amount written with separators cannot be read: counted apart, then refused on its field
    amount_2 = labelled(row(page, 2), "Amount")
    amount_2.fill(money(second))
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(first + third, unreadable=1))
    save_plan(page)
    amount_2 = labelled(row(page, 2), "Amount")
    unreadable = zh("Enter a number such as 1234.50 (digits and one point).")
    expect(row(page, 2).locator(".invalid-feedback")).to_have_text(unreadable)
    expect(amount_2).to_have_attribute("aria-invalid", "true")
    expect(amount_2).to_have_accessible_description(unreadable)
    expect(amount_2).to_have_value(money(second))
    expect(row(page, 1).locator(".invalid-feedback")).to_have_count(0)
    assert plan_of(draft) == made

    # 500.00 short: the check says what is left to plan; the plan is saved, but not activated
    short = second - 500
    amount_2.fill(str(short))
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(AMOUNT - 500))
    save_plan(page)
    short_plan = split_plan(SIGNED)
    short_plan[1] = (*short_plan[1][:3], money(short))
    expect_saved_plan(page, short_plan)
    expect(page.get_by_test_id("plan-gap")).to_have_text(
        zh("The contract amount is %(amount)s.") % {"amount": money(AMOUNT)}
    )
    expect(page.get_by_test_id("header")).to_contain_text(zh("entered by hand"))
    submit(page, "Activate")
    refused = page.locator(".alert-danger").filter(has_text=written(AMOUNT - 500))
    expect(refused).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text(zh("Draft"))

    # fixed: the check agrees, the plan is saved and the contract activated
    page.get_by_test_id("actions").get_by_role("link", name=zh("Payment plan")).click()
    page.wait_for_url(f"**/contracts/{draft.pk}/plan/")
    expect(labelled(row(page, 2), "Amount")).to_have_value(str(short))
    labelled(row(page, 2), "Amount").fill(str(second))
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(AMOUNT))
    expect(page.get_by_test_id("plan-check")).to_have_class(re.compile(r"\balert-success\b"))
    save_plan(page)
    expect_saved_plan(page, split_plan(SIGNED))
    expect(page.get_by_test_id("plan-gap")).to_have_count(0)
    submit(page, "Activate")
    expect(page.get_by_test_id("status")).to_have_text(zh("Active"))
    active = zh("The contract is active: its installments are receivable.")
    expect(page.get_by_role("alert").filter(has_text=active)).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == "active"
    assert plan_of(draft) == made


def test_rows_are_added_and_blanked_and_the_sum_follows(visit, manager, customer):
    draft = new_draft(manager, customer)
    contract_set_installments(
        actor=manager,
        contract=draft,
        installments=[
            {"label": "首付款", "amount": Decimal("10000.00"), "due_date": dt.date(2025, 4, 30)},
            {"label": "进度款", "amount": Decimal("2000.00"), "due_date": dt.date(2025, 6, 30)},
        ],
    )
    sign_in(visit, "manager")
    page = visit.page
    page.goto(f"/contracts/{draft.pk}/plan/")
    lines = page.locator("fieldset.plan-line")
    expect(lines).to_have_count(5)  # the two installments and three blank rows
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(Decimal("12000.00")))

    # more rows, what was typed kept, unchecked: a row with only a label and an amount that cannot
    # be read are not refused (nothing is checked until the plan is saved)
    labelled(row(page, 1), "Label").fill("首付款（修订）")
    labelled(row(page, 4), "Label").fill("尾款")
    labelled(row(page, 5), "Amount").fill("abc")
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(Decimal("12000.00"), unreadable=1))
    submit(page, "More rows")
    expect(lines).to_have_count(8)
    expect(labelled(row(page, 1), "Label")).to_have_value("首付款（修订）")
    expect(labelled(row(page, 2), "Amount")).to_have_value("2000.00")
    expect(labelled(row(page, 4), "Label")).to_have_value("尾款")
    expect(labelled(row(page, 5), "Amount")).to_have_value("abc")
    expect(page.locator(".invalid-feedback, .is-invalid, [aria-invalid], .alert-danger")).to_have_count(0)
    expect(page.get_by_text(zh("This field is required."))).to_have_count(0)
    expect(page.get_by_text(zh("Enter a number such as 1234.50 (digits and one point)."))).to_have_count(0)
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(Decimal("12000.00"), unreadable=1))
    labelled(row(page, 4), "Label").fill("")
    labelled(row(page, 5), "Amount").fill("")
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(Decimal("12000.00")))

    # a row added in the last of them closes the gap
    last = row(page, 8)
    labelled(last, "Label").fill("尾款")
    labelled(last, "Amount").fill("345.67")
    labelled(last, "Due date").fill("2025-09-30")
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(AMOUNT))

    # the second row blanked is taken out: 2,000.00 is left to plan
    for name in ("Label", "Amount", "Due date"):
        labelled(row(page, 2), name).fill("")
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(AMOUNT - 2000))
    visit.shot("plan-editor-rows")
    save_plan(page)
    expect_saved_plan(page, [("1", "首付款（修订）", "2025-04-30", "10,000.00"), ("2", "尾款", "2025-09-30", "345.67")])
    assert plan_of(draft) == [
        ("首付款（修订）", Decimal("10000.00"), dt.date(2025, 4, 30), ""),
        ("尾款", Decimal("345.67"), dt.date(2025, 9, 30), ""),
    ]


def test_the_preview_the_sum_check_and_the_rows_fit_the_screen(visit, manager, customer, split_terms, halves_terms):
    """At 375 px as at 1280, every amount of the preview is wholly in view without scrolling the
    table sideways, and so are its rows, the sum check and the installment rows: for this contract
    and for one of the largest amount there can be; and the contract form's preview too."""
    for amount in (AMOUNT, Decimal("999999999999.99")):
        draft = new_draft(manager, customer, amount=amount, terms=split_terms)  # the plan made from it
        if amount == AMOUNT:
            sign_in(visit, "manager")
        page = visit.page
        page.goto(f"/contracts/{draft.pk}/plan/")
        # as the page comes, then as templates are picked (the preview swapped in by htmx)
        expect(page.get_by_test_id("terms-preview").locator("tbody tr")).to_have_count(3)
        expect_editor_in_view(page, rows=3)
        labelled(page, "Payment terms").select_option(label=halves_terms.name)
        expect(page.get_by_test_id("terms-preview").locator("tbody tr")).to_have_count(2)
        expect_editor_in_view(page, rows=2)
        labelled(page, "Payment terms").select_option(label=split_terms.name)
        expect(page.get_by_test_id("terms-preview").locator("tbody tr")).to_have_count(3)
        expect_editor_in_view(page, rows=3)
        if amount == AMOUNT:
            expect_preview(page, split_terms, split_plan(SIGNED))
            visit.shot("plan-editor-preview-fits")
        else:
            visit.shot("plan-editor-largest-amount")

    # the same preview on the contract form
    page.goto("/contracts/new/")
    labelled(page, "Amount").fill("999999999999.99")
    labelled(page, "Signed on").fill(SIGNED.isoformat())
    labelled(page, "Payment terms").select_option(label=split_terms.name)
    expect(page.get_by_test_id("terms-preview").locator("tfoot")).to_contain_text("999,999,999,999.99")
    preview = "[data-testid=terms-preview]"
    expect_in_view(page, f"{preview} tbody td:last-child, {preview} tfoot th:last-child", 4)
    expect_in_view(page, f"{preview} tbody tr, {preview} tfoot tr, {preview} caption", 5)


def test_the_live_regions_stay_on_the_page_as_their_words_change(visit, manager, customer, split_terms):
    """The preview and the sum check are announced as they change: each sits in a live region that
    stays on the page (htmx swaps what is inside it), not in one replaced by every update, which a
    screen reader may never read."""
    draft = new_draft(manager, customer)
    sign_in(visit, "manager")
    page = visit.page
    page.goto(f"/contracts/{draft.pk}/plan/")
    for test_id in ("terms-preview", "plan-check"):
        assert live_region(page, test_id, tag=test_id)["tag"] == test_id, test_id

    labelled(page, "Payment terms").select_option(label=split_terms.name)
    expect_preview(page, split_terms, split_plan(SIGNED))
    preview = live_region(page, "terms-preview")
    assert (preview["live"], preview["tag"], preview["inner"]) == ("polite", "terms-preview", 0), preview
    assert money(shares(AMOUNT, [30, 60, 10])[0]) in preview["text"]

    labelled(row(page, 1), "Amount").fill("100.00")
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(Decimal("100.00")))
    check = live_region(page, "plan-check")
    assert (check["live"], check["tag"], check["inner"]) == ("polite", "plan-check", 0), check
    assert check["text"] == sum_check_text(Decimal("100.00"))
    labelled(row(page, 1), "Amount").fill("12345.67")
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(AMOUNT))
    check = live_region(page, "plan-check")
    assert (check["tag"], check["text"]) == ("plan-check", sum_check_text(AMOUNT)), check


def test_the_editor_with_the_keyboard_alone(visit, manager, customer, split_terms, halves_terms):
    draft = new_draft(manager, customer)
    sign_in(visit, "manager")
    page = visit.page

    def focused() -> str:
        return page.evaluate("(e => e.id || e.tagName + ':' + e.textContent.trim())(document.activeElement)")

    def tab_to(selector: str, limit: int = 200) -> None:
        for _press in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
                return
        raise AssertionError(f"{selector} cannot be reached with Tab")

    def tab_order(last: str, limit: int = 300) -> list[str]:
        """What Tab reaches from the top of the page down to ``last`` (each element once)."""
        reached: list[str] = []
        for _press in range(limit):
            page.keyboard.press("Tab")
            here = focused()
            if not reached or reached[-1] != here:  # a date box takes one Tab per part
                reached.append(here)
            if here == last:
                return reached
        raise AssertionError(f"{last} cannot be reached with Tab: {reached}")

    # every field has a label that names it, the installments' fields within their row
    page.goto(f"/contracts/{draft.pk}/plan/")
    for name, text in (("terms", "Payment terms"), ("base_date", "Base date")):
        field = labelled(page, text)
        expect(field).to_have_id(f"id_apply-{name}")
        expect(field).to_have_accessible_name(zh(text))
    rows = page.locator("fieldset.plan-line").count()
    assert rows == 3
    for index in range(rows):
        for name, text in ROW_FIELDS:
            field = labelled(row(page, index + 1), text)
            expect(field).to_have_id(f"id_plan-{index}-{name}")
            expect(field).to_have_accessible_name(zh(text))

    # Tab goes through the template, then every field of every row in order, then the buttons
    apply = f"BUTTON:{zh('Apply to the plan')}"
    expected = ["id_apply-terms", "id_apply-base_date", apply]
    expected += [f"id_plan-{index}-{name}" for index in range(rows) for name, _text in ROW_FIELDS]
    expected += [f"BUTTON:{zh('Save the plan')}", f"BUTTON:{zh('More rows')}"]
    reached = tab_order(expected[-1])
    assert [here for here in reached if here in expected] == expected, reached

    # a template chosen with the arrow keys, previewed, and applied with Enter
    page.goto(f"/contracts/{draft.pk}/plan/")
    tab_to("#id_apply-terms")
    page.keyboard.press("ArrowDown")  # the first template by name: 30% ...
    expect_preview(page, split_terms, split_plan(SIGNED))
    tab_to("#apply-form button[type=submit]")
    page.keyboard.press("Enter")
    expect_saved_plan(page, split_plan(SIGNED))

    # back in the editor: an amount retyped, the check following, saved with Enter
    tab_to("[data-testid=actions] a[href$='/plan/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/contracts/{draft.pk}/plan/")
    second = shares(AMOUNT, [30, 60, 10])[1]
    tab_to("#id_plan-1-amount")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(str(second + CENT))
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(AMOUNT + CENT))
    page.keyboard.press("Backspace")
    page.keyboard.type(str(second)[-1])
    expect(page.get_by_test_id("plan-check")).to_have_text(sum_check_text(AMOUNT))
    page.keyboard.press("Enter")
    expect_saved_plan(page, split_plan(SIGNED))
    saved = zh("The plan is saved. Activate the contract once the installments add up to its amount.")
    expect(page.get_by_role("alert").filter(has_text=saved)).to_be_visible()
    tab_to("[data-testid=actions] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("status")).to_have_text(zh("Active"))
