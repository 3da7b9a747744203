"""Importing a bank statement file (银行流水导入): read whole, checked whole, stored whole or not at all.

Re-importing a file, or one whose period overlaps an earlier one, adds no line twice: a line's
``dedupe_key`` is a digest of what the bank says of it (date, amount, currency, reference, payer,
memo) and of how many identical lines came before it in the file on that day, so two real payments
that look alike on one day stay two lines while the same day read again finds both."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_company
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.bank import names
from huikuan.bank.errors import BankErrorCode as Code
from huikuan.bank.errors import StatementRejected
from huikuan.bank.models import BalanceCheck, BankAccount, BankLine, BankStatement, LineStatus
from huikuan.bank.parsing import ColumnMapping, ParsedFile, ParsedLine, ParsedStatement, RowError, StatementFileError
from huikuan.bank.parsing.checks import statement_problems
from huikuan.bank.parsing.read import read_statement_file
from huikuan.bank.services.accounts import account_number, mapping_save, saved_mapping
from huikuan.core import money, rows
from huikuan.core.errors import DomainError

_KEY_CHUNK = 500
_LINE_COLUMNS = (
    "company", "account", "statement", "row", "booked_on", "value_on", "amount", "currency", "payer_name",
    "payer_account", "payer_bank", "reference", "memo", "balance", "dedupe_key", "status", "proposals",
    "confidence", "note", "matched_by",
)  # fmt: skip


@dataclass
class ImportResult:
    statements: list[BankStatement] = field(default_factory=list)
    read: int = 0
    new: int = 0
    duplicates: int = 0
    skipped: int = 0  # rows of the file that are no transactions (totals, zero amounts)
    outgoing: int = 0  # new lines of money out: not customer payments, ignored
    other_accounts: list[str] = field(default_factory=list)  # statements of other accounts, left out
    new_line_ids: list[int] = field(default_factory=list)
    format: str = ""
    mapping: ColumnMapping | None = None


def _same_account(named: str, number: str) -> bool:
    """Whether the account a file names is ``number``: equal, or one ends with the other (a file
    may write the bank code or BIC before the number, or an IBAN around it)."""
    named, number = names.account_key(named), names.account_key(number)
    if not named:
        return True
    shorter, longer = sorted((named, number), key=len)
    return len(shorter) >= 6 and (longer.endswith(shorter) or shorter in longer)


def _reject(errors: list[RowError]) -> StatementRejected:
    return StatementRejected(
        _("The file was not imported: %(count)s problem(s) found. Nothing was stored.") % {"count": len(errors)},
        errors,
    )


def _check_lines(statements: list[ParsedStatement], account: BankAccount, today: dt.date) -> list[RowError]:
    errors = []
    for statement in statements:
        if statement.currency and statement.currency != account.currency:
            errors.append(
                RowError(
                    None,
                    "currency",
                    _("The statement is in %(file)s, the account in %(account)s.")
                    % {"file": statement.currency, "account": account.currency},
                )
            )
            continue
        for line in statement.lines:
            if line.currency != account.currency:
                errors.append(
                    RowError(
                        line.row,
                        "currency",
                        _("The line is in %(line)s, the account in %(account)s.")
                        % {"line": line.currency, "account": account.currency},
                    )
                )
            # as the bank wrote it: a forint statement has fillér a receipt in HUF cannot take (the
            # line is then matched by hand), but no amount has more than the two places stored
            if abs(line.amount) > money.MAX_AMOUNT or line.amount != money.at_storage_scale(line.amount):
                errors.append(RowError(line.row, "amount", str(money.amount_limit_message())))
            if line.booked_on > today:
                errors.append(RowError(line.row, "date", _("The line is booked after today.")))
    return errors


def _dedupe_keys(account_id: int, lines: list[ParsedLine]) -> list[str]:
    seen: Counter[tuple[object, ...]] = Counter()
    keys = []
    for line in lines:
        what = (
            line.booked_on.isoformat(),
            str(money.at_storage_scale(line.amount)),
            line.currency,
            line.reference.strip(),
            names.account_key(line.payer_account),
            names.full_key(line.payer_name),
            " ".join(line.memo.split()),
        )
        seen[what] += 1
        text = "\x1f".join([str(account_id), *map(str, what), str(seen[what])])
        keys.append(hashlib.sha256(text.encode()).hexdigest())
    return keys


def _existing(account_id: int, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start : start + _KEY_CHUNK]
        found.update(
            BankLine.objects.filter(account_id=account_id, dedupe_key__in=chunk).values_list("dedupe_key", flat=True)
        )
    return found


def _balance_check(account: BankAccount, statement: ParsedStatement) -> tuple[str, Decimal | None]:
    """Whether the statement adds up: its opening balance and lines make its closing balance, its
    lines make the totals it declares, and it opens where the account's statement before it closed.
    A statement that does not add up is stored all the same, flagged: the bank's file is what it
    is, and the clerk sees by how much it is off (the reader's ``check_balances`` would refuse it)."""
    if statement_problems(statement, 1):
        return BalanceCheck.MISMATCH, None
    if statement.opening_balance is None or statement.closing_balance is None:
        return BalanceCheck.UNKNOWN, None
    if statement.starts_on is None:
        return BalanceCheck.OK, None
    # the last statement that ended before this one began (one that overlaps it, re-imported in
    # part, says nothing of where this one starts)
    previous = (
        BankStatement.objects.filter(account=account, ends_on__lt=statement.starts_on, closing_balance__isnull=False)
        .order_by("-ends_on", "-pk")
        .values_list("closing_balance", flat=True)
        .first()
    )
    if previous is not None and previous != statement.opening_balance:
        return BalanceCheck.GAP, previous
    return BalanceCheck.OK, None


def _read(data: bytes, file_name: str, format: str, mapping: ColumnMapping | None, currency: str) -> ParsedFile:
    return read_statement_file(
        data, file_name=file_name, format=format, mapping=mapping, default_currency=currency, check_balances=False
    )


def _truncated(text: str, length: int) -> str:
    return text.strip()[:length]


def statement_import(
    *,
    actor: User,
    account: BankAccount,
    data: bytes,
    file_name: str,
    format: str = "auto",
    mapping: ColumnMapping | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Read a statement file into the account: every line new to the account is stored, money out
    marked ignored; nothing is matched yet (``bank.services.matching.lines_match`` does, after).
    A file that cannot be read whole, names another account or currency, or has a bad line is
    refused with every problem by row, and nothing of it is stored. Raises DomainError."""
    require(actor, Perm.BANK_IMPORT)
    require_company(actor, account.company_id)
    if not account.active:
        raise DomainError(
            Code.ACCOUNT_INACTIVE,
            _("The account is no longer in use: reactivate it to import into it."),
            field="account",
        )
    limit = settings.HUIKUAN_BANK_FILE_MAX_BYTES
    if len(data) > limit:
        raise DomainError(
            Code.FILE_TOO_LARGE,
            _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024) or 1},
            field="file",
        )
    today = today or timezone.localdate()
    saved = None if mapping is not None else saved_mapping(account)
    try:
        parsed = _read(data, file_name, format, mapping or saved, account.currency)
    except StatementFileError as error:
        if saved is None:
            raise _reject(error.errors) from error
        # the bank's saved columns do not fit this file (another export of the same bank): read
        # it as a new one
        try:
            parsed = _read(data, file_name, format, None, account.currency)
        except StatementFileError as second:
            raise _reject(second.errors) from second
    number = account_number(account)
    mine = [s for s in parsed.statements if _same_account(s.account, number)]
    others = sorted({s.account for s in parsed.statements if s not in mine})
    if not mine and parsed.statements:
        raise _reject(
            [
                RowError(
                    None,
                    "account",
                    _("The file is for account %(accounts)s, not %(account)s.")
                    % {"accounts": ", ".join(others), "account": account.masked_number},
                )
            ]
        )
    errors = _check_lines(mine, account, today)
    if errors:
        raise _reject(errors)
    result = ImportResult(format=parsed.format, mapping=parsed.mapping, other_accounts=others, skipped=parsed.skipped)
    _store(actor=actor, account=account, parsed=parsed, statements=mine, file_name=file_name, data=data, result=result)
    return result


@transaction.atomic
def _store(
    *,
    actor: User,
    account: BankAccount,
    parsed: ParsedFile,
    statements: list[ParsedStatement],
    file_name: str,
    data: bytes,
    result: ImportResult,
) -> None:
    digest = hashlib.sha256(data).hexdigest()
    for parsed_statement in statements:
        lines = parsed_statement.lines
        keys = _dedupe_keys(account.pk, lines)
        existing = _existing(account.pk, keys)
        check, previous = _balance_check(account, parsed_statement)
        dates = [line.booked_on for line in lines]
        statement = BankStatement.objects.create(
            company_id=account.company_id,
            account=account,
            file_name=_truncated(file_name, 255) or "-",
            file_sha256=digest,
            format=parsed.format,
            currency=account.currency,
            starts_on=parsed_statement.starts_on or (min(dates) if dates else None),
            ends_on=parsed_statement.ends_on or (max(dates) if dates else None),
            opening_balance=parsed_statement.opening_balance,
            closing_balance=parsed_statement.closing_balance,
            balance_check=check,
            previous_closing=previous,
            credit_total=sum((line.amount for line in lines if line.amount > 0), Decimal(0)),
            debit_total=-sum((line.amount for line in lines if line.amount < 0), Decimal(0)),
            declared_credit_total=parsed_statement.declared_credit_total,
            declared_debit_total=parsed_statement.declared_debit_total,
            lines_read=len(lines),
            lines_duplicate=sum(1 for key in keys if key in existing),
            imported_by=actor,
        )
        # plain rows (core.rows.insert_values): building 100,000 model instances for
        # bulk_create took longer than storing them
        no_proposals = BankLine._meta.get_field("proposals").get_db_prep_save([], connection)
        money_out = _("Money out: not a customer payment.")
        new = []
        seen_in_file: set[str] = set()
        for line, key in zip(lines, keys, strict=True):
            if key in existing or key in seen_in_file:
                continue
            seen_in_file.add(key)
            outgoing = line.amount < 0
            new.append(
                (
                    account.company_id,
                    account.pk,
                    statement.pk,
                    line.row,
                    line.booked_on,
                    line.value_on,
                    money.at_storage_scale(line.amount),
                    account.currency,
                    _truncated(line.payer_name, 200),
                    _truncated(line.payer_account, 64),
                    _truncated(line.payer_bank, 200),
                    _truncated(line.reference, 100),
                    _truncated(line.memo, 500),
                    None if line.balance is None else money.at_storage_scale(line.balance),
                    key,
                    LineStatus.IGNORED.value if outgoing else LineStatus.OPEN.value,
                    no_proposals,
                    0,
                    money_out if outgoing else "",
                    "",
                )
            )
        rows.insert_values(BankLine, _LINE_COLUMNS, new)
        stored = list(BankLine.objects.filter(statement=statement).values_list("pk", "amount"))
        statement.lines_new = len(stored)
        statement.lines_duplicate = len(lines) - len(stored)
        statement.save(update_fields=["lines_new", "lines_duplicate"])
        result.statements.append(statement)
        result.read += len(lines)
        result.new += len(stored)
        result.duplicates += len(lines) - len(stored)
        result.outgoing += sum(1 for _pk, amount in stored if amount < 0)
        result.new_line_ids.extend(pk for pk, amount in stored if amount > 0)
        audit.record(
            action=AuditAction.BANK_STATEMENT_IMPORTED,
            target=statement,
            actor=actor,
            data={
                "file": statement.file_name,
                "sha256": digest,
                "read": len(lines),
                "new": len(stored),
                "balance_check": check,
            },
        )
    if parsed.mapping is not None and parsed.format in ("csv", "xlsx"):
        mapping_save(account=account, mapping=parsed.mapping)
