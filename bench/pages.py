"""HTTP benchmark of the workbench pages at bench size (issue 12: every page under 300 ms of
server time at the 1,000,000-installment data).

    BENCH_DB=hk_bench .venv/bin/python bench/pages.py                 # load 1,000,000 installments, both databases
    BENCH_DB=hk_bench .venv/bin/python bench/pages.py --reuse         # the databases a `bench/lists.py --keep` left
    .venv/bin/python bench/pages.py --installments 50000 --output -   # a quick run

For each database: load the bench data (bench/lists.py's loader, the bulk demo loader), sign the
finance manager (company-wide scope, the widest lists) and a sales rep in with a session, start
gunicorn on loopback (one worker, one thread, DEBUG off) and time GET requests of every page:
one warm-up, then --repeat timed requests, p50 and p95 of the whole request's wall-clock time.
Results go to bench/PAGES.md.
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
from urllib.parse import quote, urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
import lists as lists_bench  # noqa: E402  (bench/lists.py: loading, gunicorn)
import run as figures_bench  # noqa: E402

TARGET = 0.300
PAST_DAYS = 180


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--installments", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--reuse", action="store_true", help="use the databases a --keep run left")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--output", default=str(BENCH / "PAGES.md"), help="'-' for none")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker()))
        return
    results = []
    for database in args.databases.split(","):
        database = database.strip()
        url = lists_bench.database_url(database) if args.reuse else figures_bench.prepare_database(database)
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
        env["SECRET_KEY"] = secrets.token_urlsafe(50)  # DEBUG off refuses the development key
        print(f"== {database}: {'reusing' if args.reuse else 'loading'} {args.installments:,} installments", flush=True)
        setup = lists_bench.run_worker(args, database, "token" if args.reuse else "load", env)
        command = [sys.executable, __file__, "--worker", "sessions"]
        output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
        setup.update(json.loads(output.stdout.strip().splitlines()[-1]))
        server = lists_bench.start_gunicorn(env)
        try:
            rows = time_pages(setup, args.repeat)
        finally:
            server.terminate()
            server.wait(timeout=30)
        results.append({**setup, "rows": rows})
        if not args.keep and not args.reuse:
            figures_bench.drop_database(database)
        if args.output != "-":
            Path(args.output).write_text(markdown(results, args))
            print(f"written {args.output}")


def cases(setup: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(who, page, address) for every page, the lists at page 1 and a deep page."""
    past = setup["past"]
    return [
        ("finance", "home", "/"),
        ("finance", "home: the 12-month chart (loaded after the page)", "/home/chart/"),
        ("rep", "home", "/"),
        ("rep", "home: the 12-month chart (loaded after the page)", "/home/chart/"),
        ("finance", "worklist", "/receivables/"),
        ("finance", "worklist, page 1,000", "/receivables/?page=1000"),
        ("finance", "worklist, overdue", "/receivables/?status=overdue"),
        ("finance", "worklist, 91–180 days overdue", "/receivables/?bucket=91-180"),
        ("finance", f"worklist as of −{PAST_DAYS} d", f"/receivables/?as_of={past}"),
        (
            "finance",
            f"worklist as of −{PAST_DAYS} d, overdue, page 100",
            f"/receivables/?as_of={past}&status=overdue&page=100",
        ),
        ("rep", "worklist", "/receivables/"),
        ("finance", "customers", "/customers/"),
        ("finance", "customers, page 100", "/customers/?page=100"),
        ("finance", "customers by balance", "/customers/?sort=balance"),
        ("finance", "customers with overdue", "/customers/?has_overdue=yes"),
        ("finance", "customer (largest)", f"/customers/{setup['customer']}/"),
        ("finance", f"customer (largest) as of −{PAST_DAYS} d", f"/customers/{setup['customer']}/?as_of={past}"),
        ("finance", "contracts", "/contracts/"),
        ("finance", "contracts, page 1,000", "/contracts/?page=1000"),
        ("finance", "contract", f"/contracts/{setup['contract']}/"),
        ("finance", f"contract as of −{PAST_DAYS} d", f"/contracts/{setup['contract']}/?as_of={past}"),
        ("finance", "receipts", "/receipts/"),
        ("finance", "receipts, page 1,000", "/receipts/?page=1000"),
        ("finance", "receipt with matching panel", f"/receipts/{setup['receipt']}/"),
        ("finance", "search", f"/search/?{urlencode({'q': setup['search']})}"),
        ("finance", "settings", "/settings/"),
        ("finance", "new contract", "/contracts/new/"),
        ("finance", "new receipt", "/receipts/new/"),
        ("finance", "new customer", "/customers/new/"),
    ]


def get(connection: http.client.HTTPConnection, path: str, session: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": f"sessionid={quote(session)}", "Accept-Language": "zh-hans"})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
    return elapsed


def time_pages(setup: dict[str, Any], repeat: int) -> list[dict[str, Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", lists_bench.PORT, timeout=120)
    rows = []
    for who, name, path in cases(setup):
        session = setup["sessions"][who]
        get(connection, path, session)  # warm-up
        times = [get(connection, path, session) for _ in range(repeat)]
        row = {
            "who": who,
            "page": name,
            "path": path,
            "p50": statistics.median(times),
            "p95": lists_bench.percentile(times, 0.95),
        }
        rows.append(row)
        print(f"   {who:<8} {name:<50} p50 {row['p50'] * 1000:6.1f} ms  p95 {row['p95'] * 1000:6.1f} ms", flush=True)
    return rows


def worker() -> dict[str, Any]:
    """Sessions for the finance manager and the sales rep with the most customers, and the records
    the detail pages show (the largest customer, one of its contracts, its latest receipt)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.settings")
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count

    from huikuan.accounts.models import Company, User
    from huikuan.accounts.roles import Role
    from huikuan.contracts.models import Contract, Installment
    from huikuan.core.dates import today
    from huikuan.customers.models import Customer
    from huikuan.receivables.models import Receipt

    company = Company.objects.order_by("pk").first()
    finance = User.objects.filter(company=company, role=Role.FINANCE_MANAGER).order_by("pk").first()
    busiest = (
        Customer.objects.filter(company=company, owner__role=Role.SALES_REP)
        .values("owner_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner_id")
        .first()
    )
    rep = User.objects.get(pk=busiest["owner_id"])
    sessions = {}
    for who, user in (("finance", finance), ("rep", rep)):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        sessions[who] = store.session_key
    customer_id = (
        Installment.objects.filter(company=company)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "customer_id")
        .first()["customer_id"]
    )
    customer = Customer.objects.get(pk=customer_id)
    contract = Contract.objects.filter(customer=customer).order_by("-signed_on", "-pk").first()
    receipts = Receipt.objects.filter(customer=customer, reversed_on__isnull=True)
    receipt = receipts.order_by("-received_on", "-pk").first()
    return {
        "sessions": sessions,
        "rep": rep.username,
        "customer": customer.pk,
        "contract": contract.pk,
        "receipt": receipt.pk,
        "search": customer.name[:4],
        "past": (today() - dt.timedelta(days=PAST_DAYS)).isoformat(),
    }


def markdown(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "# Benchmark: workbench pages",
        "",
        f"Run on {results[0]['today'] if results else ''} with `bench/pages.py --installments {args.installments} "
        f"--repeat {args.repeat}` on {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}.",
        f"Target (issue 12): every page under {TARGET * 1000:.0f} ms of server time at the 1,000,000-installment data.",
        "Each time is the wall-clock time of one whole GET through gunicorn on loopback (one worker, one",
        "thread, DEBUG off), signed in with a session, after one warm-up request: the server's time plus a",
        "loopback round trip.",
        "The finance manager sees the whole company; the sales rep is the one with the most customers.",
        "",
    ]
    for result in results:
        lines += [
            f"## {result['server']}, {result['installments']:,} installments",
            "",
            "| who | page | address | p50 ms | p95 ms | under target |",
            "|---|---|---|---:|---:|---|",
        ]
        for row in result["rows"]:
            met = "yes" if row["p95"] < TARGET else "**no**"
            times = f"{row['p50'] * 1000:.1f} | {row['p95'] * 1000:.1f}"
            lines.append(f"| {row['who']} | {row['page']} | `{row['path']}` | {times} | {met} |")
        lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
