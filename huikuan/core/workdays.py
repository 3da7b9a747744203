"""Working days in mainland China: weekends and public holidays are off, and the weekend days the
State Council makes working days (调休) are on. The ``chinese-calendar`` package knows the official
calendar of each year it was released for; a year it does not know yet counts weekends only."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

# a step never waits longer than this for a working day (the longest official break is 8 days)
_MAX_WAIT = 31


@lru_cache(maxsize=4096)
def is_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    for offset in range(_MAX_WAIT):
        candidate = day + dt.timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    return day
