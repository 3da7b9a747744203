"""A month closed while a receipt dated in it is being posted: on PostgreSQL, with real
connections, the posting either commits before the close reads the books, or waits for the close
and is refused. It never slips into the closed month."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
from django.db import connections, transaction

from huikuan.core.errors import DomainError
from huikuan.periods.services import period_close
from huikuan.receivables.models import Receipt
from huikuan.receivables.services.receipts import receipt_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

FEB = dt.date(2025, 2, 1)


def in_thread(work):
    outcome: dict = {}

    def run():
        try:
            outcome["result"] = work()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_posting_waits_for_a_close_in_flight_and_is_then_refused(clerk, manager, company, make_customer):
    customer = make_customer()
    closing, release = threading.Event(), threading.Event()

    def close_and_hold():
        with transaction.atomic():
            period = period_close(actor=manager, company=company, month=FEB)
            closing.set()
            release.wait(timeout=20)
        return period

    closer, _closed = in_thread(close_and_hold)
    assert closing.wait(timeout=20)
    poster, posted = in_thread(
        lambda: receipt_create(actor=clerk, customer=customer, received_on=dt.date(2025, 2, 27), amount=D("9.00"))
    )
    poster.join(timeout=1.5)
    assert poster.is_alive(), "the posting must wait for the close, not pass it"
    release.set()
    closer.join(timeout=20)
    poster.join(timeout=20)
    assert isinstance(posted.get("error"), DomainError)
    assert posted["error"].code == "period_closed"
    assert not Receipt.objects.filter(received_on__month=2).exists()


def test_a_close_waits_for_a_posting_in_flight(clerk, manager, company, make_customer):
    customer = make_customer()
    posting, release = threading.Event(), threading.Event()

    def post_and_hold():
        with transaction.atomic():
            receipt = receipt_create(actor=clerk, customer=customer, received_on=dt.date(2025, 2, 27), amount=D("9.00"))
            posting.set()
            release.wait(timeout=20)
        return receipt

    poster, posted = in_thread(post_and_hold)
    assert posting.wait(timeout=20)
    closer, closed = in_thread(lambda: period_close(actor=manager, company=company, month=FEB))
    closer.join(timeout=1.5)
    assert closer.is_alive(), "the close must wait for the posting in flight"
    release.set()
    poster.join(timeout=20)
    closer.join(timeout=20)
    assert "error" not in posted
    assert "error" not in closed
    assert Receipt.objects.filter(received_on__month=2).count() == 1
