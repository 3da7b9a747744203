"""Error codes of the reports' parameters."""

from enum import StrEnum


class ReportErrorCode(StrEnum):
    INVALID_BUCKETS = "invalid_buckets"
    INVALID_GROUPING = "invalid_grouping"
    INVALID_PERIOD = "invalid_period"
