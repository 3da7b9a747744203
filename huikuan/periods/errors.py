"""Error codes of period close."""

from enum import StrEnum


class PeriodErrorCode(StrEnum):
    PERIOD_CLOSED = "period_closed"
    MONTH_NOT_ENDED = "month_not_ended"
    ALREADY_CLOSED = "already_closed"
    CLOSE_IN_ORDER = "close_in_order"
    ALREADY_REOPENED = "already_reopened"
    REOPEN_IN_ORDER = "reopen_in_order"
