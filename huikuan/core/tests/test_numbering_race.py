"""Numbers handed out at the same moment are all different and leave no gap, even when the series
is new and every caller tries to create its row (PostgreSQL, real connections)."""

import datetime as dt
import threading

import pytest
from django.db import connections, transaction

from huikuan.core.numbering import next_number

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def test_concurrent_callers_get_consecutive_distinct_numbers(company):
    callers = 8
    barrier = threading.Barrier(callers)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                numbers.append(
                    next_number(company=company, kind="race", pattern="R-{year}-{seq:03d}", on=dt.date(2026, 5, 1))
                )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(numbers) == [f"R-2026-{n:03d}" for n in range(1, callers + 1)]
