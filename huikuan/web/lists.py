"""One list page: the selector's rows, one page of them, and the same rows exported.

A page declares its columns once (``Column``); the table and the .xlsx/CSV export are both made
from them, over the same queryset (the selector called with the same filters and scope), so an
export holds exactly what the list shows, on every page of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest
from django.utils.functional import Promise

from huikuan.core.numbers import NumberFormatError, parse_int
from huikuan.core.paging import LAST_PAGE, IdsFirstPaginator

PAGE_SIZE = 50


@dataclass(frozen=True)
class Column:
    """One column of a list: its header, its value for a row (a date, Decimal, number or text),
    and optionally a link for the page (the export has none) and an alignment."""

    key: str
    label: str | Promise
    value: Callable[[Any], Any]
    link: Callable[[Any], str] | None = None
    numeric: bool = False

    def cell(self, row: Any) -> Any:
        return self.value(row)


@dataclass
class Cell:
    value: Any
    link: str | None
    numeric: bool


def cells(columns: Sequence[Column], row: Any) -> list[Cell]:
    return [Cell(c.cell(row), c.link(row) if c.link else None, c.numeric) for c in columns]


def page_of(request: HttpRequest, rows: Any, *, per_page: int = PAGE_SIZE) -> Any:
    """The page of ``rows`` the query string asks for (``page``: a number or ``last``), counted as
    the API counts (``core.paging``). A page that is not a whole number, or past the end, is a 404."""
    raw = request.GET.get("page") or "1"
    number: Any
    if raw == LAST_PAGE:
        number = raw
    else:
        try:
            number = parse_int(raw)
        except NumberFormatError as error:
            raise Http404 from error
    paginator = IdsFirstPaginator(rows, per_page)
    try:
        return paginator.page(number)
    except InvalidPage as error:
        raise Http404 from error


def plain(value: Any) -> Any:
    """A cell's value for an export: numbers and dates stay numbers and dates."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int | float | dt.date):
        return value
    return str(value)
