"""Scoped reads of receivables, and the lists that show as-of figures (installments with their
status, contracts with their totals): one selector per list, called by the API and the pages.

Figures are computed for the rows of a page only: the lists return an ``InstallmentQuerySet``,
which attaches ``figures.attach_figures`` to whatever rows it fetches (a page, one record, the
installments prefetched for a page of contracts), so counting and paging read plain indexed
columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.db.models.query import FlatValuesListIterable
from django_filters import FilterSet

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict, sees_whole_companies
from huikuan.contracts.models import Contract, Installment, Milestone
from huikuan.contracts.selectors import contract_list
from huikuan.core.paging import COUNT_CAP, count_keys
from huikuan.customers.selectors import customers_visible_to
from huikuan.receivables import figures
from huikuan.receivables.filters import InstallmentFilter, ReceiptFilter
from huikuan.receivables.models import Adjustment, Allocation, Receipt

M = TypeVar("M", bound=Model)
# The order of the installment lists (the API's default ordering; installment_list_idx)
LIST_ORDER = ("due_date", "contract_id", "sequence")
# A part of a status list this small is read whole and sorted here (InstallmentQuerySet._slice_ids)
SMALL_PART = 5000
# past any contract id or sequence: a due date's first and last key, for spans known by date only
_ANY = float("inf")


def by_customer_scope(queryset: QuerySet[M], user: User) -> QuerySet[M]:
    """``queryset`` (rows with a company and a customer) within the user's scope, for figures summed
    over many rows. A user who sees only some customers (their own, their team's) gets the rows of
    those customers by their ids, which the per-customer indexes answer; the scope's join on the
    customers' owner would make the database read the whole company's rows and test each one's
    customer."""
    if sees_whole_companies(user):
        return restrict(queryset, user)
    return restrict(queryset, user, owner=None).filter(customer_id__in=customers_visible_to(user).values("pk"))


def receipts_visible_to(user: User) -> QuerySet[Receipt]:
    return restrict(Receipt.objects.select_related("customer"), user)


def allocations_visible_to(user: User) -> QuerySet[Allocation]:
    return restrict(Allocation.objects.select_related("receipt", "installment__contract"), user)


def adjustments_visible_to(user: User) -> QuerySet[Adjustment]:
    return restrict(Adjustment.objects.select_related("installment__contract"), user)


def apply_filters(filterset: FilterSet) -> QuerySet:
    """The filtered queryset. Raises ValidationError (a 400 with field messages) on bad filters."""
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def _rows_per_date(rows: QuerySet[Installment], nulls_last: bool) -> dict[tuple[bool, Any], int]:
    """How many of ``rows`` fall due on each date, keyed as the list orders them (NULLs first or
    last, as the database puts them), in one grouped count."""
    # grouped by figures.unordered: SQLite would otherwise walk the list index for its order (past
    # every installment due by then), not the part's own index
    counted = rows.order_by().values_list(figures.unordered("due_date")).annotate(rows=Count("pk"))
    return {((due is None) == nulls_last, due): size for due, size in counted}


def _rows_per_date_up_to(rows: QuerySet[Installment], limit: int, nulls_last: bool) -> dict[tuple[bool, Any], int]:
    """``_rows_per_date`` of at most ``limit`` of ``rows`` (any of them, as a count up to a limit
    reads them): the count of a part and, when it has fewer rows than ``limit``, all its dates."""
    inner, params = rows.order_by().values_list("due_date")[:limit].query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        # S608: the inner statement is the ORM's, its values parameters. The column keeps its
        # declared type through the subquery, so SQLite's driver gives dates, as PostgreSQL's does
        cursor.execute(f"SELECT part.due_date, COUNT(*) FROM ({inner}) part GROUP BY part.due_date", params)  # noqa: S608
        return {((due is None) == nulls_last, due): size for due, size in cursor.fetchall()}


def _rows_per_date_to(
    rows: QuerySet[Installment], stop: int, first: dt.date, last: dt.date, nulls_last: bool
) -> dict[tuple[bool, Any], int]:
    """``_rows_per_date`` of rows due from ``first`` to ``last``, counted a span of dates at a time
    until ``stop`` rows are counted or ``last`` is reached: a deep page of a list of 100,000 rows
    counts little more than the rows up to it. The first span is a week; each next one is as long
    as the rows still wanted take at the rows per day counted so far, a quarter more so that it
    usually ends the count (doubling instead overshot by up to the whole last span: on a past
    date's overdue list, page 100 counted a year past its rows)."""
    counted: dict[tuple[bool, Any], int] = {}
    total, start, days = 0, first, 7
    while start <= last:
        end = last if (last - start).days < days else start + dt.timedelta(days=days - 1)
        chunk = _rows_per_date(rows.filter(due_date__range=(start, end)), nulls_last)
        counted.update(chunk)
        total += sum(chunk.values())
        if total >= stop or end >= last:
            break
        spanned = (end - first).days + 1
        if total:
            days = min(days * 4, max(7, -(-(stop - total) * spanned * 5 // (total * 4))))
        else:
            days *= 2
        start = end + dt.timedelta(days=1)
    return counted


def _due_up_to(last: dt.date | None, nulls_last: bool) -> Q:
    """Rows up to those due on ``last`` in the list's order (``None``: the rows without a due date,
    which the database puts last or first)."""
    nulls = Q(due_date__isnull=True)
    if last is None:
        return Q() if nulls_last else nulls
    return Q(due_date__lte=last) if nulls_last else nulls | Q(due_date__lte=last)


def _due_from_to(first: dt.date | None, last: dt.date | None) -> Q:
    """Rows due from ``first`` to ``last`` in the list's order (``None``: the rows without a due date;
    the two are keys of the list, so a NULL first comes before a date, a NULL last after one)."""
    nulls = Q(due_date__isnull=True)
    if first is None and last is None:
        return nulls
    if first is None:
        return nulls | Q(due_date__lte=last)
    if last is None:
        return Q(due_date__gte=first) | nulls
    return Q(due_date__range=(first, last))


class InstallmentQuerySet(QuerySet[Installment]):
    """Installments that carry their figures on ``figures_as_of``: every row fetched gets
    ``attach_figures``, and only fetched rows (a page), never the whole filtered set.

    A status filter is a union of disjoint parts, each answered by one index
    (``figures.status_parts``); one query with their OR makes the database scan every candidate
    of every part in one index, which is none of theirs. So the filter also records the parts
    (``counted_in_parts``), and ``count`` adds up one count per part. Every later filter or
    exclude is applied to each part as well; anything else that could change which rows are in
    (a slice, ``distinct``, ``none``, a combination, raw SQL) drops them and counts as one."""

    figures_as_of: dt.date | None = None
    _count_parts: tuple[QuerySet[Installment], ...] | None = None
    _part_counts: tuple[int, ...] | None = None
    # which of _part_counts stopped at a limit (count_up_to): that part has at least as many rows
    _part_capped: tuple[bool, ...] = ()
    # the rows per due date of each part counted to its end on the way to a deep page (count_up_to)
    _part_dates: tuple[dict[tuple[bool, Any], int] | None, ...] = ()

    def with_figures_on(self, as_of: dt.date) -> InstallmentQuerySet:
        clone = self.all()
        clone.figures_as_of = as_of
        return clone

    def counted_in_parts(self, base: QuerySet[Installment], parts: Sequence[Q]) -> InstallmentQuerySet:
        """This queryset (``base`` filtered by the union of ``parts``), counted part by part."""
        clone = self.all()
        clone._count_parts = tuple(base.filter(part) for part in parts) if len(parts) > 1 else None
        return clone

    def count(self) -> int:
        if self._count_parts is None or self._result_cache is not None or self.query.is_sliced:
            return super().count()
        self._part_counts = tuple(part.count() for part in self._count_parts)
        self._part_capped = (False,) * len(self._part_counts)
        return sum(self._part_counts)

    def count_up_to(self, limit: int) -> int:
        """The count, or ``limit`` when there are at least that many (``core.paging``): each part
        is counted up to ``limit``, and a part that reaches it is read no further."""
        if self._result_cache is not None:
            return min(len(self._result_cache), limit)
        if self._count_parts is None or self.query.is_sliced:
            return count_keys(self, limit)
        if limit > COUNT_CAP + 1:
            # a page past the cap: the large parts will be read by their rows per due date
            # (_seek_slice), which the same pass over the part gives
            nulls_last = connections[self.db].features.nulls_order_largest
            dates = tuple(_rows_per_date_up_to(part, limit, nulls_last) for part in self._count_parts)
            counts = tuple(sum(counted.values()) for counted in dates)
            complete = (counted if size < limit else None for counted, size in zip(dates, counts, strict=True))
            self._part_dates = tuple(complete)
        else:
            counts = tuple(count_keys(part, limit) for part in self._count_parts)
            self._part_dates = ()
        self._part_counts = counts
        self._part_capped = tuple(size >= limit for size in counts)
        return min(sum(counts), limit)

    def __getitem__(self, k: Any) -> Any:
        """A slice of a list counted in parts, in the list's order, is read part by part too,
        then its rows by primary key. One query with the OR of the parts walks the list index
        past every installment that matches none (most of them, for a rare status or a deep page).

        The parts' sizes are those ``count`` found (the paginator counts first). A small part is
        read whole, without an order, through its own index (ordered and limited, the database
        may walk the list index instead, evaluating the part on every row to find a few). Of the
        largest part only the window that can reach the slice is read: its rows from index
        ``start`` − (rows of all the other parts) on. The keys are merged here."""
        parts = self._count_parts
        plain_slice = (
            isinstance(k, slice) and k.step is None and isinstance(k.stop, int) and k.stop >= 0 and (k.start or 0) >= 0
        )
        if parts is None or not plain_slice or self._result_cache is not None or self.query.is_sliced:
            return super().__getitem__(k)
        fields = getattr(self, "_fields", None)
        ids_only = fields == ("pk",) and self._iterable_class is FlatValuesListIterable
        if tuple(self.query.order_by) != LIST_ORDER or not (fields is None or ids_only):
            return super().__getitem__(k)
        ids = self._slice_ids(parts, k.start or 0, k.stop)
        if ids_only:
            return ids
        whole = self.filter(pk__in=ids).order_by()
        whole._count_parts = None
        by_pk = {row.pk: row for row in whole}
        return [by_pk[pk] for pk in ids]

    def _slice_ids(self, parts: tuple[QuerySet[Installment], ...], start: int, stop: int) -> list[int]:
        # what count or count_up_to found (a size that reached the limit is a lower bound)
        sizes: list[int] = list(self._part_counts or ())
        capped: list[bool] = list(self._part_capped)
        if self._part_counts is None:
            sizes = [part.count() for part in parts]
            capped = [False] * len(sizes)
        nulls_last = connections[self.db].features.nulls_order_largest

        def keyed(rows: Any) -> list[tuple[Any, ...]]:
            # the database's order of (due_date, contract, sequence), nulls where it puts them
            return [((due is None) == nulls_last, due, contract, sequence, pk) for due, contract, sequence, pk in rows]

        def keys(index: int) -> QuerySet[Installment, tuple[Any, ...]]:
            return parts[index].order_by().values_list(*LIST_ORDER, "pk")

        # A small part is read whole, without an order, through its own index (ordered, the database
        # may walk the list index instead, evaluating the part on every row of it: installments
        # settled after a past date are 37,000 of the 580,000 due by then), and sorted here. Of a
        # larger one counted to its end, the number of rows per due date (one grouped count through
        # its own index): a deep page of several such parts is found from those counts, and only
        # the dates it spans are read (``_seek_slice``). Of a part counted up to a limit, its first
        # and last keys.
        whole: dict[int, list[tuple[Any, ...]]] = {}
        per_date: dict[int, dict[tuple[bool, Any], int]] = {}
        spans: list[tuple[tuple[Any, ...], tuple[Any, ...], int]] = []
        for index, size in enumerate(sizes):
            if size == 0:
                continue
            if not capped[index] and size <= SMALL_PART:
                whole[index] = sorted(keyed(keys(index)), key=lambda row: row[:4])
                if whole[index]:
                    spans.append((whole[index][0], whole[index][-1], index))
                continue
            if not capped[index]:
                known = self._part_dates[index] if index < len(self._part_dates) else None
                per_date[index] = known if known is not None else _rows_per_date(parts[index], nulls_last)
                if per_date[index]:
                    dates = sorted(per_date[index])
                    # a date's first and last keys (a group that shares a date overlaps, which is safe)
                    spans.append(((*dates[0], -_ANY, -_ANY), (*dates[-1], _ANY, _ANY), index))
                continue
            backwards = [f"-{name}" for name in LIST_ORDER]
            first, last = keyed(keys(index).order_by(*LIST_ORDER)[:1]), keyed(keys(index).order_by(*backwards)[:1])
            if first and last:
                spans.append((first[0], last[0], index))
        # Parts whose key ranges do not overlap follow one another (those waiting on a milestone,
        # without a due date, before or after those with one): a slice is read from the group of
        # overlapping parts it falls in, not merged from every part
        groups: list[list[int]] = []
        reach: tuple[Any, ...] | None = None
        for first_key, last_key, index in sorted(spans, key=lambda span: span[0][:4]):
            if reach is None or first_key[:4] > reach[:4]:
                groups.append([])
                reach = last_key
            groups[-1].append(index)
            reach = max(reach, last_key, key=lambda key: key[:4])
        ends = {index: (first_key, last_key) for first_key, last_key, index in spans}
        ids: list[int] = []
        before = 0  # rows of the groups passed
        for group in groups:
            size = sum(sizes[index] for index in group)
            open_ended = any(capped[index] for index in group)
            if open_ended and before + size < stop:
                # counted up to a limit below the slice's end (never so from the paginator, whose
                # limit is past the page): where the next group starts needs this one's exact size
                for index in group:
                    sizes[index], capped[index] = parts[index].count(), False
                size, open_ended = sum(sizes[index] for index in group), False
            if not open_ended and before + size <= start:
                before += size
                continue
            window = max(0, start - before), stop - before
            if sum(index not in whole for index in group) > 1:
                ids += self._seek_slice(parts, group, per_date, whole, ends, nulls_last, keyed, keys, *window)
            else:
                ids += self._merge_slice(group, sizes, capped, whole, keyed, keys, *window)
            if open_ended or before + size >= stop:
                break
            before += size
        return ids

    @staticmethod
    def _seek_slice(
        parts: tuple[QuerySet[Installment], ...],
        group: list[int],
        per_date: dict[int, dict[tuple[bool, Any], int]],
        whole: dict[int, list[tuple[Any, ...]]],
        ends: dict[int, tuple[tuple[Any, ...], tuple[Any, ...]]],
        nulls_last: bool,
        keyed: Any,
        keys: Any,
        start: int,
        stop: int,
    ) -> list[int]:
        """The ids of rows ``start`` to ``stop`` of the union of overlapping parts, more than one of
        them large: the rows per due date say which dates the slice spans and how many rows come
        before them, and only the keys of those dates are read and merged here. Two parts of
        37,000 rows each whose dates interleave (open now, and settled since a past date) are not
        read whole for page 1,000.

        A part counted only up to a limit is not counted by date to its end, but from its first
        date on over spans that double until ``stop`` of its rows are counted: the slice can reach
        no date past the one where that happens, and every part is counted up to it. (A part with
        rows without a due date is read to its row at ``stop`` instead.)"""
        bound: tuple[bool, Any] | None = None  # the last date the slice can reach
        counts: dict[int, dict[tuple[bool, Any], int]] = {}
        for index in group:
            if index in per_date:
                counts[index] = per_date[index]
            elif index in whole:
                counts[index] = {}
                for key in whole[index]:
                    counts[index][key[:2]] = counts[index].get(key[:2], 0) + 1
            elif ends[index][0][1] is not None and ends[index][1][1] is not None:
                # no part needs counting past a date where one counted before reached ``stop``
                first_date, last_date = ends[index][0][1], ends[index][1][1]
                if bound is not None and bound[1] is not None:
                    last_date = min(last_date, bound[1])
                if last_date < first_date:
                    counts[index] = {}
                    continue
                counts[index] = _rows_per_date_to(parts[index], stop, first_date, last_date, nulls_last)
                reached = 0
                for date in sorted(counts[index]):
                    reached += counts[index][date]
                    if reached >= stop:
                        bound = date if bound is None else min(bound, date)
                        break
            else:
                at = keyed(keys(index).order_by(*LIST_ORDER)[stop - 1 : stop])
                if at and (bound is None or at[0][:2] < bound):
                    bound = at[0][:2]
        rows_on: dict[tuple[bool, Any], int] = {}
        for index in group:
            if index not in counts:
                upto = Q() if bound is None else _due_up_to(bound[1], nulls_last)
                counts[index] = _rows_per_date(parts[index].filter(upto), nulls_last)
            for date, rows in counts[index].items():
                if bound is None or date <= bound:
                    rows_on[date] = rows_on.get(date, 0) + rows
        first: tuple[bool, Any] | None = None
        last: tuple[bool, Any] | None = None
        before = skipped = 0  # rows before a date; rows before the first date read
        for date in sorted(rows_on):
            if first is None and before + rows_on[date] > start:
                first, skipped = date, before
            if first is not None:
                last = date
                if before + rows_on[date] >= stop:
                    break
            before += rows_on[date]
        if first is None or last is None:  # the slice starts past the last row
            return []
        on_dates = _due_from_to(first[1], last[1])
        merged: list[tuple[Any, ...]] = []
        for index in group:
            if index in whole:
                merged += [key for key in whole[index] if first <= key[:2] <= last]
            else:
                merged += keyed(keys(index).filter(on_dates))
        merged.sort(key=lambda row: row[:4])
        return [row[-1] for row in merged[start - skipped : stop - skipped]]

    @staticmethod
    def _merge_slice(
        group: list[int],
        sizes: Sequence[int],
        capped: Sequence[bool],
        whole: dict[int, list[tuple[Any, ...]]],
        keyed: Any,
        keys: Any,
        start: int,
        stop: int,
    ) -> list[int]:
        """The ids of rows ``start`` to ``stop`` of the union of overlapping parts, merged here.
        Of the largest part only the window that can reach the slice is read: its rows from index
        ``start`` − (rows of all the other parts) on."""
        largest = max(group, key=lambda index: sizes[index])
        others = sum(sizes[index] for index in group) - sizes[largest]
        # Skipping the largest part's first rows needs the exact size of every other part; with
        # two parts counted only up to a limit, each is read from its start (to ``stop``)
        offset = max(0, start - others) if sum(capped[index] for index in group) <= 1 else 0
        merged: list[tuple[Any, ...]] = []
        for index in group:
            if index == largest and index not in whole:
                merged += [(*key, True) for key in keyed(keys(index).order_by(*LIST_ORDER)[offset:stop])]
            elif index == largest:
                merged += [(*key, True) for key in whole[index][offset:stop]]
            elif index in whole:
                merged += [(*key, False) for key in whole[index]]
            else:
                merged += [(*key, False) for key in keyed(keys(index).order_by(*LIST_ORDER)[:stop])]
        merged.sort(key=lambda row: row[:4])
        begin = 0
        if offset:
            # the largest part's first row read is at or before ``start``; the rows of the other
            # parts before it are before the slice, and it stands after all of them
            first = next((position for position, row in enumerate(merged) if row[-1]), None)
            if first is None:  # the slice starts past the last row
                return []
            merged = merged[first:]
            begin = offset + first
        return [row[-2] for row in merged[max(0, start - begin) : max(0, stop - begin)]]

    def _filter_or_exclude(self, negate: bool, args: Any, kwargs: Any) -> InstallmentQuerySet:  # type: ignore[override]
        clone: InstallmentQuerySet = super()._filter_or_exclude(negate, args, kwargs)  # type: ignore[misc]  # private in the stubs
        clone._part_counts = None
        clone._part_dates = ()
        if clone._count_parts is not None:
            clone._count_parts = tuple(part._filter_or_exclude(negate, args, kwargs) for part in clone._count_parts)  # type: ignore[attr-defined]
        return clone

    def _whole(self, clone: Any) -> Any:
        clone._count_parts = None
        return clone

    def complex_filter(self, filter_obj: Any) -> Any:
        return self._whole(super().complex_filter(filter_obj))

    def distinct(self, *field_names: Any) -> Any:
        return self._whole(super().distinct(*field_names))

    def none(self) -> Any:
        return self._whole(super().none())

    def extra(self, *args: Any, **kwargs: Any) -> Any:
        return self._whole(super().extra(*args, **kwargs))

    def _combinator_query(self, *args: Any, **kwargs: Any) -> Any:
        return self._whole(super()._combinator_query(*args, **kwargs))  # type: ignore[misc]

    def _clone(self) -> InstallmentQuerySet:  # type: ignore[misc]  # private in the stubs, public enough in Django
        clone = super()._clone()  # type: ignore[misc]
        clone.figures_as_of = self.figures_as_of
        clone._count_parts = self._count_parts
        clone._part_counts = self._part_counts
        clone._part_capped = self._part_capped
        clone._part_dates = self._part_dates
        return clone  # type: ignore[no-any-return]

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self.figures_as_of is not None and self._result_cache:
            rows = [row for row in self._result_cache if isinstance(row, Installment)]
            figures.attach_figures(rows, self.figures_as_of)


def installments_with_figures(as_of: dt.date) -> InstallmentQuerySet:
    return InstallmentQuerySet(Installment).with_figures_on(as_of)


def installment_list(*, user: User, filters: Mapping[str, Any] | None = None, as_of: dt.date) -> QuerySet[Installment]:
    """Installments the user may see, filtered, each with its figures and status on ``as_of``
    (``figures.InstallmentFigures`` on ``row.figures``). Raises ValidationError on bad filters."""
    installments = restrict(installments_with_figures(as_of).select_related("contract", "customer"), user)
    in_parts = sees_whole_companies(user)
    return apply_filters(InstallmentFilter(filters or {}, queryset=installments, as_of=as_of, in_parts=in_parts))


def contract_list_with_figures(
    *, user: User, filters: Mapping[str, Any] | None = None, as_of: dt.date
) -> QuerySet[Contract]:
    """``contracts.selectors.contract_list`` with each contract's plan carrying its figures on
    ``as_of`` (for ``figures.summarize_installments``) and its milestones. Raises ValidationError."""
    plan = installments_with_figures(as_of).order_by("sequence")
    return contract_list(user=user, filters=filters).prefetch_related(
        Prefetch("installments", queryset=plan),
        Prefetch("milestones", queryset=Milestone.objects.order_by("reached_on", "pk")),
    )


def receipt_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Receipt]:
    """Receipts the user may see, filtered. Raises ValidationError on bad filters."""
    return apply_filters(ReceiptFilter(filters or {}, queryset=receipts_visible_to(user)))
