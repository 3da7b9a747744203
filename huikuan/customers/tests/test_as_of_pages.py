"""The customer page as of a past date (``?as_of=``): its figures per currency, its timeline and its
links as they stood on that day; a future or malformed date refused on the field with today's
figures shown; the scope unchanged; and a query count that does not grow with the installments.

The book is built by the services and dated in 2025: a contract signed 10 Jan 2025 with 6,000.00
due 10 Feb and 4,000.00 due 10 Mar; on D = 1 Mar 2025 6,000.00 is received and matched to the first
installment; on 5 Mar 500.00 more is received, never matched, and reversed on 1 Apr."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huikuan.core.dates import today
from huikuan.receivables.figures import customer_balance, figures_of
from huikuan.receivables.filters import OPEN_STATUSES
from huikuan.receivables.selectors import installment_list
from huikuan.receivables.services.adjustments import adjustment_create
from huikuan.receivables.services.allocations import allocation_create, allocation_reverse
from huikuan.receivables.services.receipts import receipt_create, receipt_reverse

pytestmark = pytest.mark.django_db

PAID_ON = dt.date(2025, 3, 1)
DAY_BEFORE = PAID_ON - dt.timedelta(days=1)


def signed_in(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def book(make_customer, make_contract, manager, rep, other_rep):
    mine = make_customer(owner=rep, name="甲方科技有限公司")
    contract = make_contract(mine, [("6000.00", dt.date(2025, 2, 10)), ("4000.00", dt.date(2025, 3, 10))])
    first = contract.installments.get(sequence=1)
    paid = receipt_create(actor=manager, customer=mine, received_on=PAID_ON, amount=D("6000.00"))
    allocation_create(actor=manager, receipt=paid, installment=first, amount=D("6000.00"))
    spare = receipt_create(actor=manager, customer=mine, received_on=dt.date(2025, 3, 5), amount=D("500.00"))
    receipt_reverse(actor=manager, receipt=spare, reason="退票", reversed_on=dt.date(2025, 4, 1))
    theirs = make_customer(owner=other_rep, name="乙方贸易有限公司")
    make_contract(theirs, [("2000.00", dt.date(2025, 3, 1))], number="HT-THEIRS")
    return {"mine": mine, "theirs": theirs, "contract": contract, "paid": paid, "spare": spare}


def figures_on(client: Client, customer, as_of=None):
    params = {} if as_of is None else {"as_of": as_of if isinstance(as_of, str) else as_of.isoformat()}
    response = client.get(f"/customers/{customer.pk}/", params)
    assert response.status_code == 200
    return response


def one_currency(response):
    [figures] = response.context["figures"]
    return (
        figures.balance,
        figures.open_installments,
        figures.open_count,
        figures.unapplied_cash,
        figures.overdue,
        figures.overdue_count,
    )


def test_the_figures_as_they_stood_before_and_after_the_payment(book, manager):
    client = signed_in(manager)
    mine = book["mine"]
    # before signing: nothing was owed
    assert one_currency(figures_on(client, mine, dt.date(2025, 1, 5))) == (D("0.00"), D("0.00"), 0, D("0.00"), 0, 0)
    # the day before the payment: both open, the first overdue since 10 Feb
    before = figures_on(client, mine, DAY_BEFORE)
    assert one_currency(before) == (D("10000.00"), D("10000.00"), 2, D("0.00"), D("6000.00"), 1)
    assert before.context["as_of"] == DAY_BEFORE
    # the day of the payment: the first is paid, the second not yet due
    assert one_currency(figures_on(client, mine, PAID_ON)) == (D("4000.00"), D("4000.00"), 1, D("0.00"), D("0.00"), 0)
    # 500.00 received on 5 Mar and not matched: unapplied until its reversal on 1 Apr
    assert one_currency(figures_on(client, mine, dt.date(2025, 3, 20))) == (
        D("3500.00"),
        D("4000.00"),
        1,
        D("500.00"),
        D("4000.00"),
        1,
    )
    assert one_currency(figures_on(client, mine, dt.date(2025, 4, 1))) == (
        D("4000.00"),
        D("4000.00"),
        1,
        D("0.00"),
        D("4000.00"),
        1,
    )
    # today, with or without the date: the same as the page always showed
    now = one_currency(figures_on(client, mine))
    assert now == (D("4000.00"), D("4000.00"), 1, D("0.00"), D("4000.00"), 1)
    assert one_currency(figures_on(client, mine, today())) == now


def test_a_past_date_is_shown_and_the_links_carry_it(book, manager):
    client = signed_in(manager)
    mine, contract = book["mine"], book["contract"]
    page = figures_on(client, mine, DAY_BEFORE).content.decode()
    assert "figures as of 2025-02-28" in page
    assert 'data-testid="as-of-past"' in page
    assert 'value="2025-02-28"' in page
    assert "10,000.00" in page
    worklist = reverse("receivables")
    assert f"{worklist}?customer={mine.pk}&amp;as_of=2025-02-28" in page
    assert f"{worklist}?customer={mine.pk}&amp;status=overdue&amp;as_of=2025-02-28" in page
    assert f"{reverse('contract_detail', args=[contract.pk])}?as_of=2025-02-28" in page
    assert f'href="{reverse("customer_detail", args=[mine.pk])}" data-testid="as-of-today"' in page
    # today: no note, no date on the links, the picker on today's date
    now = figures_on(client, mine).content.decode()
    assert f"figures as of {today().isoformat()}" in now
    assert 'data-testid="as-of-past"' not in now
    assert 'data-testid="as-of-today"' not in now
    assert f'value="{today().isoformat()}"' in now
    assert f'href="{worklist}?customer={mine.pk}" data-testid="worklist"' in now
    assert "as_of=" not in now.split('<main id="main"', 1)[1]
    # picking today is today's page
    assert 'data-testid="as-of-past"' not in figures_on(client, mine, today()).content.decode()


def test_the_timeline_stops_at_the_date(book, manager):
    client = signed_in(manager)
    mine = book["mine"]

    def events(as_of=None):
        response = figures_on(client, mine, as_of)
        return [(event.on, event.kind) for _label, event in response.context["events"]], response

    before, response = events(DAY_BEFORE)
    assert before == [(dt.date(2025, 2, 10), "installment_due"), (dt.date(2025, 1, 10), "contract_signed")]
    # the first installment was open for its whole amount then
    assert "6,000.00 open" in response.content.decode()
    on_the_day, response = events(PAID_ON)
    assert on_the_day == [
        (PAID_ON, "allocation"),
        (PAID_ON, "receipt"),
        (dt.date(2025, 2, 10), "installment_due"),
        (dt.date(2025, 1, 10), "contract_signed"),
    ]
    assert "6,000.00 open" not in response.content.decode()
    # the 500.00 was not reversed yet on 20 Mar: no reversal, no "reversed" badge
    march, response = events(dt.date(2025, 3, 20))
    assert (dt.date(2025, 3, 5), "receipt") in march
    assert "receipt_reversed" not in [kind for _on, kind in march]
    assert ">reversed</span>" not in response.content.decode()
    now, response = events()
    assert (dt.date(2025, 4, 1), "receipt_reversed") in now
    assert (dt.date(2025, 3, 10), "installment_due") in now
    assert ">reversed</span>" in response.content.decode()


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("tomorrow", "The date cannot be in the future."),
        ("2025-13-45", "Enter a valid date."),
        ("lots", "Enter a valid date."),
        ("1800-01-01", "Enter a date from 1990-01-01 to 2099-12-31."),
    ],
)
def test_a_future_or_malformed_date_is_refused_on_the_field_and_the_page_shows_today(book, manager, as_of, message):
    if as_of == "tomorrow":
        as_of = (today() + dt.timedelta(days=1)).isoformat()
    client = signed_in(manager)
    mine = book["mine"]
    response = figures_on(client, mine, as_of)
    page = response.content.decode()
    assert response.context["as_of_form"].errors["as_of"] == [message]
    assert message in page
    assert 'id="id_as_of_error"' in page
    assert 'aria-describedby="id_as_of_error"' in page
    assert 'aria-invalid="true"' in page
    # what was typed is kept, and the figures are today's
    assert f'value="{as_of}"' in page
    assert response.context["as_of"] == today()
    assert one_currency(response) == one_currency(figures_on(client, mine))
    assert 'data-testid="as-of-past"' not in page
    assert f'href="{reverse("receivables")}?customer={mine.pk}" data-testid="worklist"' in page


def test_the_refusal_speaks_chinese(book, manager):
    client = signed_in(manager, "zh-hans")
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    page = figures_on(client, book["mine"], tomorrow).content.decode()
    assert "日期不能晚于今天。" in page
    assert "截至日期" in page
    past = figures_on(client, book["mine"], DAY_BEFORE).content.decode()
    assert "数据截至 2025-02-28" in past


def test_a_sales_rep_still_cannot_reach_another_reps_customer_with_a_date(book, rep):
    client = signed_in(rep)
    theirs = book["theirs"]
    for as_of in ("2025-02-28", "", "lots", (today() + dt.timedelta(days=1)).isoformat()):
        assert client.get(f"/customers/{theirs.pk}/", {"as_of": as_of}).status_code == 404, as_of
    assert client.get(f"/customers/{book['mine'].pk}/", {"as_of": "2025-02-28"}).status_code == 200


def test_the_page_costs_the_same_queries_however_many_installments(book, manager, make_contract):
    client = signed_in(manager)
    mine = book["mine"]
    client.get(f"/customers/{mine.pk}/")  # the session and the user, read once

    def queries(as_of=None) -> int:
        params = {"as_of": as_of.isoformat()} if as_of else {}
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/customers/{mine.pk}/", params).status_code == 200
        return len(captured)

    dates = (DAY_BEFORE, PAID_ON, dt.date(2025, 3, 20), None)
    before = [queries(as_of) for as_of in dates]
    # eight more installments, some paid on the same days, one partly
    plan = [("1000.00", dt.date(2025, 2, day)) for day in range(1, 9)]
    more = make_contract(mine, plan, title="第二份合同")
    receipt = receipt_create(actor=manager, customer=mine, received_on=PAID_ON, amount=D("3500.00"))
    for installment in more.installments.order_by("sequence")[:3]:
        allocation_create(actor=manager, receipt=receipt, installment=installment, amount=D("1000.00"))
    allocation_create(actor=manager, receipt=receipt, installment=more.installments.get(sequence=4), amount=D("500.00"))
    after = [queries(as_of) for as_of in dates]
    assert after == before
    [figures] = figures_on(client, mine, DAY_BEFORE).context["figures"]
    assert (figures.open_installments, figures.open_count, figures.overdue_count) == (D("18000.00"), 10, 9)


def test_the_past_figures_agree_with_the_lists_and_the_balance_on_every_day(book, manager, rep):
    """On each day of the book's life, the page's figures are those of the worklist's selector (the
    open and overdue installments as of that day) and of ``figures.customer_balance``, with an
    allocation reversed, a discount and a receipt in another currency in the book too."""
    mine, contract = book["mine"], book["contract"]
    second = contract.installments.get(sequence=2)
    adjustment_create(
        actor=manager,
        installment=second,
        kind="discount",
        amount=D("100.00"),
        reason="质量折让",
        effective_on=dt.date(2025, 3, 3),
    )
    partial = receipt_create(actor=manager, customer=mine, received_on=dt.date(2025, 3, 12), amount=D("1000.00"))
    wrong = allocation_create(actor=manager, receipt=partial, installment=second, amount=D("1000.00"))
    allocation_reverse(actor=manager, allocation=wrong, reason="错配", reversed_on=dt.date(2025, 3, 15))
    receipt_create(actor=manager, customer=mine, received_on=dt.date(2025, 3, 2), amount=D("300.00"), currency="USD")
    client = signed_in(manager)
    day = dt.date(2025, 1, 8)
    while day <= dt.date(2025, 4, 3):
        figures = {f.currency: f for f in figures_on(client, mine, day).context["figures"]}
        assert next(iter(figures)) == "CNY"
        for currency, f in figures.items():
            balance = customer_balance(mine.pk, day, currency=currency)
            assert (f.open_installments, f.unapplied_cash) == (balance.open_installments, balance.unapplied_cash)
            listed = installment_list(user=manager, filters={"customer": mine.pk, "currency": currency}, as_of=day)
            open_then = [row for row in listed if figures_of(row).status in OPEN_STATUSES]
            overdue = [r for r in open_then if figures_of(r).status == "overdue"]
            assert f.open_count == len(open_then), day
            assert f.overdue_count == len(overdue), day
            assert f.overdue == sum((figures_of(r).open for r in overdue), D("0.00")), day
        assert ("USD" in figures) == (day >= dt.date(2025, 3, 2)), day
        day += dt.timedelta(days=3)
