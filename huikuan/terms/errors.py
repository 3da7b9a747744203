"""Error codes of payment terms templates and schedules."""

from enum import StrEnum


class TermsErrorCode(StrEnum):
    AMOUNT_TOO_SMALL_TO_SPLIT = "amount_too_small_to_split"
    DUPLICATE_NAME = "duplicate_name"
    NAME_REQUIRED = "name_required"
    TERMS_BAD_AMOUNT_KIND = "terms_bad_amount_kind"
    TERMS_BAD_DUE_RULE = "terms_bad_due_rule"
    TERMS_BAD_FIXED_AMOUNT = "terms_bad_fixed_amount"
    TERMS_BAD_PERCENT = "terms_bad_percent"
    TERMS_BAD_PERIODS = "terms_bad_periods"
    TERMS_DATE_NEEDED = "terms_date_needed"
    TERMS_DAY_NEEDED = "terms_day_needed"
    TERMS_DO_NOT_FIT_AMOUNT = "terms_do_not_fit_amount"
    TERMS_EMPTY = "terms_empty"
    TERMS_MILESTONE_NEEDED = "terms_milestone_needed"
    TERMS_NEGATIVE_DAYS = "terms_negative_days"
    TERMS_NEGATIVE_MONTHS = "terms_negative_months"
    TERMS_NEVER_FIT = "terms_never_fit"
    TERMS_FIXED_BEYOND_100 = "terms_fixed_beyond_100"
    TERMS_PERCENT_OVER_100 = "terms_percent_over_100"
    TERMS_PERIOD_NEEDED = "terms_period_needed"
    TERMS_REMAINDER_EMPTY = "terms_remainder_empty"
    TERMS_REMAINDER_NEEDED = "terms_remainder_needed"
    TERMS_REPEATED_LINE = "terms_repeated_line"
    TERMS_TWO_REMAINDERS = "terms_two_remainders"
