"""Period close (结账): once February 2025 is closed, nothing is posted, reversed or dated in it,
corrections land in March, and reopening is a separate, audited permission."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.accounts.roles import Role
from huikuan.audit.models import AuditEvent
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.periods.models import ClosedPeriod
from huikuan.periods.selectors import closed_through
from huikuan.periods.services import period_close, period_reopen
from huikuan.receivables.figures import customer_balance, open_total
from huikuan.receivables.services.adjustments import adjustment_create, adjustment_reverse
from huikuan.receivables.services.allocations import allocation_create, allocation_reverse
from huikuan.receivables.services.receipts import receipt_create, receipt_reverse

FEB = dt.date(2025, 2, 1)
FEB_END = dt.date(2025, 2, 28)
MARCH_1 = dt.date(2025, 3, 1)


@pytest.fixture
def admin(make_user):
    return make_user("admin", Role.ADMIN)


@pytest.fixture
def book(rep_book):
    """rep_book: 6,000 due 10 Feb and 4,000 due 10 Mar 2025; 5,000 received 1 Feb, 1,000 of it
    allocated to the first installment; a 100 discount on the second on 1 Mar."""
    return rep_book


@pytest.fixture
def closed_feb(manager, company, book):
    period_close(actor=manager, company=company, month=dt.date(2025, 1, 1))
    return period_close(actor=manager, company=company, month=FEB)


def test_a_closed_month_refuses_receipts_dated_in_it(clerk, book, closed_feb):
    with pytest.raises(DomainError) as error:
        receipt_create(actor=clerk, customer=book.customer, received_on=FEB_END, amount=D("10.00"))
    assert error.value.code == "period_closed"
    assert error.value.field == "received_on"
    assert str(error.value.message).startswith("February 2025 is closed")
    assert "March 1, 2025" in str(error.value.message)
    receipt = receipt_create(actor=clerk, customer=book.customer, received_on=MARCH_1, amount=D("10.00"))
    assert receipt.received_on == MARCH_1


def test_allocations_of_an_old_receipt_take_effect_in_the_open_period(clerk, book, closed_feb):
    before = customer_balance(book.customer.pk, FEB_END)
    # dated explicitly in February: refused
    with pytest.raises(DomainError) as error:
        allocation_create(
            actor=clerk, receipt=book.receipt, installment=book.first, amount=D("500.00"), effective_on=FEB_END
        )
    assert (error.value.code, error.value.field) == ("period_closed", "effective_on")
    # by default the February receipt's allocation takes effect on 1 March
    allocation = allocation_create(actor=clerk, receipt=book.receipt, installment=book.first, amount=D("500.00"))
    assert allocation.effective_on == MARCH_1
    assert customer_balance(book.customer.pk, FEB_END) == before


def test_reversals_and_adjustments_cannot_be_dated_in_a_closed_month(manager, clerk, book, closed_feb):
    february_figures = open_total(book.customer.installments.all(), FEB_END)
    attempts = [
        lambda: receipt_reverse(actor=clerk, receipt=book.receipt, reason="退票", reversed_on=FEB_END),
        lambda: allocation_reverse(actor=clerk, allocation=book.allocation, reason="错账", reversed_on=FEB_END),
        lambda: adjustment_create(
            actor=manager, installment=book.first, kind="discount", amount=D("1.00"), reason="折让", effective_on=FEB
        ),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as error:
            attempt()
        assert error.value.code == "period_closed"
    # the corrections go into the open period
    allocation_reverse(actor=clerk, allocation=book.allocation, reason="错账", reversed_on=MARCH_1)
    adjustment_reverse(actor=manager, adjustment=book.adjustment, reason="撤销折让", reversed_on=MARCH_1)
    receipt_reverse(actor=clerk, receipt=book.receipt, reason="退票")
    assert open_total(book.customer.installments.all(), FEB_END) == february_figures


def test_a_contract_signed_in_a_closed_month_is_receivable_from_the_first_open_day(
    manager, make_contract, book, closed_feb
):
    february = open_total(book.customer.installments.all(), FEB_END)
    late = make_contract(book.customer, [("800.00", dt.date(2025, 3, 20))], signed_on=dt.date(2025, 2, 15))
    assert {i.booked_on for i in late.installments.all()} == {MARCH_1}
    assert open_total(book.customer.installments.all(), FEB_END) == february
    assert open_total(book.customer.installments.all(), MARCH_1) > february


def test_months_close_in_order_once_ended(manager, company, book, closed_feb):
    assert closed_through(company.pk) == FEB_END
    with pytest.raises(DomainError) as error:
        period_close(actor=manager, company=company, month=dt.date(2025, 4, 1))
    assert error.value.code == "close_in_order"
    with pytest.raises(DomainError) as error:
        period_close(actor=manager, company=company, month=FEB)
    assert error.value.code == "already_closed"
    from huikuan.core.dates import today

    with pytest.raises(DomainError) as error:
        period_close(actor=manager, company=company, month=today().replace(day=1))
    assert error.value.code == "month_not_ended"


def test_only_finance_closes_and_only_the_reopen_permission_reopens(rep, clerk, manager, admin, company, closed_feb):
    for user in (rep, clerk):
        with pytest.raises(NotPermitted):
            period_close(actor=user, company=company, month=MARCH_1)
    with pytest.raises(NotPermitted):
        period_reopen(actor=manager, period=closed_feb, reason="补录")
    with pytest.raises(DomainError) as error:
        period_reopen(actor=admin, period=closed_feb, reason="  ")
    assert error.value.code == "reason_required"
    january = ClosedPeriod.objects.get(month=dt.date(2025, 1, 1), reopened_at__isnull=True)
    with pytest.raises(DomainError) as error:
        period_reopen(actor=admin, period=january, reason="补录")
    assert error.value.code == "reopen_in_order"
    period_reopen(actor=admin, period=closed_feb, reason="补录二月收款")
    assert closed_through(company.pk) == dt.date(2025, 1, 31)
    event = AuditEvent.objects.get(action="period.reopened")
    assert (event.actor, event.reason) == (admin, "补录二月收款")
    assert AuditEvent.objects.filter(action="period.closed").count() == 2
    # February is open again; closing it again keeps the reopened row as history
    period_close(actor=manager, company=company, month=FEB)
    assert ClosedPeriod.objects.filter(month=FEB).count() == 2


def test_the_api_closes_and_refuses_postings_in_chinese(api_client, manager, clerk, rep, book):
    client = api_client(manager)
    response = client.post("/api/v1/closed-periods/", {"month": "2025-02"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["month"] == "2025-02"
    assert response.json()["closed_through"] == "2025-02-28"
    assert api_client(rep).post("/api/v1/closed-periods/", {"month": "2025-03"}, format="json").status_code == 403
    refused = api_client(clerk).post(
        "/api/v1/receipts/",
        {"customer": book.customer.pk, "received_on": "2025-02-20", "amount": "10.00"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "period_closed"
    assert "已结账" in body["fields"]["received_on"][0]
    period_id = response.json()["id"]
    assert client.post(f"/api/v1/closed-periods/{period_id}/reopen/", {"reason": "x"}, format="json").status_code == 403
