"""Benchmark of the as-of figures (aging, open total, customer balance) on SQLite and PostgreSQL.

    .venv/bin/python bench/run.py                       # 1,000,000 installments, both databases
    .venv/bin/python bench/run.py --installments 50000  # a quick run

For each database the bench loads N installments with the bulk demo loader into a fresh database
(SQLite: var/bench/huikuan_bench.sqlite3; PostgreSQL: database huikuan_bench on 127.0.0.1:5432,
user postgres, dropped and created here), analyzes it, then times every query several times after
one warm-up run, and checks that the aging total equals the open total for the same date, to the
cent. Each database runs in its own process, because Django reads DATABASE_URL once. Results go
to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
# BENCH_DB names the bench databases, so that several checkouts can bench on one server
PG_DATABASE = os.environ.get("BENCH_DB", "huikuan_bench")
SQLITE_PATH = ROOT / "var" / "bench" / f"{PG_DATABASE}.sqlite3"
LISTS_MARKER = "## HTTP lists"
PAST_DAYS = (30, 180, 365, 540)
TARGETS = "aging by customer over 1,000,000 installments: ≈0.3 s as of today, < 1 s as of any past date"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--installments", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query (after one warm-up)")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument(
        "--book",
        default="large",
        help="the generated book's shape: large (50 customers per "
        "1,000 installments, 40 %% open; issue 13) or default (5 per 1,000, 26 %% open)",
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"), help="'-' for none")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="time the databases a --keep run (or bench/lists.py) left; no load"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    results = []
    for database in args.databases.split(","):
        database = database.strip()
        url = reused_database(database) if args.reuse else prepare_database(database)
        command = [sys.executable, __file__, "--worker", database, "--installments", str(args.installments)]
        command += ["--repeat", str(args.repeat), "--seed", str(args.seed), "--book", args.book]
        command += ["--reuse"] if args.reuse else []
        print(f"== {database}: {'reusing' if args.reuse else 'loading'} {args.installments:,} installments", flush=True)
        result = run_worker(command, url)
        results.append(result)
        print_result(result)
        if not args.keep and not args.reuse:
            drop_database(database)
    if args.output != "-":
        output = Path(args.output)
        # keep the section bench/lists.py writes
        kept = output.read_text().partition(LISTS_MARKER) if output.exists() else ("", "", "")
        output.write_text(markdown(results, args) + (f"\n{LISTS_MARKER}{kept[2]}" if kept[1] else ""))
        print(f"written {args.output}")


def run_worker(command: list[str], url: str) -> dict[str, Any]:
    """Run a bench worker process on the database at ``url`` (Django reads DATABASE_URL once per
    process, so each database gets its own) and return the JSON it printed last."""
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    sys.stderr.write(output.stderr)
    return json.loads(output.stdout.strip().splitlines()[-1])


def sqlite_path(name: str = PG_DATABASE) -> Path:
    return ROOT / "var" / "bench" / f"{name}.sqlite3"


def prepare_database(database: str, name: str = PG_DATABASE) -> str:
    """A fresh, empty bench database named ``name`` (SQLite file or PostgreSQL database); its URL."""
    if database == "sqlite":
        path = sqlite_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        drop_database(database, name)
        return f"sqlite:///{path}"
    if database == "postgres":
        drop_database(database, name)
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"{PG_SERVER}/{name}"
    raise SystemExit(f"unknown database {database!r}: use sqlite or postgres")


def reused_database(database: str, name: str = PG_DATABASE) -> str:
    """The URL of a bench database an earlier run left."""
    if database == "sqlite":
        if not sqlite_path(name).exists():
            raise SystemExit(f"no {sqlite_path(name)} to reuse: run `make bench KEEP=1` first")
        return f"sqlite:///{sqlite_path(name)}"
    if database == "postgres":
        return f"{PG_SERVER}/{name}"
    raise SystemExit(f"unknown database {database!r}: use sqlite or postgres")


def drop_database(database: str, name: str = PG_DATABASE) -> None:
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path(name)}{suffix}").unlink(missing_ok=True)


def timed(function: Callable[[], Any], repeat: int) -> tuple[Any, list[float]]:
    result = function()  # warm-up: caches and connection, not counted
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return result, times


def worker(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count

    from huikuan.contracts.models import Installment
    from huikuan.core.dates import today
    from huikuan.demo import company as demo_company
    from huikuan.demo.bulk import BOOKS, bulk_load
    from huikuan.receivables import figures

    call_command("migrate", verbosity=0)
    load_seconds: float | None = None
    analyze_seconds: float | None = None
    if args.reuse:
        company, finance, counts = _reused(args)
    else:
        started = time.perf_counter()
        with transaction.atomic():
            company = demo_company.create_company()
            staff = demo_company.create_staff(company)
            demo_company.create_terms(company, staff.finance)
        finance = staff.finance
        counts = bulk_load(company=company, installments=args.installments, seed=args.seed, shape=BOOKS[args.book])
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # What autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) would do soon after a load.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        analyze_seconds = time.perf_counter() - started

    installments = Installment.objects.filter(company=company)
    biggest = (
        installments.values("customer_id").annotate(n=Count("pk")).order_by("-n", "customer_id").first()["customer_id"]
    )
    now = today()
    dates = [now] + [now - dt.timedelta(days=days) for days in PAST_DAYS]
    rows = []

    def add(query: str, as_of: dt.date, function: Callable[[], Any]) -> Any:
        value, times = timed(function, args.repeat)
        rows.append(
            {
                "query": query,
                "as_of": str(as_of) + (" (today)" if as_of == now else f" (−{(now - as_of).days} d)"),
                "median": statistics.median(times),
                "best": min(times),
            }
        )
        return value

    checks = []
    for as_of in dates:
        aging = add("aging_by_customer", as_of, lambda as_of=as_of: figures.aging_by_customer(installments, as_of))
        total = add("open_total", as_of, lambda as_of=as_of: figures.open_total(installments, as_of))
        aging_total = sum((row.total for row in aging), figures.ZERO)
        checks.append({"as_of": str(as_of), "aging_total": str(aging_total), "open_total": str(total),
                       "equal": aging_total == total, "customers": len(aging)})  # fmt: skip
    for as_of in (now, dates[2]):
        add("customer_balance (largest customer)", as_of, lambda as_of=as_of: figures.customer_balance(biggest, as_of))
    open_today = installments.filter(open_amount__gt=0, booked_on__isnull=False).count()
    reports = time_reports(args, company, finance, biggest)
    return {
        "database": connection.vendor,
        "server": _server_version(connection),
        "installments": counts["installments"],
        "counts": counts,
        "open_today": open_today,
        "load_seconds": load_seconds,
        "analyze_seconds": analyze_seconds,
        "rows": rows,
        "checks": checks,
        "reports": reports,
    }


def time_reports(args: argparse.Namespace, company: Any, user: Any, biggest: int) -> list[dict[str, Any]]:
    """Issue 13's reports as the finance manager (whole company) reads them, each beside its
    target; the aging also beside hand-written SQL for the same figures (the floor)."""
    from huikuan.core.dates import month_start, today
    from huikuan.customers.models import Customer
    from huikuan.receivables.dashboard import dashboards
    from huikuan.reports.aging import aging_report, label_lines
    from huikuan.reports.arrears import arrears_ranking, describe
    from huikuan.reports.kpis import kpis, trend
    from huikuan.reports.statement import customer_statement

    now = today()
    past = now - dt.timedelta(days=180)
    found: list[dict[str, Any]] = []

    def add(name: str, as_of: dt.date, target: float | None, function: Callable[[], Any]) -> Any:
        value, times = timed(function, args.repeat)
        label = str(as_of) + (" (today)" if as_of == now else f" (−{(now - as_of).days} d)")
        found.append({"report": name, "as_of": label, "median": statistics.median(times), "best": min(times),
                      "target": target})  # fmt: skip
        return value

    floors = {}
    for as_of in (now, past):
        floors[as_of] = add("aging, hand-written SQL (the floor)", as_of, None, lambda d=as_of: sql_aging(company, d))
        report = add("aging report by customer", as_of, None, lambda d=as_of: aging_report(user=user, as_of=d))
        total = sum((line.total for line in report.lines), figures_zero())
        if total != floors[as_of]:
            raise SystemExit(f"aging {total} differs from the hand-written SQL {floors[as_of]} on {as_of}")
        found[-1]["target"] = "≤ 1.5× the floor" if as_of == now else 1.0
    add("aging by owner", now, 2.0, lambda: aging_report(user=user, as_of=now, grouping="owner"))
    add("aging by contract, first page named", now, 2.0,
        lambda: label_lines(aging_report(user=user, as_of=now, grouping="contract").lines[:100],
                            "contract"))  # fmt: skip
    customer = Customer.objects.get(pk=biggest)
    year_ago = now - dt.timedelta(days=365)
    add("statement of the largest customer, 12 months", now, 2.0,
        lambda: customer_statement(customer=customer, currency="CNY", start=year_ago, end=now))  # fmt: skip
    add("dashboard figures", now, 2.0, lambda: dashboards(user=user, as_of=now))
    add("customer arrears, first page", now, 2.0,
        lambda: describe(arrears_ranking(user=user, as_of=now)[0][:100], as_of=now))  # fmt: skip
    last_month_end = month_start(now) - dt.timedelta(days=1)
    add("KPIs of last month", last_month_end, 2.0,
        lambda: kpis(user=user, start=month_start(last_month_end), end=last_month_end, currency="CNY"))  # fmt: skip
    add("KPI trend, 12 months", now, 2.0, lambda: trend(user=user, end=now, currency="CNY"))
    try:
        from huikuan.reports.plan import plan_vs_actual
    except ImportError:  # an older checkout
        pass
    else:
        year = month_start(now, now.month - 1)
        add("plan vs actual by month, a year, by owner", now, 2.0,
            lambda: plan_vs_actual(user=user, first_month=year, last_month=month_start(now, now.month - 12),
                                   period="month", grouping="owner"))  # fmt: skip
    try:
        from huikuan.reports.forecast import cash_forecast, past_weeks
    except ImportError:
        pass
    else:
        # the page and the API's past_weeks=false: the past weeks are their own request, timed next
        add("cash forecast, 13 weeks and 12 months", now, 2.0,
            lambda: cash_forecast(user=user, as_of=now, with_past_weeks=False))  # fmt: skip
        add("cash forecast: the 13 past weeks beside receipts", now, 2.0, lambda: past_weeks(user=user, as_of=now))
    for row in found:
        if row["report"] == "aging report by customer":
            floor = next(r for r in found if r["as_of"] == row["as_of"] and r["report"].startswith("aging, hand"))
            row["ratio"] = row["median"] / floor["median"]
    return found


def figures_zero() -> Any:
    from huikuan.core.money import ZERO

    return ZERO


def _reused(args: argparse.Namespace) -> tuple[Any, Any, dict[str, int]]:
    """The company, its finance manager and the row counts of a database an earlier run loaded."""
    from huikuan.accounts.models import Company, User
    from huikuan.accounts.roles import Role
    from huikuan.contracts.models import Contract, Installment
    from huikuan.customers.models import Customer
    from huikuan.receivables.models import Adjustment, Allocation, Receipt

    company = Company.objects.order_by("pk").first()
    if company is None:
        raise SystemExit("the bench database is empty: run `make bench KEEP=1` first")
    finance = User.objects.filter(company=company, role=Role.FINANCE_MANAGER).order_by("pk").first()
    models = {"customers": Customer, "contracts": Contract, "installments": Installment, "receipts": Receipt,
              "allocations": Allocation, "adjustments": Adjustment}  # fmt: skip
    counts = {name: model.objects.filter(company=company).count() for name, model in models.items()}
    if counts["installments"] != args.installments:
        raise SystemExit(f"the bench database holds {counts['installments']:,} installments, not {args.installments:,}")
    return company, finance, counts


def sql_aging(company: Any, as_of: dt.date) -> Any:
    """The aging by customer in buckets, as one would write it by hand: as of today from the open
    amounts; as of a past date each booked installment less what was allocated and adjusted by
    then. Returns the total, to check the product's figures against."""
    from decimal import Decimal

    from django.db import connection

    from huikuan.contracts.models import Installment
    from huikuan.receivables.figures import DEFAULT_BUCKETS
    from huikuan.receivables.models import Adjustment, Allocation

    bounds = [as_of - dt.timedelta(days=days) for days in DEFAULT_BUCKETS]
    installments = Installment._meta.db_table

    def cents(column: str) -> str:
        # SQLite keeps decimals as binary floats: summed as such a million amounts drift by cents
        return f"CAST(ROUND({column} * 100) AS INTEGER)" if connection.vendor == "sqlite" else f"({column} * 100)"

    if as_of >= dt.date.today():  # noqa: DTZ011
        amount, source, params = cents("i.open_amount"), f"{installments} i", []
        where = "i.company_id = %s AND i.open_amount > 0 AND i.booked_on <= %s"
    else:
        in_effect = "effective_on <= %s AND (reversed_on IS NULL OR reversed_on > %s)"
        amount = f"({cents('i.amount')} - COALESCE(a.total, 0) - COALESCE(j.total, 0))"
        allocations, adjustments = Allocation._meta.db_table, Adjustment._meta.db_table
        source = (  # table names and fixed text, no input
            f"{installments} i"  # noqa: S608
            f" LEFT JOIN (SELECT installment_id, SUM({cents('amount')}) AS total FROM {allocations}"
            f" WHERE {in_effect} GROUP BY installment_id) a ON a.installment_id = i.id"
            f" LEFT JOIN (SELECT installment_id, SUM({cents('amount')}) AS total FROM {adjustments}"
            f" WHERE {in_effect} GROUP BY installment_id) j ON j.installment_id = i.id"
        )
        params = [as_of, as_of, as_of, as_of]
        where = "i.company_id = %s AND i.booked_on <= %s"
    columns = [f"SUM(CASE WHEN i.due_date IS NULL OR i.due_date >= %s THEN {amount} ELSE 0 END)"]
    column_params: list[Any] = [as_of]
    lower = as_of
    for upper in bounds:
        columns.append(f"SUM(CASE WHEN i.due_date < %s AND i.due_date >= %s THEN {amount} ELSE 0 END)")
        column_params += [lower, upper]
        lower = upper
    columns.append(f"SUM(CASE WHEN i.due_date < %s THEN {amount} ELSE 0 END)")
    column_params.append(lower)
    sql = f"SELECT i.customer_id, {', '.join(columns)} FROM {source} WHERE {where} GROUP BY i.customer_id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*column_params, *params, company.pk, as_of])
        rows = cursor.fetchall()
    total = sum((Decimal(str(value or 0)) for row in rows for value in row[1:]), Decimal(0))
    return (total / 100).quantize(Decimal("0.01"))


def _server_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def _target(row: dict[str, Any]) -> str:
    target = row.get("target")
    if target is None:
        return ""
    if isinstance(target, str):
        return f"{target} ({row['ratio']:.2f}×)" if "ratio" in row else target
    return f"≤ {target:g} s"


def _met(row: dict[str, Any]) -> str:
    target = row.get("target")
    if target is None:
        return ""
    if isinstance(target, str):
        return "yes" if row.get("ratio", 99) <= 1.5 else "**no**"
    return "yes" if row["median"] <= target else "**no**"


def _loaded(result: dict[str, Any]) -> str:
    if result["load_seconds"] is None:
        return f"{result['installments']:,} installments loaded by an earlier run (--reuse), not timed here"
    return (
        f"bulk load of {result['installments']:,} installments {result['load_seconds']:.0f} s "
        f"(+ {result['analyze_seconds']:.0f} s ANALYZE)"
    )


def print_result(result: dict[str, Any]) -> None:
    print(f"   {result['server']}: {_loaded(result)}; open today: {result['open_today']:,}")
    for row in result["rows"]:
        print(f"   {row['query']:<38} {row['as_of']:<22} median {row['median']:.3f} s  best {row['best']:.3f} s")
    for row in result.get("reports", []):
        print(f"   {row['report']:<50} {row['as_of']:<22} median {row['median']:.3f} s  {_target(row)} {_met(row)}")
    for check in result["checks"]:
        mark = "ok" if check["equal"] else "MISMATCH"
        print(
            f"   check {check['as_of']}: aging total {check['aging_total']} = open total {check['open_total']} {mark}"
        )


def markdown(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "# Benchmark: as-of figures and reports",
        "",
        f"Run on {dt.date.today()} with `bench/run.py --installments {args.installments} --repeat {args.repeat}` "  # noqa: DTZ011
        f"on {platform.machine()} with {os.cpu_count()} cores (nproc), Python {platform.python_version()}.",
        f"Target from the product plan: {TARGETS}.",
        "",
        "| database | N | query | as_of | median s | best s |",
        "|---|---:|---|---|---:|---:|",
    ]
    for result in results:
        for row in result["rows"]:
            lines.append(f"| {result['server']} | {result['installments']:,} | {row['query']} | {row['as_of']} "
                         f"| {row['median']:.3f} | {row['best']:.3f} |")  # fmt: skip
    lines += [
        "",
        "## Reports (issue 13)",
        "",
        "As the finance manager (the whole company) reads them. Targets: aging as of today ≤ 1.5× the "
        "hand-written SQL, as of a past date ≤ 1 s; every other report ≤ 2 s.",
        "",
        "| database | report | as_of | median s | best s | target | met |",
        "|---|---|---|---:|---:|---|---|",
    ]
    for result in results:
        for row in result.get("reports", []):
            lines.append(f"| {result['server']} | {row['report']} | {row['as_of']} | {row['median']:.3f} "
                         f"| {row['best']:.3f} | {_target(row)} | {_met(row)} |")  # fmt: skip
    lines += ["", "## Loads and checks", ""]
    for result in results:
        counts = ", ".join(f"{name} {count:,}" for name, count in result["counts"].items())
        lines.append(f"- {result['server']}: {_loaded(result)}: {counts}; open today {result['open_today']:,} "
                     f"({result['open_today'] / result['installments']:.0%} of installments).")  # fmt: skip
        for check in result["checks"]:
            verdict = "equal" if check["equal"] else "**DIFFERENT**"
            lines.append(f"  - as of {check['as_of']}: aging total {check['aging_total']}, open_total "
                         f"{check['open_total']}: {verdict} ({check['customers']:,} customers)")  # fmt: skip
    lines += ["", "## Notes", "", NOTES.strip(), ""]
    return "\n".join(lines)


NOTES = """
Other benchmarks, each with its own table: bench/PAGES.md (the pages), bench/DUNNING.md (the daily
dunning run), bench/BANK.md (bank statement import and automatic matching, with the engine's precision).
What the report timings mean, and what limits those over their targets: bench/REPORTS.md (by hand).
Timings are wall-clock seconds of the Python call (query and Decimal conversion included), the best
and the median of the timed runs after one warm-up run, on a machine shared with other work.
Each database is analyzed after the load (PostgreSQL: VACUUM ANALYZE, which also sets the
visibility map that index-only scans need). PostgreSQL runs with JIT off, as Huikuan's settings
set it for every connection: at this size JIT compiling cost more than the aggregates it sped up
(0.3 s of compiling for a 60 ms query).
How the figures stay fast is in huikuan/receivables/DESIGN.md: today's aging reads one covering
partial index of open installments in customer order; a past date adds the installments settled
since, and sums dated rows only for those a payment or adjustment had touched by then.
"""

if __name__ == "__main__":
    main()
