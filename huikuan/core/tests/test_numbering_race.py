"""Numbers handed out at the same moment are all different and leave no gap, even when the series
is new and every caller tries to create its row (PostgreSQL, real connections)."""

import datetime as dt

import pytest
from django.db import transaction

from huikuan.core.numbering import next_number

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def test_concurrent_callers_get_consecutive_distinct_numbers(company, race):
    def take() -> str:
        with transaction.atomic():
            return next_number(company=company, kind="race", pattern="R-{year}-{seq:03d}", on=dt.date(2026, 5, 1))

    numbers = race(*[take] * 8)
    assert sorted(numbers) == [f"R-2026-{n:03d}" for n in range(1, 9)]
