"""SWIFT MT940 statements, read leniently: banks bend the standard (long references, missing entry
dates, bank header lines, SWIFT blocks, several statements and accounts per file, pages)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from . import ParsedFile, ParsedLine, ParsedStatement
from .mt940_details import Details, read_details, read_ns
from .problems import Problems, fail
from .text import decode
from .values import ValueProblem, to_cents

_TAG = re.compile(r"^:(\d{2}[A-Z]?|NS):(.*)$")
_END = re.compile(r"^-[A-Z]{0,4}\s*$")  # end of a message: '-', '-XXX'
_SWIFT_HEADERS = re.compile(r"\{[1-3]:(?:[^{}]|\{[^{}]*\})*\}")
_SWIFT_TRAILER = re.compile(r"\{5:(?:[^{}]|\{[^{}]*\})*\}")
_BALANCE = re.compile(r"^([CD])(\d{6})([A-Z]{3})(\d[\d,.]*)$")
# 6!n[4!n]2a[1!a]15d1!a3!c16x[//16x] with every length relaxed: some banks write longer references
_LINE = re.compile(
    r"^(?P<value>\d{6})(?P<entry>\d{4}|\s{4})?(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])?(?P<amount>\d[\d,]*)"
    r"(?P<type>[A-Z][A-Z0-9 ]{3})?(?P<customer>.*?)(?://(?P<bank>.*))?$"
)
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED", "NONE"}


@dataclass
class _Balance:
    tag: str
    on: dt.date
    currency: str
    amount: Decimal


@dataclass
class _Transaction:
    row: int
    booked_on: dt.date
    value_on: dt.date
    amount: Decimal
    reference: str  # the :61: bank or customer reference
    supplement: str  # the :61: second line
    details: Details = field(default_factory=Details)


@dataclass
class _Statement:
    reference: str = ""
    account: str = ""
    number: str = ""
    opening: _Balance | None = None
    closing: _Balance | None = None
    transactions: list[_Transaction] = field(default_factory=list)
    lines: list[ParsedLine] = field(default_factory=list)
    credit_total: Decimal | None = None
    debit_total: Decimal | None = None
    row: int = 0


def read_mt940(data: bytes) -> tuple[ParsedFile, list[tuple[int, str]]]:
    """The file's statements; beside them, the first row of each, to name it in balance reports."""
    text = decode(data, chinese=False)
    # drop SWIFT envelopes in place, so that line numbers stay those of the file
    text = _SWIFT_TRAILER.sub("", _SWIFT_HEADERS.sub("", text)).replace("{4:", "").replace("-}", "-")
    problems = Problems()
    statements: list[_Statement] = []
    skipped = 0
    current: _Statement | None = None
    line_open = False  # whether a :86: now belongs to the last :61:
    for tag, value, row in _tags(text.split("\n")):
        if tag == "-":
            line_open = False
            continue
        if tag == "20" or current is None:
            current = _Statement(reference=value.strip(), row=row)
            statements.append(current)
            line_open = False
            if tag == "20":
                continue
        if tag == "25":
            current.account = " ".join(value.split())
        elif tag in ("28", "28C"):
            current.number = value.strip()
        elif tag in ("60F", "60M"):
            current.opening = _balance(tag, value, row, problems)
        elif tag in ("62F", "62M"):
            current.closing = _balance(tag, value, row, problems)
            line_open = False
        elif tag == "61":
            transaction = _transaction(value, row, problems)
            line_open = transaction is not None
            if transaction is not None:
                current.transactions.append(transaction)
        elif tag in ("86", "NS") and line_open:
            current.transactions[-1].details = read_details(value) if tag == "86" else read_ns(value)
        elif tag in ("90C", "90D"):
            total = _total(value, row, problems)
            if tag == "90C":
                current.credit_total = total
            else:
                current.debit_total = total
    problems.raise_if_any()
    if not statements:
        raise fail(_("No statement (:20: … :62F:) was found in this MT940 file."))
    result: list[_Statement] = []
    seen: set[tuple[object, ...]] = set()
    for statement in statements:
        _finish(statement, problems)
        key = (
            statement.reference,
            statement.account,
            statement.number,
            _balance_key(statement.opening),
            _balance_key(statement.closing),
            tuple((line.booked_on, line.amount, line.reference) for line in statement.lines),
        )
        if key in seen:  # the same statement twice in one file must not book its lines twice
            skipped += len(statement.lines)
            continue
        seen.add(key)
        zero = [line for line in statement.lines if line.amount == 0]
        if zero:  # information lines (Citibank's CD0,00)
            skipped += len(zero)
            statement.lines = [line for line in statement.lines if line.amount != 0]
        previous = result[-1] if result else None
        if previous is not None and _continues(previous, statement):
            previous.lines.extend(statement.lines)
            previous.closing = statement.closing
            # totals are per page: they still hold for the whole only when every page gives them
            previous.credit_total = _add(previous.credit_total, statement.credit_total)
            previous.debit_total = _add(previous.debit_total, statement.debit_total)
            continue
        result.append(statement)
    problems.raise_if_any()
    parsed = [_parsed(statement) for statement in result]
    return ParsedFile(format="mt940", statements=parsed, skipped=skipped), [(s.row, s.account) for s in result]


def _tags(lines: list[str]) -> list[tuple[str, str, int]]:
    """(tag, value, row) with continuation lines joined to their tag by newlines; text outside a
    message (bank headers like ABNANL2A / 940, '0000 01INGBNL2A') is ignored."""
    tags: list[tuple[str, list[str], int]] = []
    inside = False
    for row, line in enumerate(lines, start=1):
        match = _TAG.match(line)
        if match:
            tags.append((match.group(1), [match.group(2)], row))
            inside = True
        elif _END.match(line.strip()) and line.strip():
            tags.append(("-", [], row))
            inside = False
        elif inside:
            tags[-1][1].append(line)
    return [(tag, "\n".join(value), row) for tag, value, row in tags]


def _amount(text: str) -> Decimal:
    """'9,' '000000001000,00' '500' '79,7' → Decimal."""
    text = text.strip().replace(",", ".")
    if text.endswith("."):
        text = text[:-1]
    if not re.fullmatch(r"\d+(?:\.\d+)?", text):
        raise ValueProblem(_("“%(value)s” is not an amount.") % {"value": text})
    return to_cents(Decimal(text), text)


def _date(text: str) -> dt.date:
    year, month, day = int(text[:2]), int(text[2:4]), int(text[4:6])
    return dt.date(2000 + year if year < 80 else 1900 + year, month, day)


def _balance(tag: str, value: str, row: int, problems: Problems) -> _Balance | None:
    match = _BALANCE.match(value.strip().split("\n")[0].strip())
    if not match:
        problems.add(row, f":{tag}:", _("The balance “%(value)s” cannot be read.") % {"value": value.strip()})
        return None
    try:
        amount = _amount(match.group(4))
        on = _date(match.group(2))
    except (ValueProblem, ValueError) as exc:
        problems.add(row, f":{tag}:", _("The balance “%(value)s” cannot be read.") % {"value": value.strip()})
        del exc
        return None
    return _Balance(tag=tag, on=on, currency=match.group(3), amount=-amount if match.group(1) == "D" else amount)


def _total(value: str, row: int, problems: Problems) -> Decimal | None:
    match = re.match(r"^\d+([A-Z]{3})(\d[\d,]*)", value.strip())
    try:
        return _amount(match.group(2)) if match else None
    except ValueProblem as problem:
        problems.add(row, ":90:", str(problem))
        return None


def _transaction(value: str, row: int, problems: Problems) -> _Transaction | None:
    first, _newline, rest = value.partition("\n")
    match = _LINE.match(first.rstrip())
    if not match:
        problems.add(row, ":61:", _("The transaction line “%(value)s” cannot be read.") % {"value": first.strip()})
        return None
    try:
        value_on = _date(match.group("value"))
        booked_on = value_on
        entry = (match.group("entry") or "").strip()
        if entry:
            month, day = int(entry[:2]), int(entry[2:])
            year = value_on.year + (1 if month < value_on.month - 6 else -1 if month > value_on.month + 6 else 0)
            booked_on = dt.date(year, month, day)
    except ValueError:
        problems.add(row, ":61:", _("The transaction line “%(value)s” has an impossible date.") % {"value": first})
        return None
    try:
        amount = _amount(match.group("amount"))
    except ValueProblem as problem:
        problems.add(row, ":61:", str(problem))
        return None
    # RC, a reversal of a credit, takes money out; RD, a reversal of a debit, gives it back
    if match.group("mark") in ("D", "RC"):
        amount = -amount
    customer = (match.group("customer") or "").strip()
    bank = (match.group("bank") or "").strip()
    return _Transaction(
        row=row,
        booked_on=booked_on,
        value_on=value_on,
        amount=amount,
        reference=next((ref for ref in (bank, customer) if ref.upper() not in _NO_REFERENCE), ""),
        supplement=" ".join(rest.split()),
    )


def _line(transaction: _Transaction, currency: str) -> ParsedLine:
    details, supplement = transaction.details, transaction.supplement
    memo, account = details.memo, details.account
    if supplement and not account and re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", supplement):
        account = supplement  # Rabobank writes the counterparty's IBAN there
    elif supplement and supplement not in memo and supplement != details.name:
        memo = f"{memo} {supplement}".strip()
    return ParsedLine(
        row=transaction.row,
        booked_on=transaction.booked_on,
        amount=transaction.amount,
        currency=currency,
        value_on=transaction.value_on,
        payer_name=details.name,
        payer_account=account,
        payer_bank=details.bank,
        reference=details.reference or transaction.reference,
        memo=memo,
    )


def _finish(statement: _Statement, problems: Problems) -> None:
    balance = statement.opening or statement.closing
    if balance is None:
        problems.add(
            statement.row, ":60F:", _("The statement has no opening or closing balance, so its currency is unknown.")
        )
        return
    statement.lines = [_line(transaction, balance.currency) for transaction in statement.transactions]


def _add(first: Decimal | None, second: Decimal | None) -> Decimal | None:
    return None if first is None or second is None else first + second


def _balance_key(balance: _Balance | None) -> tuple[object, ...] | None:
    return None if balance is None else (balance.tag, balance.on, balance.currency, balance.amount)


def _continues(previous: _Statement, statement: _Statement) -> bool:
    """A statement printed over several pages: :62M: at the bottom of one, :60M: of the same amount on the next."""
    return (
        previous.closing is not None
        and statement.opening is not None
        and previous.closing.tag == "62M"
        and statement.opening.tag == "60M"
        and previous.account == statement.account
        and previous.closing.currency == statement.opening.currency
        and previous.closing.amount == statement.opening.amount
    )


def _parsed(statement: _Statement) -> ParsedStatement:
    balance = statement.opening or statement.closing
    dates = [line.booked_on for line in statement.lines]
    dates += [b.on for b in (statement.opening, statement.closing) if b is not None]
    return ParsedStatement(
        account=statement.account,
        currency=balance.currency if balance else "",
        lines=statement.lines,
        opening_balance=statement.opening.amount if statement.opening else None,
        closing_balance=statement.closing.amount if statement.closing else None,
        starts_on=min(dates) if dates else None,
        ends_on=max(dates) if dates else None,
        declared_credit_total=statement.credit_total,
        declared_debit_total=statement.debit_total,
    )
