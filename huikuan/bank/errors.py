from enum import StrEnum

from huikuan.core.errors import DomainError


class BankErrorCode(StrEnum):
    ACCOUNT_NUMBER_INVALID = "bank_account_number_invalid"
    ACCOUNT_NUMBER_TAKEN = "bank_account_number_taken"
    ACCOUNT_NAME_TAKEN = "bank_account_name_taken"
    THRESHOLD_OUT_OF_RANGE = "bank_threshold_out_of_range"
    ACCOUNT_INACTIVE = "bank_account_inactive"
    FILE_REJECTED = "bank_file_rejected"
    MAPPING_INCOMPLETE = "bank_mapping_incomplete"
    FILE_TOO_LARGE = "bank_file_too_large"
    LINE_NOT_OPEN = "bank_line_not_open"
    LINE_NOT_CREDIT = "bank_line_not_credit"
    LINE_NOT_MATCHED = "bank_line_not_matched"
    NO_PROPOSAL = "bank_no_proposal"
    ALLOCATIONS_EXCEED_LINE = "bank_allocations_exceed_line"


class StatementRejected(DomainError):
    """A statement file was refused whole; ``errors`` lists each problem by row
    (``parsing.RowError``). Nothing of it was stored."""

    def __init__(self, message: object, errors: list) -> None:
        super().__init__(BankErrorCode.FILE_REJECTED, message, field="file")
        self.errors = errors

    def as_dict(self) -> dict:
        body = super().as_dict()
        body["rows"] = [{"row": e.row, "field": e.field, "message": str(e.message)} for e in self.errors]
        return body
