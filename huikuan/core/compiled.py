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
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

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
    init_list: tuple[str, ...]
    start: int
    end: int
    model: type[Model]
    populators: tuple[Any, ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    locks: bool


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
    klass_info = compiler.klass_info
    if klass_info is None or compiler.annotation_col_map:
        return None
    select = compiler.select
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    found = compiler.get_converters([column[0] for column in select[: compiler.col_count]])
    converters = tuple((position, tuple(convs), expression) for position, (convs, expression) in found.items())
    return _Plan(
        sql=sql,
        params=tuple(params),
        slots=tuple(slots),
        init_list=tuple(column[0].target.attname for column in select[start:end]),
        start=start,
        end=end,
        model=klass_info["model"],
        # Django 5.2 takes three arguments; the stubs follow a later Django
        populators=tuple(get_related_populators(klass_info, select, queryset.db)),  # type: ignore[call-arg]
        converters=converters,
        locks=queryset.query.select_for_update,
    )


def run(key: Hashable, build: Callable[..., QuerySet[M]], *args: int | str) -> list[M]:
    """The model instances ``build(*args)`` returns, with its SQL compiled once per ``key``.

    ``build`` must make the same query shape for every call with the same ``key``: the key
    names everything the shape depends on besides ``args`` (who asks, which relations). Its
    arguments are ints and strs that end up as query parameters."""
    full_key = (connection.alias, connection.vendor, key, tuple(type(arg) for arg in args))
    try:
        plan = _plans[full_key]
    except KeyError:
        standins = _standins(args)
        plan = _plan(build(*standins), standins)
        with _plans_lock:
            if len(_plans) >= _MAX_ENTRIES:
                _plans.clear()  # shapes are few; a full cache means keys carry too much, start over
            _plans[full_key] = plan
    if plan is None:
        return list(build(*args))
    if plan.locks and not connection.in_atomic_block:
        list(build(*args))  # the ORM raises its own "select_for_update outside a transaction" error
    params = list(plan.params)
    for position, index in plan.slots:
        params[position] = args[index]
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        rows = cursor.fetchall()
    objects = []
    alias = connection.alias
    for fetched in rows:
        row = list(fetched)
        for position, convs, expression in plan.converters:
            value = row[position]
            for converter in convs:
                value = converter(value, expression, connection)
            row[position] = value
        obj = plan.model.from_db(alias, plan.init_list, row[plan.start : plan.end])
        for populator in plan.populators:
            populator.populate(row, obj)
        objects.append(obj)
    return objects  # type: ignore[return-value]


def clear() -> None:
    """Forget every compiled query (tests that change a model's shape at run time)."""
    with _plans_lock:
        _plans.clear()
