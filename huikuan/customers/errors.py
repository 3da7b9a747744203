"""Error codes of customers and contacts."""

from enum import StrEnum


class CustomerErrorCode(StrEnum):
    CONTACT_NAME_REQUIRED = "contact_name_required"
    DUPLICATE_TAX_ID = "duplicate_tax_id"
    INVALID_STATUS = "invalid_status"
    INVALID_TAX_ID = "invalid_tax_id"
    INVALID_TERMS = "invalid_terms"
    NAME_REQUIRED = "name_required"
    NOT_EDITABLE = "not_editable"
