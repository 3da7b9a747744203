"""HTTP benchmark of the API lists (installments, contracts, customers, receipts) at bench size.

    BENCH_DB=hk_bench .venv/bin/python bench/lists.py               # load 1,000,000 installments, both databases
    BENCH_DB=hk_bench .venv/bin/python bench/lists.py --reuse       # time again on the databases kept by --keep
    BENCH_DB=hk_bench .venv/bin/python bench/lists.py --installments 50000 --output -   # a quick run

For each database: load the bench data with the bulk demo loader (as bench/run.py does), sign the
finance manager (company-wide scope) in with an API token, start gunicorn on loopback (one worker,
one thread, DEBUG off) and time GET requests of every list and filter, page 1 and a deep page
(page 1,000 of 50 rows, or the last page when there are fewer), as of today and as of 180 days
ago. Each URL gets one warm-up request, then --repeat timed ones: p50 and p95 of the wall-clock
time of the whole request. Next to some of them, hand-written SQL for the same page (the count
and the 50 rows) is timed in the same way through the same driver. Results go to the
"HTTP lists" section of bench/RESULTS.md; the tables bench/run.py writes above it are kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
import run as figures_bench  # noqa: E402  (bench/run.py: database set-up shared with the figure benchmark)

PORT = int(os.environ.get("BENCH_PORT", "8765"))
PAGE_SIZE = 50
DEEP_PAGE = 1000
PAST_DAYS = 180
COUNT_CAP = 10_000  # huikuan.core.paging.COUNT_CAP: the lists count this far, then say "more than"
TARGETS = "p95 ≤ 100 ms as of today, ≤ 300 ms as of a past date, page 1 and a deep page, on both databases"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--installments", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument(
        "--book",
        default="large",
        help="the generated book's shape: large (50 customers per "
        "1,000 installments, 40 %% open; issue 13) or default (5 per 1,000, 26 %% open)",
    )
    parser.add_argument("--reuse", action="store_true", help="use the databases a --keep run left")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--only", default="", help="comma-separated list names (installments, contracts, ...)")
    parser.add_argument("--load-only", action="store_true", help="load and keep the databases, time nothing")
    parser.add_argument("--output", default=str(BENCH / "RESULTS.md"), help="'-' for none")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    results = []
    for database in args.databases.split(","):
        database = database.strip()
        url = database_url(database) if args.reuse else figures_bench.prepare_database(database)
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
        env["SECRET_KEY"] = secrets.token_urlsafe(50)  # DEBUG off refuses the development key
        print(f"== {database}: {'reusing' if args.reuse else 'loading'} {args.installments:,} installments", flush=True)
        setup = run_worker(args, database, "load" if not args.reuse else "token", env)
        if args.load_only:
            continue
        server = start_gunicorn(env)
        try:
            rows = time_lists(setup, args)
        finally:
            server.terminate()
            server.wait(timeout=30)
        sql = run_worker(args, database, "sql", {**env, "BENCH_SETUP": json.dumps(setup)})
        result = {**setup, "rows": rows, "sql": sql["sql"]}
        results.append(result)
        print_rows(result)
        if not args.keep and not args.reuse:
            figures_bench.drop_database(database)
        if args.output != "-":  # after each database, so a long run leaves what it measured
            write_section(Path(args.output), markdown(results, args))
            print(f"written {args.output}")


def database_url(database: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{figures_bench.SQLITE_PATH}"
    return f"{figures_bench.PG_SERVER}/{figures_bench.PG_DATABASE}"


def run_worker(args: argparse.Namespace, database: str, step: str, env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", step, "--installments", str(args.installments)]
    command += ["--seed", str(args.seed), "--repeat", str(args.repeat), "--book", args.book]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    sys.stderr.write(output.stderr)
    return json.loads(output.stdout.strip().splitlines()[-1])


def start_gunicorn(env: dict[str, str]) -> subprocess.Popen:
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "huikuan.wsgi", "-b", f"127.0.0.1:{PORT}"]
    command += ["--workers", "1", "--threads", "1", "--timeout", "120", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603
    for _ in range(200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            connection.request("GET", "/api/v1/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def cases(setup: dict[str, Any]) -> list[tuple[str, dict[str, str], bool]]:
    """(list, query, as_of matters) for every list and filter."""
    customer = str(setup["customer"])
    return [
        ("installments", {}, True),
        ("installments", {"status": "overdue"}, True),
        ("installments", {"status": "due"}, True),
        ("installments", {"status": "not_due"}, True),
        ("installments", {"status": "paid"}, True),
        ("installments", {"status": "credited"}, True),
        ("installments", {"status": "written_off"}, True),
        ("installments", {"status": "overdue", "partly_paid": "true"}, True),
        ("installments", {"customer": customer}, True),
        ("installments", {"customer": customer, "status": "overdue"}, True),
        ("installments", {"due_from": setup["month_start"], "due_to": setup["month_end"]}, True),
        ("contracts", {}, True),
        ("contracts", {"status": "active"}, True),
        ("contracts", {"customer": customer}, True),
        ("customers", {}, False),
        ("customers", {"status": "active"}, False),
        ("receipts", {}, False),
        ("receipts", {"customer": customer}, False),
        ("receipts", {"received_from": setup["month_start"], "received_to": setup["month_end"]}, False),
    ]


def get(connection: http.client.HTTPConnection, path: str, token: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Authorization": f"Token {token}", "Accept": "application/json"})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
    return elapsed, json.loads(body)


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_lists(setup: dict[str, Any], args: argparse.Namespace) -> list[dict[str, Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    only = {name for name in args.only.split(",") if name}
    rows = []
    for name, query, dated in cases(setup):
        if only and name not in only:
            continue
        for as_of in [setup["today"], setup["past"]] if dated else [None]:
            params = {**query, **({"as_of": as_of} if as_of and as_of != setup["today"] else {})}
            # page=last counts exactly (untimed): the timed pages count up to core.paging.COUNT_CAP
            _, first = get(connection, f"/api/v1/{name}/?{urlencode({**params, 'page': 'last'})}", setup["token"])
            last_page = max(1, -(-first["count"] // PAGE_SIZE))
            for page in sorted({1, min(DEEP_PAGE, last_page)}):
                path = f"/api/v1/{name}/?{urlencode({**params, 'page': page})}"
                get(connection, path, setup["token"])  # warm-up
                times = [get(connection, path, setup["token"])[0] for _ in range(args.repeat)]
                row = {
                    "list": name,
                    "filters": urlencode(query) or "(none)",
                    "as_of": "—" if as_of is None else ("today" if as_of == setup["today"] else f"−{PAST_DAYS} d"),
                    "page": page,
                    "count": first["count"],
                    "p50": statistics.median(times),
                    "p95": percentile(times, 0.95),
                }
                rows.append(row)
                timing = f"p50 {row['p50'] * 1000:6.1f} ms  p95 {row['p95'] * 1000:6.1f} ms  ({row['count']:,})"
                print(f"   {name:<13} {row['filters']:<45} {row['as_of']:<8} page {page:<5} {timing}", flush=True)
    return rows


# --- the worker: load, token, hand-written SQL ----------------------------------------------------


def worker(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.settings")
    import django

    django.setup()
    if args.worker == "sql":
        return {"sql": time_sql(json.loads(os.environ["BENCH_SETUP"]), args.repeat)}
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from huikuan.accounts.models import Company, User
    from huikuan.accounts.roles import Role
    from huikuan.contracts.models import Installment
    from huikuan.core.dates import today
    from huikuan.demo import company as demo_company
    from huikuan.demo.bulk import BOOKS, bulk_load

    load: dict[str, Any] = {}
    if args.worker == "load":
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        with transaction.atomic():
            company = demo_company.create_company()
            staff = demo_company.create_staff(company)
            demo_company.create_terms(company, staff.finance)
        load["counts"] = bulk_load(
            company=company, installments=args.installments, seed=args.seed, shape=BOOKS[args.book]
        )
        load["load_seconds"] = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    company = Company.objects.order_by("pk").first()
    finance = User.objects.filter(company=company, role=Role.FINANCE_MANAGER).order_by("pk").first()
    token, _ = Token.objects.get_or_create(user=finance)
    installments = Installment.objects.filter(company=company)
    biggest = installments.values("customer_id").annotate(n=Count("pk")).order_by("-n", "customer_id").first()
    now = today()
    month_start = now.replace(day=1) - dt.timedelta(days=60)
    return {
        **load,
        "database": connection.vendor,
        "server": figures_bench._server_version(connection),
        "installments": installments.count(),
        "company": company.pk,
        "token": token.key,
        "customer": biggest["customer_id"],
        "today": now.isoformat(),
        "past": (now - dt.timedelta(days=PAST_DAYS)).isoformat(),
        "month_start": month_start.isoformat(),
        "month_end": (month_start + dt.timedelta(days=30)).isoformat(),
    }


# Hand-written SQL for some of the same pages: the count, then 50 rows with what the API shows
# (contract number, customer name; for a past date the figures of the page's rows).
INSTALLMENT_PAGE = """
    SELECT i.id, i.amount, i.open_amount, i.due_date, c.number, cu.name
    FROM contracts_installment i JOIN contracts_contract c ON c.id = i.contract_id
    JOIN customers_customer cu ON cu.id = i.customer_id
    WHERE {where} ORDER BY i.due_date, i.contract_id, i.sequence LIMIT 50 OFFSET {offset}"""
PAST_OPEN_CENTS = """
    CAST(ROUND(i.amount * 100) AS BIGINT)
    - COALESCE((SELECT SUM(CAST(ROUND(a.amount * 100) AS BIGINT)) FROM receivables_allocation a
                WHERE a.installment_id = i.id AND a.effective_on <= %(past)s
                AND (a.reversed_on IS NULL OR a.reversed_on > %(past)s)), 0)
    - COALESCE((SELECT SUM(CAST(ROUND(j.amount * 100) AS BIGINT)) FROM receivables_adjustment j
                WHERE j.installment_id = i.id AND j.effective_on <= %(past)s
                AND (j.reversed_on IS NULL OR j.reversed_on > %(past)s)), 0)"""
PAST_OVERDUE = f"""
    i.company_id = %(company)s AND i.booked_on <= %(past)s AND i.due_date < %(past)s
    AND (i.open_amount > 0 OR i.settled_on > %(past)s)
    AND (i.first_effective_on IS NULL OR i.first_effective_on > %(past)s OR ({PAST_OPEN_CENTS}) > 0)"""
SQL_CASES = {
    ("installments", "(none)", "today"): "i.company_id = %(company)s",
    ("installments", "status=overdue", "today"): (
        "i.company_id = %(company)s AND i.open_amount > 0 AND i.due_date < %(today)s AND i.booked_on <= %(today)s"
    ),
    ("installments", "status=overdue", f"−{PAST_DAYS} d"): PAST_OVERDUE,
}
OTHER_SQL = {
    ("contracts", "(none)", "today"): (
        "SELECT count(*) FROM contracts_contract c WHERE c.company_id = %(company)s",
        """SELECT c.id, c.number, c.amount, cu.name FROM contracts_contract c
           JOIN customers_customer cu ON cu.id = c.customer_id WHERE c.company_id = %(company)s
           ORDER BY c.signed_on DESC, c.id DESC LIMIT 50 OFFSET {offset}""",
    ),
    ("receipts", "(none)", "—"): (
        "SELECT count(*) FROM receivables_receipt r WHERE r.company_id = %(company)s",
        """SELECT r.id, r.number, r.amount, cu.name FROM receivables_receipt r
           JOIN customers_customer cu ON cu.id = r.customer_id WHERE r.company_id = %(company)s
           ORDER BY r.received_on DESC, r.id DESC LIMIT 50 OFFSET {offset}""",
    ),
}


def time_sql(setup: dict[str, Any], repeat: int) -> list[dict[str, Any]]:
    from django.db import connection

    params = {"company": setup["company"], "today": setup["today"], "past": setup["past"]}
    queries = {  # fixed SQL written above, with parameters: nothing from outside is pasted in
        key: (f"SELECT count(*) FROM contracts_installment i WHERE {where}", INSTALLMENT_PAGE.replace("{where}", where))  # noqa: S608
        for key, where in SQL_CASES.items()
    }
    queries.update(OTHER_SQL)
    rows = []
    with connection.cursor() as cursor:
        for (name, filters, as_of), (count_sql, page_sql) in queries.items():
            cursor.execute(count_sql, params)
            count = cursor.fetchone()[0]
            for page in sorted({1, min(DEEP_PAGE, max(1, -(-count // PAGE_SIZE)))}):
                sql = page_sql.replace("{offset}", str((page - 1) * PAGE_SIZE))
                # counted as the API counts: up to COUNT_CAP rows or the end of the page, and one more
                capped_sql = f"SELECT count(*) FROM ({count_sql.replace('count(*)', '1', 1)} LIMIT %(limit)s) t"  # noqa: S608
                params["limit"] = max(COUNT_CAP, page * PAGE_SIZE) + 1
                times = []
                for attempt in range(repeat + 1):
                    started = time.perf_counter()
                    cursor.execute(capped_sql, params)
                    cursor.fetchone()
                    cursor.execute(sql, params)
                    cursor.fetchall()
                    if attempt:  # the first is the warm-up
                        times.append(time.perf_counter() - started)
                rows.append({"list": name, "filters": filters, "as_of": as_of, "page": page, "count": count,
                             "p50": statistics.median(times), "p95": percentile(times, 0.95)})  # fmt: skip
    return rows


# --- report ---------------------------------------------------------------------------------------


def print_rows(result: dict[str, Any]) -> None:
    for row in result["sql"]:
        print(f"   SQL {row['list']:<13} {row['filters']:<41} {row['as_of']:<8} page {row['page']:<5} "
              f"p50 {row['p50'] * 1000:6.1f} ms  p95 {row['p95'] * 1000:6.1f} ms")  # fmt: skip


def markdown(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        figures_bench.LISTS_MARKER,
        "",
        f"Run on {dt.date.today()} with `bench/lists.py --installments {args.installments} --repeat {args.repeat}` "  # noqa: DTZ011
        f"on {platform.machine()} with {os.cpu_count()} cores (nproc), Python {platform.python_version()}, "
        "gunicorn with one worker and one thread on 127.0.0.1, signed in with an API token as the finance "
        "manager (company-wide scope). The machine's cores may be shared with other work (the same "
        "code has moved by 40 % between runs here): treat single slow rows with suspicion and compare p50 with p95.",
        f"Target (issue 11, item 22): {TARGETS}. Deep page: page {DEEP_PAGE} of {PAGE_SIZE} rows "
        "(rows 49,951–50,000), or the last page when the list is shorter.",
        "",
    ]
    for result in results:
        sql = {(r["list"], r["filters"], r["as_of"], r["page"]): r for r in result["sql"]}
        lines += [
            f"### {result['server']}, {result['installments']:,} installments",
            "",
            "| list | filters | as_of | page | rows | p50 ms | p95 ms | SQL p50 ms | SQL p95 ms |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in result["rows"]:
            hand = sql.get((row["list"], row["filters"], row["as_of"], row["page"]))
            hand_cells = f"{hand['p50'] * 1000:.1f} | {hand['p95'] * 1000:.1f}" if hand else "— | —"
            lines.append(f"| {row['list']} | {row['filters']} | {row['as_of']} | {row['page']} | {row['count']:,} "
                         f"| {row['p50'] * 1000:.1f} | {row['p95'] * 1000:.1f} | {hand_cells} |")  # fmt: skip
        lines.append("")
    lines += [NOTES.strip(), ""]
    return "\n".join(lines)


NOTES = """
The HTTP times include everything a client waits for: token check, the count, the page, the
page's figures, rendering JSON. "rows" is the exact number of rows (`page=last`, untimed); the
timed pages count up to 10,000 rows or the end of the page and then say "more than"
(`core/paging.py`). "SQL" is hand-written SQL for the same page run through the same
driver: the count (up to the same limit) plus the 50 rows, no figures for today's lists (they are columns), the open
amounts in cents for the past-date overdue list. How the lists stay fast: receivables/DESIGN.md,
"Lists".
"""


def write_section(path: Path, section: str) -> None:
    text = path.read_text() if path.exists() else ""
    before = text.partition(figures_bench.LISTS_MARKER)[0].rstrip("\n")
    path.write_text(f"{before}\n\n{section}" if before else section)


if __name__ == "__main__":
    main()
