"""The :86: information to the account owner, in the dialects banks use for it: German GVC sub-fields
(?20…?34, or >20 at Triodos), SWIFT-style slash codes (/NAME/ /IBAN/ /REMI/ /EREF/), and free text."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Details:
    name: str = ""
    account: str = ""
    bank: str = ""
    reference: str = ""
    memo: str = ""


_GVC = re.compile(r"^\s*\d{3}\s*([?>])\d{2}")
# SEPA keys inside the purpose; MTLG: is a German bank's own message
_SEPA_KEYS = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|PURP)\+|(MTLG):")
_SLASH_CODES = (
    "TRTP|IBAN|BIC|NAME|REMI|EREF|MARF|CSID|ORDP|BENM|ADDR|ISDT|RTRN|PREF|CNTP|SUM|KREF|PURP|ULTC|ULTD|ULTB|"
    "OCMT|CHGS|EXCH|SVCL|BUSP|ABWA|ABWE"
)
_SLASH = re.compile(rf"/({_SLASH_CODES})/")
_SLASH_MARKERS = re.compile(r"/(NAME|IBAN|REMI|EREF|TRTP|BENM|ORDP|CNTP)/")
_NO_REFERENCE = {"", "NOTPROVIDED", "NONREF", "NONE"}
_IBAN_FIRST = re.compile(r"^([A-Z]{2}\d{2}[A-Z0-9]{10,30})\s+(.*)$")


def read_details(value: str) -> Details:
    joined = "".join(value.split("\n"))
    if _GVC.match(joined):
        return _gvc(joined)
    if _SLASH_MARKERS.search(joined):
        return _slash(joined)
    return _free_text(value)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _gvc(text: str) -> Details:
    """German 'Geschäftsvorfallcode' layout: 3 digits, then ?NN sub-fields cut at fixed widths, so the
    text is joined back without spaces (' … Grund nicht s' + 'pezifiziert')."""
    separator = _GVC.match(text).group(1)  # type: ignore[union-attr]
    parts = re.split(rf"\{separator}(\d{{2}})", text)
    fields: dict[int, str] = {}
    for code, content in zip(parts[1::2], parts[2::2], strict=True):
        fields[int(code)] = fields.get(int(code), "") + content
    purpose = "".join(fields.get(code, "") for code in [*range(20, 30), *range(60, 64)])
    memo, reference = purpose, ""
    keyed = _SEPA_KEYS.split(purpose)
    if len(keyed) > 1:  # SEPA: EREF+… SVWZ+…
        values: dict[str, str] = {}
        for index in range(1, len(keyed), 3):
            values[keyed[index] or keyed[index + 1]] = keyed[index + 2]
        reference = values.get("EREF", "").strip()
        texts = (keyed[0], values.get("SVWZ", ""), values.get("MTLG", ""))
        memo = " ".join(part for part in texts if part.strip()) or purpose
    if reference.upper() in _NO_REFERENCE:
        reference = ""
    return Details(
        name=_squash(fields.get(32, "") + fields.get(33, "")),
        account=_squash(fields.get(38, "") or fields.get(31, "")),
        bank=_squash(fields.get(30, "")),
        reference=_squash(reference),
        memo=_squash(memo) or _squash(fields.get(0, "")),
    )


def _slash(text: str) -> Details:
    parts = _SLASH.split(text)
    fields: dict[str, str] = {}
    for code, content in zip(parts[1::2], parts[2::2], strict=True):
        fields.setdefault(code, content.strip().strip("/").strip())
    name, account, bank = fields.get("NAME", ""), fields.get("IBAN", ""), fields.get("BIC", "")
    if "CNTP" in fields:  # ING: /CNTP/account/BIC/name/city/
        cntp = (fields["CNTP"].split("/") + ["", "", ""])[:3]
        account, bank, name = account or cntp[0], bank or cntp[1], name or cntp[2]
    memo = re.sub(r"^(?:USTD//|STRD/[A-Z]+/)", "", fields.get("REMI", ""))
    reference = fields.get("EREF", "")
    if reference.upper() in _NO_REFERENCE:
        reference = ""
    return Details(
        name=_squash(name),
        account=_squash(account),
        bank=_squash(bank),
        reference=_squash(reference),
        memo=_squash(memo) or _squash(parts[0]),
    )


def _free_text(value: str) -> Details:
    lines = [line.strip() for line in value.split("\n")]
    text = _squash(" ".join(lines))
    name = account = ""
    memo = text
    if match := re.search(r"REK:\s*(\S+?)\s*/\s*NAAM:\s*(.+)$", text):  # Knab
        account, name, memo = match.group(1), match.group(2), text[: match.start()].strip()
    elif "Z RACH." in text or "TYT.:" in text:  # mBank
        if match := re.search(r"Z RACH\.:\s*([\d ]+?)\s*;", text):
            account = match.group(1).replace(" ", "")
        if match := re.search(r"\bOD:\s*(.+?)\s*;", text):
            name = match.group(1)
        if match := re.search(r"TYT\.:\s*(.+?)\s*(?:;|$)", text):
            memo = match.group(1)
    elif match := re.search(r"AUFTRAGGEBER:\s*(.+?)(?:\s+MITTEILUNGEN:\s*(.*))?$", text):  # PostFinance
        name, memo = match.group(1), match.group(2) or text
    elif match := _IBAN_FIRST.match(lines[0] if lines else ""):  # ASN: 'NL47INGB… name', then the text
        account, name = match.group(1), _squash(match.group(2))
        memo = _squash(" ".join(lines[1:])) or text
    return Details(name=name, account=account, memo=memo)


def read_ns(value: str) -> Details:
    """Sberbank Hungary's non-SWIFT :NS: lines: 2-digit codes, 15/16 the partner's name, 09 a note."""
    fields: dict[str, str] = {}
    for line in value.split("\n"):
        line = line.strip()
        if len(line) > 2 and line[:2].isdigit():
            fields[line[:2]] = fields.get(line[:2], "") + line[2:]
    return Details(name=_squash(fields.get("15", "") + fields.get("16", "")), memo=_squash(fields.get("09", "")))
