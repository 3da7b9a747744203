"""Querysets compiled to SQL once and run again with new values: the write path's fixed reads.

Every service call locks and reads a handful of rows with querysets whose shape never changes
(a contract by pk, scoped to the actor, with its customer). Django compiles a queryset to SQL on
every run, and on the write path that took several times longer than the database took to
answer (bench/WRITE_PATH.md). ``run`` builds the queryset once with stand-in values, keeps the
SQL, where each stand-in landed among the parameters and how rows become model instances, and
from then on only substitutes the real values and executes.

The queryset stays the one definition of the query (scope included): nothing here is
hand-written SQL. A queryset whose stand-ins cannot be found among the compiled parameters
(a lookup that rewrites its value) is simply run through the ORM every time."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

M = TypeVar("M", bound=Model)

# Stand-ins for integer arguments: inside the 32-bit range (an out-of-range value would make
# Django drop the lookup as matching nothing) and far below any id, amount or count we store.
_INT_STANDIN = -2_000_000_000
_STR_STANDIN = "\x1fhuikuan-standin-{}\x1f"
_MAX_ENTRIES = 2048


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (position in params, index of the argument)
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    locks: bool
    columns: int
    # how rows become model instances; model None: a values_list query, rows stay tuples
    model: type[Model] | None = None
    init_list: tuple[str, ...] = ()
    start: int = 0
    end: int = 0
    populators: tuple[Any, ...] = ()


_plans: dict[Hashable, _Plan | None] = {}
_plans_lock = threading.Lock()


def _standins(args: tuple[Any, ...]) -> tuple[Any, ...]:
    values = []
    for index, arg in enumerate(args):
        if isinstance(arg, bool) or not isinstance(arg, int | str):
            raise TypeError(f"compiled.run takes int or str arguments, not {type(arg).__name__}")
        values.append(_INT_STANDIN - index if isinstance(arg, int) else _STR_STANDIN.format(index))
    return tuple(values)


def _plan(queryset: QuerySet[Any], standins: tuple[Any, ...]) -> _Plan | None:
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # e.g. pk__in=(): Django sends no query at all, nor shall we
        return None
    slots = []
    for index, standin in enumerate(standins):
        positions = [position for position, value in enumerate(params) if value == standin]
        if len(positions) != 1:
            return None  # the value was rewritten or repeated: let the ORM run it
        slots.append((positions[0], index))
    select = compiler.select
    found = compiler.get_converters([column[0] for column in select[: compiler.col_count]])
    common = {
        "sql": sql,
        "params": tuple(params),
        "slots": tuple(slots),
        "converters": tuple((position, tuple(convs), expression) for position, (convs, expression) in found.items()),
        "locks": queryset.query.select_for_update,
        "columns": compiler.col_count,
    }
    if queryset.query.extra_select:
        return None  # columns that Django sets apart: let the ORM run it
    if issubclass(queryset._iterable_class, ValuesListIterable):  # type: ignore[attr-defined]
        # the selected fields, in the order asked for, are the first columns (Django 5.2 lists
        # them as annotations); anything else is left to the ORM
        names = list(queryset._fields)  # type: ignore[attr-defined]
        if list(compiler.annotation_col_map.items()) != [(name, i) for i, name in enumerate(names)]:
            return None
        return _Plan(**{**common, "columns": len(names)})
    klass_info = compiler.klass_info
    if compiler.annotation_col_map:
        return None
    if klass_info is None or not issubclass(queryset._iterable_class, ModelIterable):  # type: ignore[attr-defined]
        return None
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    return _Plan(
        **common,
        model=klass_info["model"],
        init_list=tuple(column[0].target.attname for column in select[start:end]),
        start=start,
        end=end,
        # Django 5.2 takes three arguments; the stubs follow a later Django
        populators=tuple(get_related_populators(klass_info, select, queryset.db)),  # type: ignore[call-arg]
    )


def _plan_for(key: Hashable, build: Callable[..., QuerySet[Any]], args: tuple[Any, ...]) -> _Plan | None:
    full_key = (DEFAULT_DB_ALIAS, connections[DEFAULT_DB_ALIAS].vendor, key, tuple(type(arg) for arg in args))
    try:
        return _plans[full_key]
    except KeyError:
        standins = _standins(args)
        plan = _plan(build(*standins), standins)
        with _plans_lock:
            if len(_plans) >= _MAX_ENTRIES:
                _plans.clear()  # shapes are few; a full cache means keys carry too much, start over
            _plans[full_key] = plan
        return plan


def _fetch(plan: _Plan, build: Callable[..., QuerySet[Any]], args: tuple[Any, ...]) -> list[list[Any]]:
    """The rows of a compiled query with the real values, converted as the ORM converts them."""
    connection = connections[DEFAULT_DB_ALIAS]  # once: each read through the proxy looks it up again
    if plan.locks and not connection.in_atomic_block:
        list(build(*args))  # the ORM raises its own "select_for_update outside a transaction" error
    params = list(plan.params)
    for position, index in plan.slots:
        params[position] = args[index]
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        fetched = cursor.fetchall()
    rows = []
    for values in fetched:
        row = list(values)
        for position, convs, expression in plan.converters:
            value = row[position]
            for converter in convs:
                value = converter(value, expression, connection)
            row[position] = value
        rows.append(row)
    return rows


def run(key: Hashable, build: Callable[..., QuerySet[M]], *args: int | str) -> list[M]:
    """The model instances ``build(*args)`` returns, with its SQL compiled once per ``key``.

    ``build`` must make the same query shape for every call with the same ``key``: the key
    names everything the shape depends on besides ``args`` (who asks, which relations). Its
    arguments are ints and strs that end up as query parameters."""
    plan = _plan_for(key, build, args)
    if plan is None or plan.model is None:
        return list(build(*args))
    objects = []
    alias = DEFAULT_DB_ALIAS
    for row in _fetch(plan, build, args):
        obj = plan.model.from_db(alias, plan.init_list, row[plan.start : plan.end])
        for populator in plan.populators:
            populator.populate(row, obj)
        objects.append(obj)
    return objects  # type: ignore[return-value]


def run_values(key: Hashable, build: Callable[..., QuerySet[Any]], *args: int | str) -> list[tuple[Any, ...]]:
    """The tuples a ``values_list`` queryset ``build(*args)`` returns, compiled once per ``key``
    as ``run`` does: for reads of many rows where model instances would cost more than the query."""
    plan = _plan_for(key, build, args)
    if plan is None or plan.model is not None:
        return [tuple(row) for row in build(*args)]
    return [tuple(row[: plan.columns]) for row in _fetch(plan, build, args)]


def clear() -> None:
    """Forget every compiled query (tests that change a model's shape at run time)."""
    with _plans_lock:
        _plans.clear()


def padded(values: list[int]) -> list[int]:
    """``values`` (sorted, not empty) lengthened to the next power of two by repeating the last: an
    ``IN`` list of any length then runs one of a few compiled plans instead of compiling one per
    length (a batch locks hundreds of rows, each batch a different number)."""
    size = 1
    while size < len(values):
        size *= 2
    return values + [values[-1]] * (size - len(values))
