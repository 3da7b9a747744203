"""A page of a report's lines (lists in memory, named only for the page shown)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404, HttpRequest

from huikuan.core.paging import LAST_PAGE

LINES_PER_PAGE = 100


def page_of_lines(request: HttpRequest, lines: Sequence[Any], per_page: int = LINES_PER_PAGE) -> Page:
    """The page ``?page=`` asks for (a number or ``last``); anything else, or past the end, is a 404."""
    paginator = Paginator(lines, per_page)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(paginator.num_pages if number == LAST_PAGE else number)
    except InvalidPage as error:
        raise Http404 from error
