"""Benchmark of the write path: what one sales contract costs from signing to its first payment,
through the services, with every check, lock and audit row they make.

    .venv/bin/python bench/write_path.py                 # 500 contracts per database
    .venv/bin/python bench/write_path.py --contracts 100 --databases sqlite

Per contract: ``contract_create``, ``contract_set_installments`` (a 3-installment plan),
``contract_activate``, ``receipt_create`` and ``receipt_auto_allocate`` (the receipt pays the first
installment; the contract number is in the memo), each in its own transaction as the API runs
them, as an AR clerk. The bench reports milliseconds per contract (median and p95 over batches of
10) and SQL statements per contract, beside the same writes done in hand-written SQL (one INSERT or
UPDATE per row, no checks, no audit) on the same database: the floor a service could reach.
Each database runs in its own process (Django reads DATABASE_URL once): SQLite in
var/bench/huikuan_bench_write.sqlite3, PostgreSQL in database huikuan_bench_write on 127.0.0.1:5432.
Results go to bench/WRITE_PATH.md.
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
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as figures_bench  # noqa: E402  (bench/run.py: database set-up shared by the benchmarks)

ROOT = Path(__file__).resolve().parent.parent
NAME = "huikuan_bench_write"  # the bench database: a SQLite file in var/bench, or a PostgreSQL database
BATCH = 10
TARGETS = "≤ 7 ms per contract on SQLite, ≤ 15 ms on PostgreSQL (issue 11, item 23; Tryton ≈ 68 ms per invoice)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=500)
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--output", default=str(ROOT / "bench" / "WRITE_PATH.md"), help="'-' for none")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    results = []
    for database in args.databases.split(","):
        url = figures_bench.prepare_database(database.strip(), NAME)
        command = [sys.executable, __file__, "--worker", database, "--contracts", str(args.contracts)]
        result = figures_bench.run_worker(command, url)
        results.append(result)
        print(json.dumps(result, indent=1))
        figures_bench.drop_database(database, NAME)
    if args.output != "-":
        Path(args.output).write_text(markdown(results, args))
        print(f"written {args.output}")


def worker(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from huikuan.contracts.services import contract_activate, contract_create, contract_set_installments
    from huikuan.customers.services import customer_create
    from huikuan.demo import company as demo_company
    from huikuan.receivables.services.allocations import receipt_auto_allocate
    from huikuan.receivables.services.receipts import receipt_create

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        company = demo_company.create_company()
        staff = demo_company.create_staff(company)
    clerk = staff.clerk
    customers = [
        customer_create(actor=clerk, company=company, name=f"写入基准客户{i}有限公司", owner=staff.finance)
        for i in range(20)
    ]
    signed = dt.date(2025, 3, 1)
    amount = Decimal("30000.00")
    plan = [
        {"amount": Decimal("9000.00"), "due_date": dt.date(2025, 3, 31)},
        {"amount": Decimal("15000.00"), "due_date": dt.date(2025, 6, 30)},
        {"amount": Decimal("6000.00"), "due_date": dt.date(2026, 3, 31)},
    ]

    def one_contract(index: int) -> None:
        customer = customers[index % len(customers)]
        contract = contract_create(
            actor=clerk, customer=customer, title="年度服务合同", signed_on=signed, amount=amount
        )
        contract_set_installments(actor=clerk, contract=contract, installments=plan)
        contract_activate(actor=clerk, contract=contract)
        receipt = receipt_create(
            actor=clerk,
            customer=customer,
            received_on=dt.date(2025, 3, 28),
            amount=Decimal("9000.00"),
            memo=f"货款 {contract.number}",
        )
        allocations = receipt_auto_allocate(actor=clerk, receipt=receipt)
        assert len(allocations) == 1

    for index in range(BATCH):  # warm-up: caches, prepared statements, connection
        one_contract(index)
    timings = []
    statements = 0

    def count(execute, sql, params, many, context):  # one call per statement sent to the database
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started_all = time.perf_counter()
        for batch in range(args.contracts // BATCH):
            started = time.perf_counter()
            for index in range(BATCH):
                one_contract(batch * BATCH + index)
            timings.append((time.perf_counter() - started) / BATCH * 1000)
        total_seconds = time.perf_counter() - started_all
    contracts = len(timings) * BATCH
    sql = hand_written_sql(connection, company.pk, customers[0].pk, clerk.pk, args.contracts)
    return {
        "database": connection.vendor,
        "server": server_version(connection),
        "contracts": contracts,
        "median_ms": statistics.median(timings),
        "p95_ms": sorted(timings)[int(len(timings) * 0.95) - 1] if len(timings) > 1 else timings[0],
        "mean_ms": total_seconds / contracts * 1000,
        "queries_per_contract": statements / contracts,
        "sql_ms": sql,
    }


def hand_written_sql(connection: Any, company_id: int, customer_id: int, user_id: int, contracts: int) -> float:
    """The same rows written with plain INSERT/UPDATE statements, a transaction per step as the
    services use: contract, 3 installments, activation, receipt, allocation, settled figures."""
    from django.db import transaction
    from django.utils import timezone

    now = timezone.now()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for index in range(contracts):
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO contracts_contract (created_at, updated_at, company_id, number, customer_id, title,"
                    " signed_on, currency, amount, vat_rate, owner_id, status, notes) VALUES"
                    " (%s, %s, %s, %s, %s, %s, %s, 'CNY', 30000.00, 0.13, %s, 'draft', '')",
                    [now, now, company_id, f"SQL-{index:06d}", customer_id, "年度服务合同", "2025-03-01", user_id],
                )
                cursor.execute("SELECT MAX(id) FROM contracts_contract")
                contract_id = cursor.fetchone()[0]
            with transaction.atomic():
                for sequence, (part, due) in enumerate(
                    (("9000.00", "2025-03-31"), ("15000.00", "2025-06-30"), ("6000.00", "2026-03-31")), start=1
                ):
                    cursor.execute(
                        "INSERT INTO contracts_installment (company_id, contract_id, customer_id, sequence, label,"
                        " currency, amount, due_date, milestone, offset_days, offset_months, is_retention,"
                        " open_amount, collected_amount, settled_status)"
                        " VALUES (%s, %s, %s, %s, '', 'CNY', %s, %s, '', 0, 0, FALSE, %s, 0, '')",
                        [company_id, contract_id, customer_id, sequence, part, due, part],
                    )
            with transaction.atomic():
                cursor.execute("UPDATE contracts_installment SET booked_on = '2025-03-01' WHERE contract_id = %s",
                               [contract_id])  # fmt: skip
                cursor.execute("UPDATE contracts_contract SET status = 'active', activated_at = %s WHERE id = %s",
                               [now, contract_id])  # fmt: skip
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO receivables_receipt (created_by_id, created_at, reversal_reason, company_id, number,"
                    " customer_id, received_on, amount, currency, method, payer_name, bank_reference, memo,"
                    " allocated_amount) VALUES (%s, %s, '', %s, %s, %s, '2025-03-28', 9000.00, 'CNY',"
                    " 'bank_transfer', '', '', '', 0)",
                    [user_id, now, company_id, f"SQL-SK-{index:06d}", customer_id],
                )
                cursor.execute("SELECT MAX(id) FROM receivables_receipt")
                receipt_id = cursor.fetchone()[0]
            with transaction.atomic():
                cursor.execute("SELECT id FROM contracts_installment WHERE contract_id = %s AND sequence = 1",
                               [contract_id])  # fmt: skip
                installment_id = cursor.fetchone()[0]
                cursor.execute(
                    "INSERT INTO receivables_allocation (created_by_id, created_at, reversal_reason, company_id,"
                    " receipt_id, installment_id, customer_id, amount, effective_on) VALUES"
                    " (%s, %s, '', %s, %s, %s, %s, 9000.00, '2025-03-28')",
                    [user_id, now, company_id, receipt_id, installment_id, customer_id],
                )
                cursor.execute("UPDATE receivables_receipt SET allocated_amount = 9000.00 WHERE id = %s", [receipt_id])
                cursor.execute(
                    "UPDATE contracts_installment SET open_amount = 0, collected_amount = 9000.00,"
                    " settled_status = 'paid', settled_on = '2025-03-28', first_effective_on = '2025-03-28'"
                    " WHERE id = %s",
                    [installment_id],
                )
    return (time.perf_counter() - started) / contracts * 1000


def server_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


def markdown(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "# Benchmark: the write path",
        "",
        f"Run on {dt.datetime.now(tz=dt.UTC).date()} with `bench/write_path.py --contracts {args.contracts}`"
        f" on {platform.machine()} with {os.cpu_count()} cores (nproc), Python {platform.python_version()}.",
        f"Target: {TARGETS}.",
        "",
        "One contract = create, 3-installment plan, activate, receipt, automatic allocation: five service calls,"
        " each in its own transaction, as an AR clerk.",
        "",
        "| database | contracts | median ms | p95 ms | mean ms | SQL statements | hand-written SQL ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['server']} | {r['contracts']:,} | {r['median_ms']:.2f} | {r['p95_ms']:.2f} | {r['mean_ms']:.2f}"
            f" | {r['queries_per_contract']:.1f} | {r['sql_ms']:.2f} |"
        )
    lines += [
        "",
        "Milliseconds per contract over batches of 10 contracts, after a warm-up batch; the mean is over the whole run."
        " Hand-written SQL writes the same rows with one statement per row and no checks,"
        " locks or audit rows: the floor. Timings are wall-clock on a machine shared with other work.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
