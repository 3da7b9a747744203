"""Error codes of contracts, plans and milestones."""

from enum import StrEnum


class ContractErrorCode(StrEnum):
    CONTRACT_CANCELLED = "contract_cancelled"
    CONTRACT_NOT_ACTIVE = "contract_not_active"
    CONTRACT_NOT_DRAFT = "contract_not_draft"
    CUSTOMER_CLOSED = "customer_closed"
    CUSTOMER_NOT_ACTIVE = "customer_not_active"
    DUE_DATE_REQUIRED = "due_date_required"
    INVALID_MILESTONE = "invalid_milestone"
    INVALID_TERMS = "invalid_terms"
    INVALID_VAT_RATE = "invalid_vat_rate"
    MILESTONE_RECORDED = "milestone_recorded"
    NOT_EDITABLE = "not_editable"
    PLAN_DOES_NOT_SUM = "plan_does_not_sum"
    PLAN_EMPTY = "plan_empty"
    PLAN_EXCEEDS_AMOUNT = "plan_exceeds_amount"
    TITLE_REQUIRED = "title_required"
