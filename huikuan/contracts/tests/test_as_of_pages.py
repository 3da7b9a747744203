"""The contract page as of a past date (``?as_of=``): its figures and each installment's collected,
open and status as they stood on that day (from the installment selectors' as-of figures); a future
or malformed date refused on the field with today's figures shown; the scope unchanged; and a
query count that does not grow with the plan.

The contract is built by the services: signed 10 Jan 2025, 6,000.00 due 10 Feb and 4,000.00 due
10 Mar 2025; on D = 1 Mar 2025 the first is paid in full."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from huikuan.accounts.roles import Role
from huikuan.core.dates import today
from huikuan.receivables.services.allocations import allocation_create, allocation_reverse
from huikuan.receivables.services.receipts import receipt_create

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
    receipt = receipt_create(actor=manager, customer=mine, received_on=PAID_ON, amount=D("6000.00"))
    allocation_create(
        actor=manager, receipt=receipt, installment=contract.installments.get(sequence=1), amount=D("6000.00")
    )
    theirs = make_customer(owner=other_rep, name="乙方贸易有限公司")
    foreign = make_contract(theirs, [("2000.00", dt.date(2025, 3, 1))], number="HT-THEIRS")
    return {"mine": mine, "contract": contract, "foreign": foreign}


def page_on(client: Client, contract, as_of=None):
    params = {} if as_of is None else {"as_of": as_of if isinstance(as_of, str) else as_of.isoformat()}
    response = client.get(f"/contracts/{contract.pk}/", params)
    assert response.status_code == 200
    return response


def plan(response) -> list[tuple]:
    """Each installment's (collected, open, status) as the page's context has them."""
    return [(row["figures"].collected, row["figures"].open, str(row["status"])) for row in response.context["plan"]]


def kpis(response) -> tuple:
    figures = response.context["figures"]
    return figures.collected, figures.outstanding, figures.overdue


def status_cells(response) -> list[str]:
    page = response.content.decode()
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r'data-testid="status-\d+">(.*?)</td>', page)]


def test_an_installment_paid_on_d_is_open_the_day_before_and_paid_on_d(book, manager):
    client = signed_in(manager)
    contract = book["contract"]
    before = page_on(client, contract, DAY_BEFORE)
    assert plan(before) == [(D("0.00"), D("6000.00"), "Overdue"), (D("0.00"), D("4000.00"), "Not due")]
    assert kpis(before) == (D("0.00"), D("10000.00"), D("6000.00"))
    assert status_cells(before) == ["Overdue", "Not due"]
    page = before.content.decode()
    assert '<span class="kpi-value" data-testid="collected">0.00</span>' in page
    assert '<span class="kpi-value" data-testid="open">10,000.00</span>' in page
    on_the_day = page_on(client, contract, PAID_ON)
    assert plan(on_the_day) == [(D("6000.00"), D("0.00"), "Paid"), (D("0.00"), D("4000.00"), "Not due")]
    assert kpis(on_the_day) == (D("6000.00"), D("4000.00"), D("0.00"))
    assert status_cells(on_the_day) == ["Paid", "Not due"]
    # today: the second is overdue, as the page always showed
    now = page_on(client, contract)
    assert plan(now) == [(D("6000.00"), D("0.00"), "Paid"), (D("0.00"), D("4000.00"), "Overdue")]
    assert plan(page_on(client, contract, today())) == plan(now)


def test_before_signing_nothing_was_receivable(book, manager):
    before = page_on(signed_in(manager), book["contract"], dt.date(2025, 1, 5))
    assert plan(before) == [(D("0.00"), D("0.00"), ""), (D("0.00"), D("0.00"), "")]
    assert status_cells(before) == ["not yet receivable", "not yet receivable"]


def test_a_reversed_allocation_counts_until_its_reversal(book, manager):
    client = signed_in(manager)
    contract = book["contract"]
    allocation = contract.installments.get(sequence=1).allocations.get()
    allocation_reverse(actor=manager, allocation=allocation, reason="错配", reversed_on=dt.date(2025, 3, 20))
    assert plan(page_on(client, contract, dt.date(2025, 3, 19)))[0] == (D("6000.00"), D("0.00"), "Paid")
    assert plan(page_on(client, contract, dt.date(2025, 3, 20)))[0] == (D("0.00"), D("6000.00"), "Overdue")


def test_the_date_is_shown_and_the_customer_link_carries_it(book, manager):
    client = signed_in(manager)
    contract, mine = book["contract"], book["mine"]
    page = page_on(client, contract, DAY_BEFORE).content.decode()
    assert "figures as of 2025-02-28" in page
    assert "As of 2025-02-28, in CNY" in page
    assert 'data-testid="as-of-past"' in page
    assert 'value="2025-02-28"' in page
    assert f'href="/customers/{mine.pk}/?as_of=2025-02-28"' in page
    assert f'href="/contracts/{contract.pk}/" data-testid="as-of-today"' in page
    now = page_on(client, contract).content.decode()
    assert f"figures as of {today().isoformat()}" in now
    assert 'data-testid="as-of-past"' not in now
    assert f'href="/customers/{mine.pk}/"' in now
    assert f'value="{today().isoformat()}"' in now


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("tomorrow", "The date cannot be in the future."),
        ("2025-02-30", "Enter a valid date."),
        ("soon", "Enter a valid date."),
        ("2100-01-01", "Enter a date from 1990-01-01 to 2099-12-31."),
    ],
)
def test_a_future_or_malformed_date_is_refused_on_the_field_and_the_page_shows_today(book, manager, as_of, message):
    if as_of == "tomorrow":
        as_of = (today() + dt.timedelta(days=1)).isoformat()
    client = signed_in(manager)
    contract = book["contract"]
    response = page_on(client, contract, as_of)
    page = response.content.decode()
    assert response.context["as_of_form"].errors["as_of"] == [message]
    assert message in page
    assert 'id="id_as_of_error"' in page
    assert f'value="{as_of}"' in page
    assert response.context["as_of"] == today()
    assert plan(response) == plan(page_on(client, contract))
    assert 'data-testid="as-of-past"' not in page
    # the actions are there as on any day
    assert f"/contracts/{contract.pk}/terminate/" in page


def test_the_refusal_speaks_chinese(book, manager):
    client = signed_in(manager, "zh-hans")
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    page = page_on(client, book["contract"], tomorrow).content.decode()
    assert "日期不能晚于今天。" in page
    assert "截至日期" in page
    past = page_on(client, book["contract"], DAY_BEFORE).content.decode()
    assert "数据截至 2025-02-28" in past
    assert "逾期" in past


def test_a_sales_rep_still_cannot_reach_another_reps_contract_with_a_date(book, rep):
    client = signed_in(rep)
    foreign = book["foreign"]
    for as_of in ("2025-02-28", "", "soon", (today() + dt.timedelta(days=1)).isoformat()):
        assert client.get(f"/contracts/{foreign.pk}/", {"as_of": as_of}).status_code == 404, as_of
    assert client.get(f"/contracts/{book['contract'].pk}/", {"as_of": "2025-02-28"}).status_code == 200


def test_the_page_costs_the_same_queries_however_long_the_plan(book, manager, make_contract):
    client = signed_in(manager)
    short = book["contract"]
    # twelve installments, some paid on D, one partly, one paid and reversed later
    long = make_contract(book["mine"], [("1000.00", dt.date(2025, 2, day)) for day in range(1, 13)])
    receipt = receipt_create(actor=manager, customer=book["mine"], received_on=PAID_ON, amount=D("5000.00"))
    rows = list(long.installments.order_by("sequence"))
    for installment in rows[:3]:
        allocation_create(actor=manager, receipt=receipt, installment=installment, amount=D("1000.00"))
    allocation_create(actor=manager, receipt=receipt, installment=rows[3], amount=D("500.00"))
    undone = allocation_create(actor=manager, receipt=receipt, installment=rows[4], amount=D("1000.00"))
    allocation_reverse(actor=manager, allocation=undone, reason="错配", reversed_on=dt.date(2025, 3, 20))
    client.get(f"/contracts/{short.pk}/")  # the session and the user, read once

    def queries(contract, as_of=None) -> int:
        params = {"as_of": as_of.isoformat()} if as_of else {}
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/contracts/{contract.pk}/", params).status_code == 200
        return len(captured)

    for as_of in (DAY_BEFORE, PAID_ON, dt.date(2025, 3, 19), None):
        assert queries(long, as_of) == queries(short, as_of), as_of
    on_the_day = plan(page_on(client, long, dt.date(2025, 3, 19)))
    assert [status for _collected, _open, status in on_the_day[:5]] == ["Paid"] * 3 + ["Overdue", "Paid"]
    assert on_the_day[3][:2] == (D("500.00"), D("500.00"))


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.AUDITOR])
def test_read_only_roles_get_the_date_picker_and_no_form_that_writes(make_user, role, book):
    client = signed_in(make_user(f"reader_{role}", role))
    page = page_on(client, book["contract"], DAY_BEFORE).content.decode()
    main = page.split('<main id="main"', 1)[1]
    forms = re.findall(r"<form\b[^>]*>", main)
    assert len(forms) == 1
    assert 'method="get"' in forms[0]
    assert 'data-testid="as-of"' in forms[0]
    assert 'method="post"' not in main
    assert "csrfmiddlewaretoken" not in main
