"""The floor of the bank benchmark's writes: hand-written SQL writing, on a copy of the database taken
before the run, exactly the rows the product's run wrote (bench/bank.py).

The product's figures then read side by side with the least the schema allows for the same work:
the statement's lines stored, and the receipts, allocations, audit events and month totals inserted,
and the installments, contracts, month totals and lines updated, as the run left them. Nothing is
decided here (no parsing, no matching, no rule checked, no hash computed): the rows are copied from
what the run wrote, with the fastest plain statements each database has (SQLite: ``executemany``
of one prepared statement; PostgreSQL: ``COPY``, and ``UPDATE … FROM`` a table filled by ``COPY``).

The writes are cut into one transaction per 1,000 lines applied (the run's sure matches take at least
as many), each table's rows in the order the run wrote them and split evenly, rows that refer to a
receipt in the receipt's transaction; and, for comparison, all in one transaction."""

from __future__ import annotations

import math
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from run import PG_SERVER, drop_database  # bench/run.py: the database plumbing

# the tables the matching writes and the rows it may have written there (cheap to find, compared
# column by column with the copy taken before it); the audit chain head and the number series are
# one row each and left out
INSERTED = ("receivables_receipt", "receivables_allocation", "audit_auditevent", "receivables_collectedmonth")


@dataclass
class Rows:
    columns: list[str]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class Written:
    imported: dict[str, Rows] = field(default_factory=dict)  # the statement and its lines, as stored
    inserted: dict[str, Rows] = field(default_factory=dict)
    updated: dict[str, Rows] = field(default_factory=dict)  # changed columns, then the id


class Copies:
    """Copies of the bench database taken before the timed run, one per replay."""

    def __init__(self, vendor: str, url: str, names: list[str]) -> None:
        self.vendor, self.url, self.names = vendor, url, names

    @classmethod
    def take(cls, connection: Any, names: list[str]) -> Copies:
        """Copy the database of Django's ``connection`` (closed for it, reopened after)."""
        vendor = connection.vendor
        if vendor == "sqlite":
            source = Path(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            for name in names:
                shutil.copyfile(source, source.with_name(f"{name}.sqlite3"))
            return cls(vendor, str(source), names)
        database = connection.settings_dict["NAME"]
        connection.close()
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{database}"')
        return cls(vendor, database, names)

    def connect(self, name: str | None = None) -> Any:
        """A plain driver connection to the copy ``name``, or to the bench database itself (values as
        the driver returns them, with none of Django's conversions, on both sides of a comparison)."""
        if self.vendor == "sqlite":
            import sqlite3

            path = Path(self.url).with_name(f"{name}.sqlite3") if name else Path(self.url)
            raw = sqlite3.connect(path, isolation_level=None)
            # as the product's connections are set up (huikuan/settings.py)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-65536"):
                raw.execute(f"PRAGMA {pragma}")
            return raw
        return psycopg.connect(f"{PG_SERVER}/{name or self.url}", autocommit=True)

    def drop(self) -> None:
        for name in self.names:
            drop_database("postgres" if self.vendor == "postgresql" else "sqlite", name)


def select(cursor: Any, vendor: str, table: str, columns: list[str], where: str, params: list[Any]) -> list[tuple]:
    # PostgreSQL values as text (COPY takes them back unchanged whatever the column's type), but for
    # the key, compared and looked up as a number
    listed = ", ".join(f'"{c}"::text' if vendor == "postgresql" and c != "id" else f'"{c}"' for c in columns)
    mark = "%s" if vendor == "postgresql" else "?"
    cursor.execute(f'SELECT {listed} FROM "{table}" WHERE {where.replace("%s", mark)} ORDER BY id', params)  # noqa: S608
    return list(cursor.fetchall())


def columns_of(cursor: Any, vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [row[1] for row in cursor.execute(f'PRAGMA table_info("{table}")')]
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position", [table]
    )
    return [row[0] for row in cursor.fetchall()]


def marks(cursor: Any) -> dict[str, int]:
    """The last id of each table the run inserts into, before it (Django cursor)."""
    found = {}
    for table in INSERTED:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
        found[table] = int(cursor.fetchone()[0])
    return found


def _in_chunks(cursor: Any, vendor: str, table: str, columns: list[str], ids: list[int]) -> list[tuple]:
    found: list[tuple] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found += select(cursor, vendor, table, columns, f"id IN ({', '.join(['%s'] * len(chunk))})", chunk)
    return found


def _changed(product: Any, before: Any, vendor: str, table: str, ids: list[int]) -> Rows:
    """The rows of ``ids`` the run changed: the columns that changed in any of them, then the id, in
    the order of ``ids``."""
    columns = columns_of(before, vendor, table)
    after = {row[0]: row for row in _in_chunks(product, vendor, table, columns, ids)}
    old = {row[0]: row for row in _in_chunks(before, vendor, table, columns, ids)}
    differ = [pk for pk in ids if pk in old and old[pk] != after[pk]]
    changed = [i for i, _c in enumerate(columns) if i and any(old[pk][i] != after[pk][i] for pk in differ)]
    return Rows([columns[i] for i in changed], [(*(after[pk][i] for i in changed), pk) for pk in differ])


def written(copies: Copies, before: dict[str, int], statement_id: int) -> Written:
    """What the run wrote, read from the bench database and compared with a copy taken before."""
    vendor = copies.vendor
    raw, product = copies.connect(copies.names[0]), copies.connect()
    before_cursor, product_cursor = raw.cursor(), product.cursor()
    out = Written()
    for table, where in (("bank_bankstatement", "id = %s"), ("bank_bankline", "statement_id = %s")):
        columns = columns_of(before_cursor, vendor, table)
        out.imported[table] = Rows(columns, select(product_cursor, vendor, table, columns, where, [statement_id]))
    for table in INSERTED:
        columns = columns_of(before_cursor, vendor, table)
        out.inserted[table] = Rows(columns, select(product_cursor, vendor, table, columns, "id > %s", [before[table]]))
    allocations = out.inserted["receivables_allocation"]
    installment_ids = list(dict.fromkeys(int(r[allocations.columns.index("installment_id")]) for r in allocations.rows))
    out.updated["contracts_installment"] = _changed(
        product_cursor, before_cursor, vendor, "contracts_installment", installment_ids
    )
    contract_rows = _in_chunks(product_cursor, vendor, "contracts_installment", ["id", "contract_id"], installment_ids)
    contract_ids = list(dict.fromkeys(int(row[1]) for row in contract_rows))
    out.updated["contracts_contract"] = _changed(
        product_cursor, before_cursor, vendor, "contracts_contract", contract_ids
    )
    receipts = out.inserted["receivables_receipt"]
    customers = sorted({int(r[receipts.columns.index("customer_id")]) for r in receipts.rows})
    month_ids = [
        int(row[0])
        for start in range(0, len(customers), 500)
        for row in select(
            product_cursor,
            vendor,
            "receivables_collectedmonth",
            ["id"],
            f"id <= %s AND customer_id IN ({', '.join(['%s'] * len(customers[start : start + 500]))})",
            [before["receivables_collectedmonth"], *customers[start : start + 500]],
        )
    ]
    out.updated["receivables_collectedmonth"] = _changed(
        product_cursor, before_cursor, vendor, "receivables_collectedmonth", month_ids
    )
    raw.close()
    product.close()
    return out


def as_imported(out: Written, imported_lines: list[tuple]) -> None:
    """The lines as the import stored them (read right after it), and their changes by the matching
    as updates."""
    after = out.imported["bank_bankline"]
    before = {row[0]: row for row in imported_lines}
    changed = [i for i in range(1, len(after.columns)) if any(before[r[0]][i] != r[i] for r in after.rows)]
    out.updated["bank_bankline"] = Rows(
        [after.columns[i] for i in changed], [(*(r[i] for i in changed), r[0]) for r in after.rows]
    )
    out.imported["bank_bankline"] = Rows(after.columns, imported_lines)


def _insert(raw: Any, vendor: str, table: str, rows: Rows) -> None:
    if not rows.rows:
        return
    columns = ", ".join(f'"{c}"' for c in rows.columns)
    if vendor == "sqlite":
        marks_ = ", ".join(["?"] * len(rows.columns))
        raw.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks_})', rows.rows)  # noqa: S608
        return
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for row in rows.rows:
            copy.write_row(row)


def _update(raw: Any, vendor: str, table: str, rows: Rows) -> None:
    if not rows.rows:
        return
    if vendor == "sqlite":
        assignments = ", ".join(f'"{c}" = ?' for c in rows.columns)
        raw.executemany(f'UPDATE "{table}" SET {assignments} WHERE id = ?', rows.rows)  # noqa: S608
        return
    columns = ", ".join(f'"{c}"' for c in rows.columns)
    with raw.cursor() as cursor:
        cursor.execute(f'CREATE TEMP TABLE changed AS SELECT {columns}, id FROM "{table}" LIMIT 0')  # noqa: S608
        with cursor.copy(f"COPY changed ({columns}, id) FROM STDIN") as copy:
            for row in rows.rows:
                copy.write_row(row)
        assignments = ", ".join(f'"{c}" = changed."{c}"' for c in rows.columns)
        cursor.execute(f'UPDATE "{table}" SET {assignments} FROM changed WHERE "{table}".id = changed.id')  # noqa: S608
        cursor.execute("DROP TABLE changed")


def _split(rows: Rows, parts: int, part_of: dict[Any, int] | None = None, column: str = "") -> list[Rows]:
    """``rows`` in ``parts`` transactions: evenly in order, or, for rows that refer to a receipt,
    in the transaction that inserts the receipt (its key is checked at the commit)."""
    out = [Rows(rows.columns) for _ in range(parts)]
    size = math.ceil(len(rows.rows) / parts) or 1
    at = rows.columns.index(column) if column in rows.columns else None
    for index, row in enumerate(rows.rows):
        target = index // size
        if part_of is not None and at is not None and row[at] is not None:
            target = part_of[int(row[at])]
        out[target].rows.append(row)
    return out


def _plan(out: Written, parts: int) -> list[list[tuple[str, str, Rows]]]:
    """The writes of each transaction: (insert or update, table, rows)."""
    receipts = out.inserted["receivables_receipt"]
    split_receipts = _split(receipts, parts)
    part_of = {row[0]: index for index, part in enumerate(split_receipts) for row in part.rows}
    plan: list[list[tuple[str, str, Rows]]] = [[] for _ in range(parts)]
    for table, rows in out.inserted.items():
        split = split_receipts if table == "receivables_receipt" else _split(rows, parts, part_of, "receipt_id")
        for index in range(parts):
            plan[index].append(("insert", table, split[index]))
    for table, rows in out.updated.items():
        split = _split(rows, parts, part_of, "receipt_id")
        for index in range(parts):
            plan[index].append(("update", table, split[index]))
    return plan


def replay(copies: Copies, name: str, out: Written, transactions: int) -> dict[str, float]:
    """Write ``out`` on the copy ``name``: the import in one transaction, then the rest in
    ``transactions`` transactions. Seconds of each."""
    vendor = copies.vendor
    raw = copies.connect(name)
    begin = "BEGIN IMMEDIATE" if vendor == "sqlite" else "BEGIN"
    started = time.perf_counter()
    raw.execute(begin)
    for table, rows in out.imported.items():
        _insert(raw, vendor, table, rows)
    raw.execute("COMMIT")
    imported = time.perf_counter()
    for writes in _plan(out, transactions):
        raw.execute(begin)
        for kind, table, rows in writes:
            (_insert if kind == "insert" else _update)(raw, vendor, table, rows)
        raw.execute("COMMIT")
    done = time.perf_counter()
    raw.close()
    return {"import": round(imported - started, 2), "writes": round(done - imported, 2)}


def check(copies: Copies, name: str, out: Written) -> None:
    """Refuse a replay that did not leave the copy as the run left the bench database: every updated
    row read back, every inserted table counted."""
    vendor = copies.vendor
    raw = copies.connect(name)
    cursor = raw.cursor()
    try:
        for table, rows in out.updated.items():
            found = _in_chunks(cursor, vendor, table, ["id", *rows.columns], [row[-1] for row in rows.rows])
            if sorted((row[0], *row[1:]) for row in found) != sorted((row[-1], *row[:-1]) for row in rows.rows):
                raise AssertionError(f"{table}: the replay left other values than the run")
        for table, rows in {**out.imported, **out.inserted}.items():
            ids = [row[0] for row in rows.rows]
            if ids and len(_in_chunks(cursor, vendor, table, ["id"], ids)) != len(ids):
                raise AssertionError(f"{table}: the replay inserted other rows than the run")
    finally:
        raw.close()


def counts(out: Written) -> dict[str, int]:
    return {
        **{f"inserted {t}": len(r.rows) for t, r in {**out.imported, **out.inserted}.items()},
        **{f"updated {t}": len(r.rows) for t, r in out.updated.items()},
    }


def lines_of(copies: Copies, statement_id: int) -> list[tuple]:
    """A statement's lines as they stand in the bench database."""
    vendor = copies.vendor
    raw = copies.connect()
    try:
        cursor = raw.cursor()
        return select(
            cursor,
            vendor,
            "bank_bankline",
            columns_of(cursor, vendor, "bank_bankline"),
            "statement_id = %s",
            [statement_id],
        )
    finally:
        raw.close()
