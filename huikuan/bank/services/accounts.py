"""Bank accounts of the company and the column mappings saved per bank."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from huikuan.accounts.models import Company, User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_company
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.bank import names
from huikuan.bank.errors import BankErrorCode as Code
from huikuan.bank.models import BankAccount, ColumnMappingSetting
from huikuan.bank.parsing import ColumnMapping
from huikuan.core import crypto, money
from huikuan.core.errors import DomainError

MIN_THRESHOLD, MAX_THRESHOLD = 50, 101  # 101: never apply on its own


def _number(number: str) -> str:
    key = names.account_key(number)
    if not 4 <= len(key) <= 34:
        raise DomainError(
            Code.ACCOUNT_NUMBER_INVALID,
            _("An account number has 4 to 34 letters and digits."),
            field="number",
        )
    return key


def _threshold(value: int) -> int:
    if not MIN_THRESHOLD <= value <= MAX_THRESHOLD:
        raise DomainError(
            Code.THRESHOLD_OUT_OF_RANGE,
            _("The threshold is a percentage from %(low)s to %(high)s (%(high)s: never apply on its own).")
            % {"low": MIN_THRESHOLD, "high": MAX_THRESHOLD},
            field="auto_threshold",
        )
    return value


def _check_unique(account: BankAccount) -> None:
    others = BankAccount.objects.filter(company_id=account.company_id).exclude(pk=account.pk)
    if others.filter(number_digest=account.number_digest).exists():
        raise DomainError(Code.ACCOUNT_NUMBER_TAKEN, _("This account number is already set up."), field="number")
    if others.filter(name=account.name).exists():
        raise DomainError(Code.ACCOUNT_NAME_TAKEN, _("Another account has this name."), field="name")


@transaction.atomic
def bank_account_create(
    *,
    actor: User,
    company: Company,
    name: str,
    bank_name: str,
    number: str,
    currency: str | None = None,
    auto_threshold: int = 90,
) -> BankAccount:
    """Add an account of the company; its number is stored encrypted. Raises DomainError."""
    require(actor, Perm.BANK_ACCOUNT_CHANGE)
    require_company(actor, company.pk)
    key = _number(number)
    account = BankAccount(
        company=company,
        name=name.strip(),
        bank_name=bank_name.strip(),
        currency=money.validate_currency(currency or company.currency),
        number_encrypted=crypto.encrypt(key),
        number_digest=crypto.digest(key),
        number_last_digits=key[-4:],
        auto_threshold=_threshold(auto_threshold),
    )
    _check_unique(account)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as error:  # a concurrent twin
        raise DomainError(
            Code.ACCOUNT_NUMBER_TAKEN, _("This account number is already set up."), field="number"
        ) from error
    audit.record(
        action=AuditAction.BANK_ACCOUNT_CREATED,
        target=account,
        actor=actor,
        data={"name": account.name, "bank": account.bank_name, "number": account.masked_number},
    )
    return account


@transaction.atomic
def bank_account_update(
    *,
    actor: User,
    account: BankAccount,
    name: str,
    bank_name: str,
    auto_threshold: int,
    active: bool = True,
) -> BankAccount:
    """Rename an account, change its bank or threshold, or retire it. The number and currency stay:
    its lines were booked in them. Raises DomainError."""
    require(actor, Perm.BANK_ACCOUNT_CHANGE)
    require_company(actor, account.company_id)
    account.name, account.bank_name = name.strip(), bank_name.strip()
    account.auto_threshold = _threshold(auto_threshold)
    account.active = active
    _check_unique(account)
    account.save()
    audit.record(
        action=AuditAction.BANK_ACCOUNT_UPDATED,
        target=account,
        actor=actor,
        data={"name": account.name, "bank": account.bank_name, "threshold": account.auto_threshold, "active": active},
    )
    return account


def account_number(account: BankAccount) -> str:
    """The account's number in clear, for the few places that compare it (an imported file's
    account). Raises crypto.UndecryptableError when the install lost its key."""
    return crypto.decrypt(account.number_encrypted)


def saved_mapping(account: BankAccount) -> ColumnMapping | None:
    saved = ColumnMappingSetting.objects.filter(company_id=account.company_id, bank_name=account.bank_name).first()
    return None if saved is None else ColumnMapping.from_dict(saved.mapping)


@transaction.atomic
def mapping_set(*, actor: User, account: BankAccount, mapping: ColumnMapping) -> None:
    """Set by hand how the spreadsheet exports of the account's bank are read (when the columns
    are not recognised). Raises DomainError."""
    require(actor, Perm.BANK_IMPORT)
    require_company(actor, account.company_id)
    if not mapping.date.strip():
        raise DomainError(Code.MAPPING_INCOMPLETE, _("Name the column of the date."), field="date")
    if not (mapping.amount.strip() or mapping.credit.strip() or mapping.debit.strip()):
        raise DomainError(
            Code.MAPPING_INCOMPLETE,
            _("Name the amount column, or the columns of money in and money out."),
            field="amount",
        )
    mapping_save(account=account, mapping=mapping)
    audit.record(
        action=AuditAction.BANK_MAPPING_SAVED, target=account, actor=actor, data={"mapping": mapping.as_dict()}
    )


def mapping_save(*, account: BankAccount, mapping: ColumnMapping) -> None:
    """Keep the mapping a spreadsheet of the account's bank was read with, for its next file
    (called by the import, within its transaction)."""
    ColumnMappingSetting.objects.update_or_create(
        company_id=account.company_id, bank_name=account.bank_name, defaults={"mapping": mapping.as_dict()}
    )
