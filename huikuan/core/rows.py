"""INSERT and UPDATE of model rows in plain SQL, statement text built once per model; the bulk
writes of a batch or run from plain values (``insert_values``, ``update_values``, keys handed out
first by ``reserve_ids``); and the rows of a large grouped read as the driver returns them
(``plain_rows``).

``Model.save`` compiles an INSERT or UPDATE through the ORM every time; the write path saves a
dozen rows per contract, and compiling them took longer than the database took to write them
(bench/WRITE_PATH.md). These do what ``save`` does for our models (``pre_save`` of every field,
so ``auto_now`` and defaults behave the same; ``get_db_prep_save`` for the database's types) with
a statement made once per model and field list. They send no model signals: none of our models
has receivers, and services, not signals, carry the rules."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar, cast

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, QuerySet
from psycopg.types.json import Jsonb

M = TypeVar("M", bound=Model)
_BATCH = 100


def _db() -> BaseDatabaseWrapper:
    """The connection itself, looked up once per call: every attribute read through the
    ``django.db.connection`` proxy looks it up again (a thread-local read), and preparing a row's
    values reads it for every field."""
    return connections[DEFAULT_DB_ALIAS]


def _quote(name: str | None) -> str:
    return str(_db().ops.quote_name(str(name)))


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field


@lru_cache(maxsize=256)
def _insert_statement(model: type[Model], count: int, vendor: str) -> tuple[str, tuple[Field, ...]]:
    meta = model._meta
    fields = tuple(f for f in meta.local_concrete_fields if not f.primary_key and not f.generated)
    columns = ", ".join(_quote(f.column) for f in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * count)
    # S608: only our own table and column names are formatted in; the values are parameters
    sql = f"INSERT INTO {_quote(meta.db_table)} ({columns}) VALUES {values} RETURNING {_quote(meta.pk.column)}"  # noqa: S608
    return sql, fields


@lru_cache(maxsize=512)
def _update_fields(model: type[Model], names: tuple[str, ...]) -> tuple[Field, ...]:
    fields = tuple(
        f for f in model._meta.local_concrete_fields if not f.primary_key and (f.name in names or f.attname in names)
    )
    if len(fields) != len(set(names)):
        raise ValueError(f"{model.__name__} has no field among {names}")
    return fields


@lru_cache(maxsize=512)
def _update_statement(model: type[Model], names: tuple[str, ...], vendor: str) -> tuple[str, tuple[Field, ...]]:
    meta = model._meta
    fields = _update_fields(model, names)
    assignments = ", ".join(f"{_quote(f.column)} = %s" for f in fields)
    return f"UPDATE {_quote(meta.db_table)} SET {assignments} WHERE {_quote(meta.pk.column)} = %s", fields  # noqa: S608


def _joined(
    cursor: Any, db: BaseDatabaseWrapper, along: tuple[str, Sequence[Any]] | None, sql: str, values: Sequence[Any]
) -> tuple[str, list[Any]]:
    """``sql`` with ``along`` sent in the same statement: a PostgreSQL ``WITH`` (one statement per
    execute, as server-side binding requires). Elsewhere ``along`` runs here, just before."""
    if along is not None and db.vendor == "postgresql":
        return f"WITH along AS ({along[0]}) {sql}", [*along[1], *values]
    if along is not None:
        cursor.execute(along[0], along[1])
    return sql, list(values)


def insert(obj: M, *, along: tuple[str, Sequence[Any]] | None = None) -> M:
    """Insert a new row for ``obj`` and give it its primary key.

    ``along`` is another data-modifying statement and its parameters, sent in the same round
    trip as a PostgreSQL ``WITH`` (the audit chain head moves with each event). Elsewhere it runs
    just before the insert."""
    return insert_many([obj], along=along)[0]


def insert_many(objs: Sequence[M], *, along: tuple[str, Sequence[Any]] | None = None) -> list[M]:
    """Insert new rows of one model in one statement (a handful: the installments of a plan), and
    give each its primary key. The keys come back in the order of the rows, as ``bulk_create``
    relies on too (SQLite and PostgreSQL return them so for a multi-row VALUES list)."""
    if len(objs) > _BATCH:  # stay far below the databases' limits on parameters per statement
        return insert_many(objs[:_BATCH], along=along) + insert_many(objs[_BATCH:])
    if not objs:
        return []
    model = type(objs[0])
    db = _db()
    sql, fields = _insert_statement(model, len(objs), db.vendor)
    values = [f.get_db_prep_save(f.pre_save(obj, add=True), db) for obj in objs for f in fields]
    with db.cursor() as cursor:
        sql, values = _joined(cursor, db, along, sql, values)
        cursor.execute(sql, values)
        keys = [row[0] for row in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = db.alias
    return list(objs)


def insert_objects(objs: Sequence[M]) -> list[M]:
    """Insert many new rows of one model, as ``insert_many`` does (``pre_save`` and the database's
    types for every field), with keys handed out first (``reserve_ids``) and the rows sent by
    ``insert_values``: for a batch of hundreds or thousands of rows other rows then refer to."""
    if not objs:
        return []
    model = type(objs[0])
    meta = model._meta
    db = _db()
    fields = [f for f in meta.local_concrete_fields if not f.primary_key and not f.generated]
    keys = reserve_ids(model, len(objs))
    values = [
        [key, *(f.get_db_prep_save(f.pre_save(obj, add=True), db) for f in fields)]
        for key, obj in zip(keys, objs, strict=True)
    ]
    insert_values(model, [cast(Field, meta.pk).attname, *(f.attname for f in fields)], values)
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = db.alias
    return list(objs)


def update_statement(obj: Model, fields: Sequence[str]) -> tuple[str, list[Any]]:
    """The statement ``update`` sends, and its parameters, for sending along another (``insert``)."""
    db = _db()
    sql, targets = _update_statement(type(obj), tuple(fields), db.vendor)
    values: list[Any] = [f.get_db_prep_save(f.pre_save(obj, add=False), db) for f in targets]
    values.append(obj.pk)
    return sql, values


def update_many(objs: Sequence[Model], fields: Sequence[str]) -> None:
    """``update`` for many rows of one model (``update_values`` with each row's prepared values)."""
    if not objs:
        return
    db = _db()
    targets = _update_fields(type(objs[0]), tuple(fields))
    update_values(
        type(objs[0]),
        [f.attname for f in targets],
        [[obj.pk, *(f.get_db_prep_save(f.pre_save(obj, add=False), db) for f in targets)] for obj in objs],
    )


def update(obj: Model, fields: Sequence[str], *, along: tuple[str, Sequence[Any]] | None = None) -> None:
    """Write ``fields`` of ``obj`` to its row, as ``save(update_fields=fields)`` does (an
    ``auto_now`` field is set only when it is named, as there). ``along`` as for ``insert``: a
    statement on other rows sent in the same one (a contract and its plan, activated together)."""
    sql, values = update_statement(obj, fields)
    db = _db()
    with db.cursor() as cursor:
        sql, values = _joined(cursor, db, along, sql, values)
        cursor.execute(sql, values)


def delete_where(model: type[Model], field: str, value: Any) -> int:
    """Delete the rows of ``model`` whose ``field`` (a column of the model) equals ``value``, with
    no collector: only for rows nothing refers to yet (the plan of a draft contract), whose
    database foreign keys would refuse the delete otherwise. Returns how many rows went."""
    sql = f"DELETE FROM {_quote(model._meta.db_table)} WHERE {_quote(_field(model, field).column)} = %s"  # noqa: S608
    with _db().cursor() as cursor:
        cursor.execute(sql, [value])
        return int(cursor.rowcount)


def update_where_statement(model: type[Model], field: str, value: Any, **changes: Any) -> tuple[str, list[Any]]:
    """The statement ``update_where`` sends, and its parameters, for sending along another."""
    targets = [_field(model, name) for name in changes]
    assignments = ", ".join(f"{_quote(f.column)} = %s" for f in targets)
    values = [f.get_db_prep_save(v, _db()) for f, v in zip(targets, changes.values(), strict=True)]
    where = _quote(_field(model, field).column)
    sql = f"UPDATE {_quote(model._meta.db_table)} SET {assignments} WHERE {where} = %s"  # noqa: S608
    return sql, [*values, value]


def update_where(model: type[Model], field: str, value: Any, **changes: Any) -> int:
    """Set ``changes`` (field names to plain values) on the rows of ``model`` whose ``field``
    equals ``value``, like ``QuerySet.update`` without compiling it. Returns how many rows."""
    sql, values = update_where_statement(model, field, value, **changes)
    with _db().cursor() as cursor:
        cursor.execute(sql, values)
        return int(cursor.rowcount)


def add_to_totals(
    model: type[Model],
    *,
    columns: Sequence[str],
    unique: Sequence[str],
    total: str,
    deltas: Mapping[tuple[Any, ...], int],
) -> None:
    """Add ``deltas`` to running totals: for each key (the values of ``columns``), its amount is
    added to the ``total`` column of the row with that key, which is made when missing.

    ``INSERT … ON CONFLICT DO UPDATE`` (SQLite and PostgreSQL spell it alike), the keys sent as
    ``insert_values`` sends rows:
    two transactions adding to the same row wait for each other instead of both reading, adding and
    one losing its write, and neither needs to know whether the row exists. ``unique`` names the
    columns of the unique constraint the conflict is on. Keys go in sorted order, so that two
    writers lock shared rows in one order; zero deltas write nothing."""
    items = sorted((key, delta) for key, delta in deltas.items() if delta)
    if not items:
        return
    db = _db()
    fields = [_field(model, name) for name in columns]
    column = _quote(_field(model, total).column)
    table = _quote(model._meta.db_table)
    names = ", ".join([*(_quote(f.column) for f in fields), column])
    conflict = ", ".join(_quote(_field(model, name).column) for name in unique)
    conflict_update = f" ON CONFLICT ({conflict}) DO UPDATE SET {column} = {table}.{column} + excluded.{column}"
    prepared = [
        [*(f.get_db_prep_save(value, db) for f, value in zip(fields, key, strict=True)), int(delta)]
        for key, delta in items
    ]
    # S608: only our own table and column names are formatted in; the values are parameters
    with db.cursor() as cursor:
        if db.vendor == "postgresql":  # the keys as JSON rows, 5,000 to a statement (insert_values)
            sql = f"INSERT INTO {table} ({names}) {_json_select([*fields, _field(model, total)], db)}{conflict_update}"  # noqa: S608
            for chunk in _json_chunks(prepared):
                cursor.execute(sql, [chunk])
        else:  # one statement per key, looped in C with no round trips (insert_values)
            marks = ", ".join(["%s"] * (len(fields) + 1))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}){conflict_update}", prepared)  # noqa: S608


def plain_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values queryset as the driver returns them, without Django's per-row
    conversion: for grouped sums of whole cents and ids over tens of thousands of groups, where
    building a dict and running converters for each row costs more than the query. Integers come
    back as int, except PostgreSQL's SUM of a bigint, which is numeric (a Decimal: ``int()`` it)."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_JSON_ROWS = 5000  # rows per PostgreSQL statement: a few MB of JSON at most


def _json_default(value: Any) -> Any:
    """The JSON spelling of a value json cannot write itself; PostgreSQL reads each back with its
    column type's input function (exact for Decimals)."""
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.date | dt.time):  # datetimes too
        return value.isoformat()
    if isinstance(value, Jsonb):  # a JSONField's value as Django prepares it: the value itself
        return value.obj
    raise TypeError(f"{type(value).__name__} has no JSON spelling for core.rows")


def _cast(field: Field, db: BaseDatabaseWrapper) -> str:
    """The type a value is read as: the column's, without its length or precision, so that a too
    long string or too large amount is refused by the column as in any INSERT, not cut by a cast."""
    kind = re.sub(r"\(.*\)", "", str(field.db_type(db))).strip()
    return "text" if kind == "varchar" else kind


def _json_select(fields: Sequence[Field], db: BaseDatabaseWrapper) -> str:
    """A SELECT of one JSON parameter's rows (lists of values, in the order of ``fields``) as
    typed columns ``_c0``, ``_c1``, …: the rows of a write sent as one parameter, which Python's
    json writes in C (psycopg's arrays dump element by element in Python, slower than the
    database takes to store the rows)."""
    columns = ", ".join(
        f"(_r->{i})::jsonb AS _c{i}" if _cast(f, db) == "jsonb" else f"(_r->>{i})::{_cast(f, db)} AS _c{i}"
        for i, f in enumerate(fields)
    )
    return f"SELECT {columns} FROM json_array_elements(%s::json) AS _r"  # noqa: S608 - our column types


def _json_chunks(rows: Sequence[Sequence[Any]]) -> Iterator[str]:
    for start in range(0, len(rows), _JSON_ROWS):
        yield json.dumps(rows[start : start + _JSON_ROWS], default=_json_default, separators=(",", ":"))


def insert_values(model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Insert many new rows of one model from plain values (ints, strings, dates, Decimals, in the
    order of ``names``), without making model instances or returning keys: for the bulk writes of
    a run (a million rows), where building an instance per row costs more than the database takes
    to store it. The caller passes values as the columns hold them (no ``pre_save``, no defaults
    filled in); it may name the primary key, with keys from ``reserve_ids``.

    SQLite gets one single-row statement per row (``executemany``: it loops in C, with no round
    trips). PostgreSQL gets one statement per 5,000 rows, the rows one JSON parameter
    (``INSERT … SELECT FROM json_array_elements``): a statement per row costs a round trip's worth
    of work on each side, and a long multi-row ``VALUES`` list costs psycopg seconds to split into
    its parameters. Returns the number of rows."""
    if not rows:
        return 0
    db = _db()
    meta = model._meta
    fields = [_field(model, name) for name in names]
    columns = ", ".join(_quote(f.column) for f in fields)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # S608: only our own table and column names are formatted in; the values are parameters
            sql = f"INSERT INTO {_quote(meta.db_table)} ({columns}) {_json_select(fields, db)}"  # noqa: S608
            for chunk in _json_chunks(rows):
                cursor.execute(sql, [chunk])
        else:
            marks = ", ".join(["%s"] * len(names))
            sql = f"INSERT INTO {_quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, rows)
    return len(rows)


def update_values(model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Set the columns ``names`` of many rows of one model from plain values: each row is its
    primary key followed by the values, in the order of ``names``, as the columns hold them (no
    ``pre_save``: an ``auto_now`` field changes only when named and given). A key appears at most
    once. SQLite gets one statement per row (``executemany``); PostgreSQL one per 5,000 rows, the
    rows as JSON (``UPDATE … FROM json_array_elements``), as ``insert_values`` explains. Returns the number
    of rows given."""
    if not rows:
        return 0
    db = _db()
    meta = model._meta
    pk = cast(Field, meta.pk)
    fields = [_field(model, name) for name in names]
    table = _quote(meta.db_table)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            assignments = ", ".join(f"{_quote(f.column)} = _new._c{i + 1}" for i, f in enumerate(fields))
            sql = (
                f"UPDATE {table} SET {assignments} FROM ({_json_select([pk, *fields], db)}) AS _new"  # noqa: S608
                f" WHERE {table}.{_quote(pk.column)} = _new._c0"
            )
            for chunk in _json_chunks(rows):
                cursor.execute(sql, [chunk])
        else:
            assignments = ", ".join(f"{_quote(f.column)} = %s" for f in fields)
            sql = f"UPDATE {table} SET {assignments} WHERE {_quote(pk.column)} = %s"  # noqa: S608
            cursor.executemany(sql, [[*row[1:], row[0]] for row in rows])
    return len(rows)


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """Primary keys for ``count`` new rows of ``model``, handed out now and never again, in
    ascending order: rows written by ``insert_values`` that other rows (or audit events) refer to
    need their keys before they are written. Call it inside the transaction that inserts them: on
    SQLite the reservation is a change of ``sqlite_sequence`` under the transaction's write lock
    (our tables are AUTOINCREMENT, so no key is ever reused), on PostgreSQL the values are drawn
    from the table's sequence."""
    if count <= 0:
        return []
    db = _db()
    meta = model._meta
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [_quote(meta.db_table), cast(Field, meta.pk).column, count],
            )
            return sorted(int(row[0]) for row in cursor.fetchall())
        if not db.in_atomic_block:
            raise RuntimeError("reserve_ids needs the transaction that inserts the rows")
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        found = cursor.fetchone()
        cursor.execute(f"SELECT MAX({_quote(cast(Field, meta.pk).column)}) FROM {_quote(meta.db_table)}")  # noqa: S608
        highest = cursor.fetchone()[0] or 0
        last = max(int(found[0]) if found else 0, int(highest))
        if found:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last + count, meta.db_table])
        else:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [meta.db_table, last + count])
        return list(range(last + 1, last + count + 1))
