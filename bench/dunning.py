"""Benchmark of the daily dunning run on SQLite and PostgreSQL (issue 14).

    .venv/bin/python bench/dunning.py                       # 1,000,000 installments, both databases
    .venv/bin/python bench/dunning.py --installments 100000 # a quick run
    .venv/bin/python bench/dunning.py --reuse               # the databases `make bench KEEP=1` kept

Each database gets the large generated book (bench/run.py's loader: 50,000 customers for a million
installments) with more bad payers, so that about a quarter of the installments are overdue, and
the demo's ladder of seven steps as the default policy (working days only). Then, on that database:

- the hand-written floor: one INSERT … SELECT that records every step due today for every open
  installment (no working days, pauses, disputes, promises, messages, tasks or fees), rolled back;
- the first run as of today, which catches up every step the book ever had due (the run a company
  makes when it starts dunning an old book);
- five daily runs, one per following day, each performing what fell due that day: the steady state;
- a dry run of the next day (planning only).

Sending is not timed: the runs queue the messages. Results go to bench/DUNNING.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run as figures_bench  # noqa: E402  # bench/run.py: the loader and the database plumbing

DAILY_RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--installments", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--reuse", action="store_true", help="time the databases a kept bench left")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases afterwards")
    parser.add_argument("--output", default=str(ROOT / "bench" / "DUNNING.md"), help="'-' for none")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    results = []
    for database in args.databases.split(","):
        database = database.strip()
        url = figures_bench.reused_database(database) if args.reuse else figures_bench.prepare_database(database)
        command = [sys.executable, __file__, "--worker", database, "--installments", str(args.installments)]
        command += ["--seed", str(args.seed)] + (["--reuse"] if args.reuse else [])
        print(f"== {database}: {'reusing' if args.reuse else 'loading'} {args.installments:,} installments", flush=True)
        result = figures_bench.run_worker(command, url)
        results.append(result)
        print(json.dumps(result, indent=2), flush=True)
        if not args.keep and not args.reuse:
            figures_bench.drop_database(database)
    if args.output != "-":
        Path(args.output).write_text(markdown(results, args))
        print(f"written {args.output}")


def worker(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from huikuan.accounts.models import Company
    from huikuan.contracts.models import Installment
    from huikuan.core.dates import today
    from huikuan.customers.models import Customer
    from huikuan.demo import company as demo_company
    from huikuan.demo.bulk import LARGE_BOOK, bulk_load

    # issue 14's book: the large book's 50,000 customers for a million installments, with more bad
    # payers, so that about a quarter of the installments are overdue (the large book has 15 %)
    DUNNING_BOOK = replace(LARGE_BOOK, behaviours=(0.2, 0.3, 0.5))
    from huikuan.demo.dunning import LADDER
    from huikuan.dunning.models import DunningPolicy
    from huikuan.dunning.services.policies import policy_save
    from huikuan.dunning.services.run import dunning_run

    result: dict[str, Any] = {"database": args.worker, "vendor": connection.vendor}
    call_command("migrate", verbosity=0)
    if args.reuse:
        company = Company.objects.get(code=demo_company.COMPANY_CODE)
        result["load_seconds"] = None
    else:
        started = time.perf_counter()
        company = demo_company.create_company()
        staff = demo_company.create_staff(company)
        demo_company.create_terms(company, staff.finance)
        bulk_load(company=company, installments=args.installments, seed=args.seed, shape=DUNNING_BOOK)
        result["load_seconds"] = round(time.perf_counter() - started, 1)
    _clear_dunning()
    finance = demo_company.load_staff(company).finance
    DunningPolicy.objects.filter(company=company).delete()
    policy = policy_save(
        actor=finance, company=company, name="标准催收", steps=LADDER, is_default=True, working_days_only=True
    )
    _analyze(connection)
    day = today()
    book = Installment.objects.filter(company=company)
    result["installments"] = book.count()
    result["customers"] = Customer.objects.filter(company=company).count()
    result["open"] = book.filter(open_amount__gt=0).count()
    result["overdue"] = book.filter(open_amount__gt=0, booked_on__isnull=False, due_date__lt=day).count()

    result["floor_first_run"] = _floor(connection, company.pk, policy.pk, day)
    started = time.perf_counter()
    first = dunning_run(company=company, as_of=day, source="bench")
    result["first_run"] = round(time.perf_counter() - started, 2)
    result["first_run_counts"] = first.counts()
    _analyze(connection)

    started = time.perf_counter()
    dunning_run(company=company, as_of=day + dt.timedelta(days=1), dry_run=True)
    result["dry_run_next_day"] = round(time.perf_counter() - started, 2)

    daily = []
    counts = []
    for offset in range(1, DAILY_RUNS + 1):
        started = time.perf_counter()
        report = dunning_run(company=company, as_of=day + dt.timedelta(days=offset), source="bench")
        daily.append(time.perf_counter() - started)
        counts.append(report.counts())
    result["daily_runs"] = [round(seconds, 2) for seconds in daily]
    result["daily_median"] = round(statistics.median(daily), 2)
    result["daily_counts"] = counts
    return result


def _clear_dunning() -> None:
    from huikuan.customers.models import Customer, CustomerStatus
    from huikuan.dunning.models import (
        CollectionTask,
        CustomerDunning,
        DunningAction,
        DunningFee,
        DunningRun,
        Message,
        OwnerDigest,
        ScheduledRun,
    )

    for model in (
        DunningFee,
        CollectionTask,
        Message,
        OwnerDigest,
        DunningAction,
        DunningRun,
        CustomerDunning,
        ScheduledRun,
    ):
        model.objects.all().delete()
    Customer.objects.filter(status=CustomerStatus.ON_HOLD).update(status=CustomerStatus.ACTIVE)


def _analyze(connection: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _floor(connection: Any, company_id: int, policy_id: int, day: dt.date) -> float:
    """Hand-written SQL: record every step due by ``day`` for every open installment, in one
    statement (rolled back); best of three."""
    from django.db import transaction

    if connection.vendor == "postgresql":
        step_date = "i.due_date + s.days"
    else:
        step_date = "date(i.due_date, printf('%+d days', s.days))"
    sql = f"""
        INSERT INTO dunning_dunningaction (company_id, customer_id, installment_id, step_id, run_id, step_date,
                                           performed_on, currency, open_amount, days_overdue)
        SELECT i.company_id, i.customer_id, i.id, s.id, %s, {step_date}, %s, i.currency, i.open_amount, 0
        FROM contracts_installment i JOIN dunning_dunningstep s ON s.policy_id = %s
        WHERE i.company_id = %s AND i.open_amount > 0 AND i.booked_on IS NOT NULL AND i.booked_on <= %s
          AND {step_date} <= %s
    """  # noqa: S608  # the bench's own statement
    from huikuan.dunning.models import DunningRun

    times = []
    for _ in range(3):
        try:
            with transaction.atomic():
                run = DunningRun.objects.create(company_id=company_id, business_date=day, source="floor")
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(sql, [run.pk, day, policy_id, company_id, day, day])
                times.append(time.perf_counter() - started)
                raise _Rollback
        except _Rollback:
            pass
    return round(min(times), 2)


class _Rollback(Exception):
    pass


def markdown(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "# Daily dunning run: benchmark",
        "",
        f"Run on {time.strftime('%Y-%m-%d')} with `bench/dunning.py --installments {args.installments}` "
        f"({platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores). Target (issue 14): planning and recording all due steps of the daily "
        "run over 1,000,000 installments under 30 s, sending excluded.",
        "",
        "| database | installments | customers | overdue | first run (all steps ever due) "
        "| hand-written floor of it | daily run, median of 5 days | dry run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        first = result["first_run_counts"]
        lines.append(
            f"| {result['database']} | {result['installments']:,} | {result['customers']:,} | {result['overdue']:,} "
            f"| {result['first_run']} s ({first.get('steps', 0):,} steps, {first.get('customers', 0):,} customers) "
            f"| {result['floor_first_run']} s | {result['daily_median']} s "
            f"({', '.join(map(str, result['daily_runs']))}) "
            f"| {result['dry_run_next_day']} s |"
        )
    lines += ["", "Steps performed in each of the five daily runs:", ""]
    for result in results:
        steps = [counts.get("steps", 0) for counts in result["daily_counts"]]
        lines.append(f"- {result['database']}: {', '.join(f'{count:,}' for count in steps)}")
    lines += [
        "",
        "What the figures mean:",
        "",
        "- **Daily run**: what a company runs every day, each run performing the steps that fell due "
        "that day (a few thousand), after reading every open installment whose earliest step could be "
        "due and the steps each has had, customer by customer in batches of 500. This is the target's run.",
        "- **First run**: a company that starts dunning an old book catches up every step its "
        "installments ever had due, in one run (more than a million steps for this book), with every "
        "customer's messages, tasks, holds and final marks. It is bounded by writing those rows: the "
        "hand-written floor writes only the actions, in one INSERT … SELECT without the policy's rules "
        "(working days, pauses, disputes, promises).",
        "- **Dry run**: the planning alone, for the next day.",
    ]
    loads = [f"{result['database']} {result['load_seconds']} s" for result in results if result["load_seconds"]]
    if loads:
        lines += ["", "Loading the book took " + ", ".join(loads) + "."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
