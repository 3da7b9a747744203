"""Paging of long lists, for the API and the pages.

A list counts its rows only as far as anybody can use: up to ``COUNT_CAP`` rows, or to the end
of the page asked for when that is further. Past that it says "more than N" (``count_exact`` is
false) instead of counting on: an exact count of 600,000 paid installments costs more than the
page itself, and a count of the installments overdue on a past date must work out every
candidate's figures on that date (bench/RESULTS.md, "HTTP lists"). Nobody pages through ten
thousand rows; they narrow the filter, and the reports give totals. ``page=last`` asks for the
exact count, since it needs it."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

# How many rows a list counts before it says "more than"
COUNT_CAP = 10_000
LAST_PAGE = "last"
MAX_REACH = 10**12


def count_up_to(rows: Any, limit: int | None) -> int:
    """The number of rows, or ``limit`` when there are at least that many (``None``: exact).

    A queryset that knows a cheaper way (``count_up_to`` of its own, as the installment lists
    that count a status part by part) is asked; any other counts a slice, which the database stops
    reading at ``limit`` rows, in no particular order (the count does not depend on it)."""
    if limit is None:
        return rows.count() if isinstance(rows, QuerySet) else len(rows)
    own = getattr(rows, "count_up_to", None)
    if own is not None:
        return int(own(limit))
    if isinstance(rows, QuerySet):
        return count_keys(rows, limit)
    return min(len(rows), limit)


def count_keys(rows: QuerySet, limit: int) -> int:
    """The number of rows of a queryset, read no further than ``limit``. The keys only: a count of
    a slice keeps every selected column in its subquery, and an annotation there (a past date's
    figures) would be computed for every row counted."""
    return int(rows.order_by().values("pk")[:limit].count())


class IdsFirstPaginator(Paginator):
    """A paginator that counts up to a cap (module docstring) and reads a page past the first in
    two steps: the ids of its rows (filters and order only, which an index answers), then those
    rows with their joins and annotations.

    A plain OFFSET makes the database build every skipped row (joins, figures) just to discard
    it: at page 1,000 that is 50,000 rows built for 50 shown.

    ``count`` is the exact count when ``count_exact``; otherwise the list has more rows than
    ``count - 1`` (at least ``count``), and ``shown_count`` is what to tell the user: "more than
    ``shown_count``"."""

    count_cap = COUNT_CAP

    def __init__(self, *args: Any, count_cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if count_cap is not None:
            self.count_cap = count_cap
        self.count_exact = True
        # rows up to the end of the page asked for; None asks for the exact count
        self._reach: int | None = 0

    @cached_property
    def count(self) -> int:
        limit = None if self._reach is None else max(self.count_cap, self._reach) + 1
        counted = count_up_to(self.object_list, limit)
        self.count_exact = limit is None or counted < limit
        return counted

    @property
    def shown_count(self) -> int:
        """The count to show: exact, or the number the list has more rows than."""
        return self.count if self.count_exact else self.count - 1

    def page(self, number: Any) -> Any:
        if number == LAST_PAGE:
            self._reach = None
            number = self.num_pages
        elif "count" not in self.__dict__:
            try:
                reach = int(number) * self.per_page
            except (TypeError, ValueError):
                reach = 0  # validate_number says what is wrong with it
            # a page beyond any real list is counted exactly, so that no limit overflows SQL's
            self._reach = reach if reach <= MAX_REACH else None
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)  # type: ignore[attr-defined]  # in Django, not the stubs

    def _rows(self, bottom: int, top: int) -> Any:
        rows = self.object_list
        if bottom == 0 or not isinstance(rows, QuerySet):
            return rows[bottom:top]
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        by_pk = {row.pk: row for row in rows.filter(pk__in=ids).order_by()}
        return [by_pk[pk] for pk in ids if pk in by_pk]
