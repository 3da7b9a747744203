"""Turning a text statement file's bytes into clean text: encodings, control characters, line ends."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

from .problems import fail

# SOH, ETX and the other C0 controls some banks wrap files in; TAB and newlines are kept
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes, *, chinese: bool) -> str:
    """UTF-8 (BOM or not) or UTF-16 with a BOM first; then GB18030 for spreadsheets, since Chinese banks
    export GBK; then the best guess (a Hungarian MT940 is ISO-8859-2), latin-1 as the last resort."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _clean(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise fail(_("The file cannot be read as text: its encoding is not recognised.")) from exc
    try:
        return _clean(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    if chinese:
        try:
            return _clean(data.decode("gb18030"))
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        try:
            return _clean(data.decode(best.encoding))
        except (UnicodeDecodeError, LookupError):
            pass
    return _clean(data.decode("latin-1"))


def _clean(text: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)
