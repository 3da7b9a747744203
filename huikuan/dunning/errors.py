"""Error codes of dunning's refusals."""

from enum import StrEnum


class DunningErrorCode(StrEnum):
    INVALID_TEMPLATE = "invalid_template"
    NO_POLICY = "no_policy"
    MESSAGE_NOT_RESENDABLE = "message_not_resendable"
    AMOUNT_OVER_OPEN = "amount_over_open"
    INVALID_CHOICE = "invalid_choice"
    INVALID_COLLECTOR = "invalid_collector"
    INVALID_FOLLOW_UP = "invalid_follow_up"
    INVALID_INSTALLMENTS = "invalid_installments"
    NOT_OPEN = "not_open"
    TEXT_TOO_LONG = "text_too_long"
    LANGUAGE = "invalid_language"
    NO_STEPS = "no_steps"
    PAUSE_REASON = "pause_reason_required"
    POLICY_NAME = "invalid_policy_name"
    STEP_DAYS = "invalid_step_days"
    STEP_EMPTY = "step_does_nothing"
    STEP_FEE = "invalid_step_fee"
    STEP_FINAL = "final_step_not_last"
    STEP_IN_USE = "step_in_use"
    STEP_NAME = "invalid_step_name"
    STEP_TASK = "invalid_task_assignee"
