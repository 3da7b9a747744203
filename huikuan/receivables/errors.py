"""Error codes of the receivables services."""

from enum import StrEnum


class ReceivableErrorCode(StrEnum):
    RECEIPT_REVERSED = "receipt_reversed"
    OTHER_CUSTOMER = "other_customer"
    OTHER_CURRENCY = "other_currency"
    NOT_RECEIVABLE = "installment_not_receivable"
    EXCEEDS_RECEIPT = "exceeds_receipt"
    EXCEEDS_INSTALLMENT = "exceeds_installment"
    ALREADY_REVERSED = "already_reversed"
    BILL_MATURITY_REQUIRED = "bill_maturity_required"
    NOTHING_TO_ALLOCATE = "nothing_to_allocate"
    DATE_TOO_EARLY = "date_too_early"
    HAS_ALLOCATIONS = "has_allocations"
    POSTED = "posted"
    INVALID_KIND = "invalid_kind"
    INVALID_METHOD = "invalid_method"
