"""ISO 20022 CAMT.053 (BankToCustomerStatement), versions .001.02 to .001.08, matched by local tag names
so every version's namespace reads the same. Parsed with defusedxml: uploaded XML is untrusted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from . import ParsedFile, ParsedLine, ParsedStatement
from .problems import Problems, fail
from .values import ValueProblem, to_cents

_NOT_PROVIDED = {"", "NOTPROVIDED", "NONREF"}


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _children(element: Element | None, name: str) -> list[Element]:
    return [] if element is None else [child for child in element if _local(child.tag) == name]


def _all(element: Element | None, path: str) -> list[Element]:
    found = [] if element is None else [element]
    for name in path.split("/"):
        found = [child for parent in found for child in _children(parent, name)]
    return found


def _first(element: Element | None, *paths: str) -> Element | None:
    for path in paths:
        found = _all(element, path)
        if found:
            return found[0]
    return None


def _text(element: Element | None, *paths: str) -> str:
    found = _first(element, *paths)
    return " ".join((found.text or "").split()) if found is not None else ""


def read_camt053(data: bytes) -> ParsedFile:
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise fail(_("The XML file is malformed and cannot be read: %(error)s") % {"error": exc}) from exc
    statements = [element for element in root.iter() if _local(element.tag) == "Stmt"]
    if not statements or not any(_local(element.tag) == "BkToCstmrStmt" for element in root.iter()):
        raise fail(_("This XML file is not a CAMT.053 bank statement (BkToCstmrStmt)."))
    problems = Problems()
    reader = _Reader(problems, _text(root, "BkToCstmrStmt/GrpHdr/CreDtTm"))
    parsed = [reader.statement(statement) for statement in statements]
    problems.raise_if_any()
    return ParsedFile(format="camt053", statements=parsed, skipped=reader.skipped)


def _date(element: Element | None) -> dt.date | None:
    """A Dt or DtTm child (or the element's own text) → date; None when absent."""
    text = _text(element, "Dt") or _text(element, "DtTm") or (element.text or "").strip() if element is not None else ""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


class _Reader:
    def __init__(self, problems: Problems, created: str) -> None:
        self.problems = problems
        self.entry_number = 0
        self.skipped = 0
        self.created = created

    def amount(self, element: Element | None, row: int | None, field: str) -> Decimal | None:
        text = (element.text or "").strip() if element is not None else ""
        if not text:
            self.problems.add(row, field, _("The amount is missing."))
            return None
        try:
            return to_cents(Decimal(text), text)
        except (InvalidOperation, ValueProblem) as exc:
            message = (
                str(exc) if isinstance(exc, ValueProblem) else _("“%(value)s” is not an amount.") % {"value": text}
            )
            self.problems.add(row, field, message)
            return None

    def signed(self, element: Element, row: int | None, field: str, *, required: bool = True) -> Decimal | None:
        """Amt with its CdtDbtInd; a balance without one is positive (.001.08 samples omit it)."""
        amount = self.amount(_first(element, "Amt"), row, field)
        indicator = _text(element, "CdtDbtInd")
        if amount is None:
            return None
        if indicator == "DBIT":
            return -amount
        if indicator == "CRDT" or not required:
            return amount
        self.problems.add(row, "CdtDbtInd", _("The entry does not say whether it is a credit or a debit."))
        return None

    def statement(self, statement: Element) -> ParsedStatement:
        account = _text(statement, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
        currency = _text(statement, "Acct/Ccy")
        balances: dict[str, tuple[Decimal | None, dt.date | None]] = {}
        for balance in _children(statement, "Bal"):
            code = _text(balance, "Tp/CdOrPrtry/Cd") or _text(balance, "Tp/CdOrPrtry/Prtry")
            if code in ("OPBD", "PRCD", "CLBD") and code not in balances:
                balances[code] = (self.signed(balance, None, code, required=False), _date(_first(balance, "Dt")))
                currency = currency or _currency_of(balance)
        opening = balances.get("OPBD") or balances.get("PRCD")
        closing = balances.get("CLBD")
        period_end = _date(_first(statement, "FrToDt/ToDtTm")) or (closing[1] if closing else None)
        fallback_date = period_end or _date(_first(statement, "CreDtTm")) or _date_text(self.created)
        lines: list[ParsedLine] = []
        for entry in _children(statement, "Ntry"):
            self.entry_number += 1
            entry_currency = _currency_of(entry)
            currency = currency or entry_currency
            lines.extend(self.entry(entry, self.entry_number, entry_currency or currency, fallback_date))
        dates = [line.booked_on for line in lines]
        starts = _date(_first(statement, "FrToDt/FrDtTm")) or (opening[1] if opening else None)
        ends = period_end
        totals = {
            kind: self.amount(_first(statement, f"TxsSummry/{kind}/Sum"), None, f"TxsSummry/{kind}")
            if _first(statement, f"TxsSummry/{kind}/Sum") is not None
            else None
            for kind in ("TtlCdtNtries", "TtlDbtNtries")
        }
        return ParsedStatement(
            account=account,
            currency=currency.upper(),
            lines=lines,
            opening_balance=opening[0] if opening else None,
            closing_balance=closing[0] if closing else None,
            starts_on=starts or (min(dates) if dates else None),
            ends_on=ends or (max(dates) if dates else None),
            declared_credit_total=totals["TtlCdtNtries"],
            declared_debit_total=totals["TtlDbtNtries"],
        )

    def entry(self, entry: Element, row: int, currency: str, fallback_date: dt.date | None) -> list[ParsedLine]:
        status = _text(entry, "Sts") or _text(entry, "Sts/Cd")
        if status in ("PDNG", "INFO"):  # not booked: no money moved yet
            self.skipped += 1
            return []
        amount = self.signed(entry, row, "Amt")
        booked_on = _date(_first(entry, "BookgDt")) or _date(_first(entry, "ValDt")) or fallback_date
        if booked_on is None:
            self.problems.add(row, "BookgDt", _("The entry has no booking date."))
        if amount is None or booked_on is None:
            return []
        if amount == 0:
            self.skipped += 1
            return []
        value_on = _date(_first(entry, "ValDt"))
        details = _all(entry, "NtryDtls/TxDtls")
        entry_reference = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
        parts = self.split(details, amount, row) if len(details) > 1 else None
        if parts is None:
            parts = [(details[0] if details else None, amount)]
        lines = []
        for detail, part in parts:
            lines.append(self.line(entry, detail, row, part, currency, booked_on, value_on, entry_reference))
        return lines

    def split(self, details: list[Element], amount: Decimal, row: int) -> list[tuple[Element | None, Decimal]] | None:
        """One line per TxDtls when each has its own amount and they add up to the entry: a batch of
        payments from different payers, each to be matched on its own."""
        parts: list[tuple[Element | None, Decimal]] = []
        for detail in details:
            found = _first(detail, "Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt")
            if found is None or not (found.text or "").strip():
                return None
            try:
                value = to_cents(Decimal((found.text or "").strip()))
            except (InvalidOperation, ValueProblem):
                return None
            indicator = _text(detail, "CdtDbtInd")
            negative = indicator == "DBIT" if indicator else amount < 0
            parts.append((detail, -value if negative else value))
        if sum(part for _detail, part in parts) != amount or any((part < 0) != (amount < 0) for _d, part in parts):
            return None
        return parts

    def line(
        self,
        entry: Element,
        detail: Element | None,
        row: int,
        amount: Decimal,
        currency: str,
        booked_on: dt.date,
        value_on: dt.date | None,
        entry_reference: str,
    ) -> ParsedLine:
        party, agent = ("Dbtr", "DbtrAgt") if amount > 0 else ("Cdtr", "CdtrAgt")
        name = _text(detail, f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm")
        account = _text(detail, f"RltdPties/{party}Acct/Id/IBAN", f"RltdPties/{party}Acct/Id/Othr/Id")
        bank = _text(
            detail,
            f"RltdAgts/{agent}/FinInstnId/BIC",
            f"RltdAgts/{agent}/FinInstnId/BICFI",
            f"RltdAgts/{agent}/FinInstnId/Nm",
        )
        unstructured = [" ".join((e.text or "").split()) for e in _all(detail, "RmtInf/Ustrd")]
        structured = [" ".join((e.text or "").split()) for e in _all(detail, "RmtInf/Strd/CdtrRefInf/Ref")]
        memo = " ".join(part for part in [*unstructured, *structured] if part)
        if not memo:
            memo = _text(detail, "AddtlTxInf") or _text(entry, "AddtlNtryInf")
        end_to_end = _text(detail, "Refs/EndToEndId")
        reference = (
            end_to_end
            if end_to_end.upper() not in _NOT_PROVIDED
            else _text(detail, "Refs/AcctSvcrRef") or entry_reference
        )
        return ParsedLine(
            row=row,
            booked_on=booked_on,
            amount=amount,
            currency=currency.upper(),
            value_on=value_on,
            payer_name=name,
            payer_account=account,
            payer_bank=bank,
            reference=reference,
            memo=memo,
        )


def _currency_of(element: Element) -> str:
    amount = _first(element, "Amt")
    return amount.get("Ccy", "") if amount is not None else ""


def _date_text(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
