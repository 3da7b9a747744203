"""Reading bank statement files (银行流水): what every format's reader gives back.

A reader turns the bytes of one file into ``ParsedFile``: its statements, each with its lines in the
file's order, money as ``Decimal`` signed from the account holder's side (a credit, money in, is
positive). A file that cannot be read whole raises ``StatementFileError`` listing every problem found,
by row: an import stores nothing of such a file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class ParsedLine:
    row: int  # where the line is in the file (1-based line or row number, or entry number), for reports
    booked_on: dt.date
    amount: Decimal  # signed: > 0 money in (credit), < 0 money out (debit); never 0
    currency: str  # ISO 4217, upper case
    value_on: dt.date | None = None
    payer_name: str = ""  # the counterparty (对方户名): who paid, for a credit
    payer_account: str = ""  # the counterparty's account number or IBAN, as written
    payer_bank: str = ""
    reference: str = ""  # the bank's own reference of the transaction, or the end-to-end id
    memo: str = ""  # 摘要 / remittance information, the free text the payer wrote
    balance: Decimal | None = None  # the account's balance after the line, when the file gives it


@dataclass(frozen=True)
class ParsedStatement:
    account: str  # the account the file names for this statement ('' when it names none)
    currency: str
    lines: list[ParsedLine]
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    # totals the file itself declares (a 合计 line, TxsSummry, ...), when it has them
    declared_credit_total: Decimal | None = None
    declared_debit_total: Decimal | None = None  # as a positive number


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of a spreadsheet export holds what, by header text. Amount is either one signed
    column (``amount``), or ``credit`` and ``debit`` columns, or ``amount`` with a ``direction`` column
    (借贷: values such as 贷/Cr/C/收入 mark money in)."""

    date: str
    amount: str = ""
    credit: str = ""
    debit: str = ""
    direction: str = ""
    payer_name: str = ""
    payer_account: str = ""
    payer_bank: str = ""
    reference: str = ""
    memo: tuple[str, ...] = ()  # joined with " " (摘要, 附言, 用途 ...)
    balance: str = ""
    currency: str = ""
    value_date: str = ""
    date_format: str = ""  # strptime format; '' = recognise it
    decimal_comma: bool = False

    def as_dict(self) -> dict[str, object]:
        return {name: list(value) if isinstance(value, tuple) else value for name, value in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ColumnMapping:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        if "memo" in known:
            memo = known["memo"]
            known["memo"] = tuple(memo) if isinstance(memo, list | tuple) else (str(memo),) if memo else ()
        return cls(**known)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ParsedFile:
    format: str  # csv, xlsx, mt940, camt053
    statements: list[ParsedStatement]
    headers: list[str] = field(default_factory=list)  # a spreadsheet's header row, as read
    mapping: ColumnMapping | None = None  # the mapping a spreadsheet was read with
    skipped: int = 0  # rows that are not transactions (zero-amount information lines, total lines)


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole
    field: str  # '' or the column/tag concerned
    message: str  # translated


class StatementFileError(Exception):
    """The file cannot be read whole; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(f"{e.row or '-'}: {e.message}" for e in errors[:5]))
        self.errors = errors


FORMATS = ("csv", "xlsx", "mt940", "camt053")
