"""CSV and XLSX exports (银行流水明细): find the header row, map the columns, read the rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from . import ColumnMapping, ParsedFile, ParsedLine, ParsedStatement
from .columns import guess_mapping, normalise_header
from .problems import Problems, fail
from .text import decode
from .values import ValueProblem, clean_cell, is_masked, parse_amount, parse_currency, parse_date

Cell = object
_HEADER_SEARCH_ROWS = 100
_DELIMITERS = (",", "\t", ";", "|")
# a line that sums up the others (ICBC's 人民币合计, 'Total') or states a balance, not a transaction
_SUMMARY = re.compile(
    r"合计|总计|小计|本页|累计|期初|期末|total|balance\s+at|opening\s+balance|closing\s+balance|余额", re.I
)
_ACCOUNT_NOTE = re.compile(r"(?:卡号|账号|帐号|账户|帐户|account\s*(?:number|no\.?)?)\s*[:：]\s*([^\s,，]+)", re.I)
_CURRENCY_NOTE = re.compile(r"^(?:currency|币种|货币|币别)?\s*[:：]\s*([A-Za-z]{3}|人民币)$", re.I)
_TRAILING_ACCOUNT = re.compile(r"^(.*?)[\s:：]*(\d{8,})$")


def csv_rows(data: bytes, mapping: ColumnMapping | None = None) -> list[list[Cell]]:
    """The CSV's rows, split on the delimiter under which a header row shows up (comma first)."""
    text = decode(data, chinese=True)
    head = text[:65536].split("\n")[:_HEADER_SEARCH_ROWS]
    for delimiter in _DELIMITERS:
        if find_header(list(csv.reader(head, delimiter=delimiter)), mapping) is not None:
            break
    else:
        delimiter = ","
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


# a statement is an untrusted file: a workbook that unpacks to more than this, or a sheet with more
# rows or columns than any bank export has, is refused before it fills the memory (a zip bomb, or a
# sheet that declares a million rows of sixteen thousand empty columns)
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_COLUMNS = 100


def xlsx_sheets(data: bytes) -> list[list[list[Cell]]]:
    """Every worksheet's rows as cell values (dates as datetimes, numbers as numbers), at most
    ``MAX_COLUMNS`` columns of each."""
    from openpyxl import load_workbook  # imported here: openpyxl is slow to import and only XLSX needs it

    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise fail(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise fail(_("The workbook unpacks to more than %(limit)s MB.") % {"limit": MAX_UNPACKED_BYTES // 2**20})
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise fail(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    except Exception as exc:  # openpyxl raises its own errors for broken workbooks
        raise fail(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    try:
        sheets = []
        for sheet in workbook.worksheets:
            rows = []
            for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                rows.append(list(row))
                if len(rows) > MAX_ROWS:
                    raise fail(_("A sheet has more than %(limit)s rows.") % {"limit": f"{MAX_ROWS:,}"})
            sheets.append(rows)
        return sheets
    finally:
        workbook.close()


@dataclass
class _Columns:
    """Where each mapped field is in the rows (-1: not in the file)."""

    date: int
    amount: int
    credit: int
    debit: int
    direction: int
    payer_name: int
    payer_account: int
    payer_bank: int
    reference: int
    memo: list[int]
    balance: int
    currency: int
    value_date: int


def find_header(rows: Sequence[Sequence[Cell]], mapping: ColumnMapping | None) -> tuple[int, ColumnMapping] | None:
    """The header row's index and the mapping to read with: the given one, or the one guessed from the
    first row that names a date and an amount (titles and account details above it are skipped)."""
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        headers = [clean_cell(cell) for cell in row]
        if mapping is None:
            guessed = guess_mapping(headers)
            if guessed is not None:
                return index, guessed
        elif normalise_header(mapping.date) in {normalise_header(header) for header in headers}:
            return index, mapping
    return None


def _locate(headers: list[str], mapping: ColumnMapping, problems: Problems, row: int) -> _Columns:
    keys = [normalise_header(header) for header in headers]

    def at(name: str, field: str) -> int:
        if not name:
            return -1
        key = normalise_header(name)
        if key in keys:
            return keys.index(key)
        problems.add(row, field, _("The column “%(column)s” is not in the header row.") % {"column": name})
        return -1

    return _Columns(
        date=at(mapping.date, "date"),
        amount=at(mapping.amount, "amount"),
        credit=at(mapping.credit, "credit"),
        debit=at(mapping.debit, "debit"),
        direction=at(mapping.direction, "direction"),
        payer_name=at(mapping.payer_name, "payer_name"),
        payer_account=at(mapping.payer_account, "payer_account"),
        payer_bank=at(mapping.payer_bank, "payer_bank"),
        reference=at(mapping.reference, "reference"),
        memo=[index for index in (at(name, "memo") for name in mapping.memo) if index >= 0],
        balance=at(mapping.balance, "balance"),
        currency=at(mapping.currency, "currency"),
        value_date=at(mapping.value_date, "value_date"),
    )


def _decimal_comma_in_use(rows: Sequence[Sequence[Cell]], columns: list[int]) -> bool:
    """Whether the amount cells write decimals after a comma ('-50,00', '1.234,56'), from a sample."""
    pattern = re.compile(r"[+-]?\s*\d{1,3}(?:\.\d{3})*,\d{1,2}|[+-]?\s*\d+,\d{1,2}")
    for row in rows[:200]:
        for index in columns:
            value = row[index] if 0 <= index < len(row) else None
            if isinstance(value, str) and pattern.fullmatch(value.strip()):
                return True
    return False


def _text_amount(value: Cell, decimal_comma: bool) -> Decimal:
    if isinstance(value, bool):
        raise ValueProblem(_("“%(value)s” is not an amount.") % {"value": value})
    if isinstance(value, int | float | Decimal):
        return parse_amount(_number_text(value))
    return parse_amount(clean_cell(value), decimal_comma=decimal_comma)


def _number_text(value: int | float | Decimal) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _cell(row: Sequence[Cell], index: int) -> Cell:
    return row[index] if 0 <= index < len(row) else None


def _text(row: Sequence[Cell], index: int) -> str:
    value = _cell(row, index)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _number_text(value)
    return clean_cell(value)


def _date_cell(value: Cell, date_format: str) -> dt.date:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = _number_text(value)  # 20240101 typed as a number
    return parse_date(value, date_format)


def read_spreadsheet(
    rows: Sequence[Sequence[Cell]],
    *,
    format: str,
    mapping: ColumnMapping | None,
    default_currency: str = "CNY",
) -> ParsedFile:
    found = find_header(rows, mapping)
    if found is None:
        if mapping is not None:
            raise fail(
                _("No header row with the column “%(column)s” was found in the first %(count)s rows.")
                % {"column": mapping.date, "count": _HEADER_SEARCH_ROWS},
                field="date",
            )
        raise fail(
            _(
                "No header row was found: the file needs a date column (such as 交易日期, 记账日期 or Date) and "
                "either an amount column (交易金额, 金额 or Amount) or income and expense columns (收入/贷方发生额 "
                "and 支出/借方发生额, or Credit and Debit)."
            )
        )
    header_index, mapping = found
    headers = [clean_cell(cell) for cell in rows[header_index]]
    problems = Problems()
    columns = _locate(headers, mapping, problems, header_index + 1)
    problems.raise_if_any()
    body = rows[header_index + 1 :]
    if not mapping.decimal_comma and _decimal_comma_in_use(body, [columns.amount, columns.credit, columns.debit]):
        mapping = replace(mapping, decimal_comma=True)
    account = _account_in_notes(rows[:header_index])
    if columns.currency < 0:  # 'Currency: EUR' above the table
        default_currency = _currency_in_notes(rows[:header_index]) or default_currency
    reader = _RowReader(mapping, columns, default_currency.upper(), problems)
    for offset, row in enumerate(body):
        reader.read(header_index + 2 + offset, row)
    problems.raise_if_any()
    statements = [_statement(account, currency, lines, reader) for currency, lines in reader.lines.items()]
    if not statements:
        statements = [ParsedStatement(account=account, currency=default_currency.upper(), lines=[])]
    return ParsedFile(format=format, statements=statements, headers=headers, mapping=mapping, skipped=reader.skipped)


class _RowReader:
    def __init__(self, mapping: ColumnMapping, columns: _Columns, default_currency: str, problems: Problems) -> None:
        self.mapping = mapping
        self.columns = columns
        self.default_currency = default_currency
        self.problems = problems
        self.lines: dict[str, list[ParsedLine]] = {}
        self.skipped = 0
        self.declared: dict[str, tuple[Decimal | None, Decimal | None]] = {}

    def read(self, number: int, row: Sequence[Cell]) -> None:
        columns, mapping = self.columns, self.mapping
        if not any(clean_cell(cell) for cell in row):
            self.skipped += 1
            return
        date_cell = _cell(row, columns.date)
        first_text = next((clean_cell(cell) for cell in row if clean_cell(cell)), "")
        if not isinstance(date_cell, dt.date) and (
            _SUMMARY.search(clean_cell(date_cell)) or _SUMMARY.search(first_text[:40])
        ):
            self._summary(row, first_text)
            self.skipped += 1
            return
        amount_cells = [columns.amount, columns.credit, columns.debit]
        has_amount = any(_text(row, index) for index in amount_cells if index >= 0)
        if not has_amount and not _is_date(date_cell, mapping.date_format):
            self.skipped += 1  # a note under the table ('导出时间 …'), neither a date nor an amount
            return
        errors_before = len(self.problems.errors)
        try:
            booked_on = _date_cell(date_cell, mapping.date_format)
        except ValueProblem as problem:
            self.problems.add(number, mapping.date, str(problem))
            booked_on = dt.date.min
        amount = self._amount(number, row)
        value_on = None
        if columns.value_date >= 0 and _text(row, columns.value_date):
            try:
                value_on = _date_cell(_cell(row, columns.value_date), mapping.date_format)
            except ValueProblem as problem:
                self.problems.add(number, mapping.value_date, str(problem))
        if len(self.problems.errors) > errors_before or amount is None:
            return
        if amount == 0:
            self.skipped += 1  # information lines (利息税 +0.00)
            return
        currency = parse_currency(_text(row, columns.currency)) if columns.currency >= 0 else ""
        name, account = _text(row, columns.payer_name), _text(row, columns.payer_account)
        if not account and columns.payer_account < 0:
            name, account = _split_account(name)
        balance = None
        if columns.balance >= 0:
            balance_text = _text(row, columns.balance)
            if balance_text and not is_masked(balance_text):
                try:
                    balance = _text_amount(_cell(row, columns.balance), mapping.decimal_comma)
                except ValueProblem:
                    balance = None  # a balance is a help for checking, not a reason to refuse the file
        line = ParsedLine(
            row=number,
            booked_on=booked_on,
            amount=amount,
            currency=currency or self.default_currency,
            value_on=value_on,
            payer_name=name,
            payer_account=account,
            payer_bank=_text(row, columns.payer_bank),
            reference=_text(row, columns.reference),
            memo=" ".join(text for text in (_text(row, index) for index in columns.memo) if text),
            balance=balance,
        )
        self.lines.setdefault(line.currency, []).append(line)

    def _amount(self, number: int, row: Sequence[Cell]) -> Decimal | None:
        columns, mapping = self.columns, self.mapping
        try:
            if columns.amount >= 0:
                amount = _text_amount(_cell(row, columns.amount), mapping.decimal_comma)
                if columns.direction >= 0:
                    direction = _direction(_text(row, columns.direction))
                    if direction == 0:
                        self.problems.add(
                            number,
                            mapping.direction,
                            _("“%(value)s” does not say whether money came in or went out.")
                            % {"value": _text(row, columns.direction)},
                        )
                        return None
                    amount = abs(amount) * direction
                return amount
            credit_text, debit_text = _text(row, columns.credit), _text(row, columns.debit)
            if not credit_text and not debit_text:
                raise ValueProblem(_("The amount is missing."))
            credit = abs(_text_amount(_cell(row, columns.credit), mapping.decimal_comma)) if credit_text else 0
            debit = abs(_text_amount(_cell(row, columns.debit), mapping.decimal_comma)) if debit_text else 0
            return Decimal(credit) - Decimal(debit)
        except ValueProblem as problem:
            field = mapping.amount or (mapping.credit if _text(row, columns.credit) else mapping.debit)
            self.problems.add(number, field, str(problem))
            return None

    def _summary(self, row: Sequence[Cell], label: str) -> None:
        """Keep what a total line declares (ICBC: 人民币合计 with income and expense totals)."""
        if self.columns.credit < 0 or self.columns.debit < 0:
            return
        totals: list[Decimal | None] = []
        for index in (self.columns.credit, self.columns.debit):
            text = _text(row, index)
            try:
                totals.append(abs(_text_amount(_cell(row, index), self.mapping.decimal_comma)) if text else None)
            except ValueProblem:
                totals.append(None)
        if any(total is not None for total in totals) and re.search(r"合计|总计|total", label, re.I):
            self.declared[parse_currency(label)] = (totals[0], totals[1])


def _direction(text: str) -> int:
    """+1 for money in (贷, 收入, Cr, C, credit), -1 for money out (借, 支出, Dr, D, debit), 0 when unclear."""
    if re.search(r"[贷收入]", text):
        return 1
    if re.search(r"[借支出付]", text):
        return -1
    words = set(re.split(r"[^a-z]+", text.lower()))
    if words & {"c", "cr", "credit", "in"}:
        return 1
    if words & {"d", "dr", "debit", "out"}:
        return -1
    return 0


def _is_date(value: Cell, date_format: str) -> bool:
    try:
        _date_cell(value, date_format)
    except ValueProblem:
        return False
    return True


def _split_account(name: str) -> tuple[str, str]:
    """'北京住房公积金管理中心1111111111' → name and account, for exports with one 对手信息 column."""
    match = _TRAILING_ACCOUNT.match(name)
    if not match:
        return name, ""
    return match.group(1).strip(), match.group(2)


def _account_in_notes(rows: Sequence[Sequence[Cell]]) -> str:
    for row in rows:
        for cell in row:
            match = _ACCOUNT_NOTE.search(clean_cell(cell))
            if match:
                return match.group(1)
    return ""


def _currency_in_notes(rows: Sequence[Sequence[Cell]]) -> str:
    for row in rows:
        for cell in row:
            match = _CURRENCY_NOTE.match(clean_cell(cell))
            if match:
                return parse_currency(match.group(1))
    return ""


def _statement(account: str, currency: str, lines: list[ParsedLine], reader: _RowReader) -> ParsedStatement:
    opening, closing = _chained_balances(lines)
    declared = reader.declared.get(currency) or (reader.declared.get("") if len(reader.lines) == 1 else None)
    dates = [line.booked_on for line in lines]
    return ParsedStatement(
        account=account,
        currency=currency,
        lines=lines,
        opening_balance=opening,
        closing_balance=closing,
        starts_on=min(dates) if dates else None,
        ends_on=max(dates) if dates else None,
        declared_credit_total=declared[0] if declared else None,
        declared_debit_total=declared[1] if declared else None,
    )


def _chained_balances(lines: list[ParsedLine]) -> tuple[Decimal | None, Decimal | None]:
    """Opening and closing balances when the balance column follows the amounts, in file order or in
    reverse (newest first, as BOC and ICBC list them); (None, None) when it does not."""
    balances = [line.balance for line in lines]
    if not lines or any(balance is None for balance in balances):
        return None, None
    values = [balance for balance in balances if balance is not None]
    amounts = [line.amount for line in lines]
    pairs = range(1, len(lines))
    if all(values[i] == values[i - 1] + amounts[i] for i in pairs):
        return values[0] - amounts[0], values[-1]
    if all(values[i - 1] == values[i] + amounts[i - 1] for i in pairs):
        return values[-1] - amounts[-1], values[0]
    return None, None
