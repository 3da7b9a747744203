"""Telling a statement file's format from its first bytes (the file name only breaks ties)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .problems import fail

_MT940_START = re.compile(rb"(?:^|[\n{]|\{4:)\s*:20:", re.MULTILINE)
_MT940_TAGS = re.compile(rb":(?:25|28C?|60[FM]|61|62[FM]):")


def detect_format(data: bytes, file_name: str = "") -> str:
    """One of FORMATS for the bytes of a file; StatementFileError when it is none of them."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf\x00\x01\x02\x03 \t\r\n")
    name = file_name.lower()
    if not head.strip():
        raise fail(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail(_("Old Excel files (.xls) cannot be read: save the file as .xlsx or .csv and upload that."))
    if head.startswith(b"%PDF"):
        raise fail(_("PDF statements cannot be read: download the statement as Excel, CSV, MT940 or CAMT.053."))
    if head.startswith(b"<") or name.endswith(".xml"):
        if b"BkToCstmrStmt" in data:
            return "camt053"
        if head.startswith(b"<"):
            raise fail(_("This XML file is not a CAMT.053 bank statement (BkToCstmrStmt)."))
    if _MT940_START.search(head) and _MT940_TAGS.search(head):
        return "mt940"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail(_("The file format is not recognised: upload a CSV, XLSX, MT940 or CAMT.053 statement."))
    return "csv"
