"""Create a believable demo company, or add generated data at any size for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.accounts.models import Company
from huikuan.core.dates import today
from huikuan.demo import company as demo_company
from huikuan.demo.bank import create_bank
from huikuan.demo.bulk import bulk_load
from huikuan.demo.dunning import create_dunning, first_run
from huikuan.demo.generator import DemoBuilder
from huikuan.demo.targets import set_targets

DEFAULT_SEED = 20250101


class Command(BaseCommand):
    help = _(
        "Create the demo company with users, payment terms, customers, contracts and receipts, "
        "written through the services; or, with --installments, bulk-load data for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help=_("Do nothing if a company exists."))
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help=_("URL printed for the login."))
        parser.add_argument("--customers", type=int, default=200, help=_("Number of customers (default 200)."))
        parser.add_argument("--contracts", type=int, default=1000, help=_("Number of contracts (default 1000)."))
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("Random seed: same seed, same data."))
        parser.add_argument(
            "--installments",
            type=int,
            default=0,
            help=_(
                "Bulk-load about this many installments (with their customers, contracts, receipts, "
                "allocations and adjustments) without the services, for benchmarks."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        existing = Company.objects.filter(code=demo_company.COMPANY_CODE).first()
        if options["if_empty"] and Company.objects.exists():
            self.stdout.write(_("Demo data already present."))
        elif options["installments"]:
            self._bulk(existing, options)
        elif existing is not None:
            raise CommandError(_("The demo company already exists; use --if-empty or an empty database."))
        else:
            self._demo(options)
        self.stdout.write(_("Done in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
        self._print_logins(options["url"])

    def _demo(self, options: dict[str, Any]) -> None:
        with transaction.atomic():
            company = demo_company.create_company()
            staff = demo_company.create_staff(company)
            terms = demo_company.create_terms(company, staff.finance)
            result = DemoBuilder(
                company=company,
                staff=staff,
                terms=terms,
                customers=options["customers"],
                contracts=options["contracts"],
                seed=options["seed"],
            ).run()
            set_targets(company=company, finance=staff.finance, owners=staff.owners)
            create_dunning(company, staff)
        # outside the transaction above: the run commits batch by batch (dunning/services/run.py)
        report = first_run(company)
        # a day's statement: one customer in eight pays (the rest of the story stays overdue)
        lines = max(5, options["customers"] // 8)
        bank = create_bank(company.pk, staff.finance, staff.clerk, seed=options["seed"], on=today(), count=lines)
        self.stdout.write(
            _("Bank statement: %(lines)s lines, %(applied)s matched on their own, %(review)s to review.")
            % {"lines": bank.lines, "applied": bank.applied, "review": bank.for_review}
        )
        self.stdout.write(
            _("Dunning as of today: %(steps)s steps for %(customers)s customers; the worker sends the messages.")
            % {"steps": report.counts().get("steps", 0), "customers": report.counts().get("customers", 0)}
        )
        self.stdout.write(
            _(
                "Created %(customers)s customers, %(contracts)s contracts, %(receipts)s receipts, "
                "%(adjustments)s adjustments, %(reversals)s reversals."
            )
            % vars(result)
        )

    def _bulk(self, existing: Company | None, options: dict[str, Any]) -> None:
        with transaction.atomic():
            if existing is None:
                existing = demo_company.create_company()
                staff = demo_company.create_staff(existing)
                demo_company.create_terms(existing, staff.finance)
        counts = bulk_load(
            company=existing,
            installments=options["installments"],
            seed=options["seed"],
            progress=lambda line: self.stdout.write(line),
        )
        staff = demo_company.load_staff(existing)
        with transaction.atomic():
            set_targets(company=existing, finance=staff.finance, owners=staff.owners)
        self.stdout.write(
            _("Bulk-loaded: %(counts)s.") % {"counts": ", ".join(f"{name} {count:,}" for name, count in counts.items())}
        )

    def _print_logins(self, url: str) -> None:
        url = url.rstrip("/")
        self.stdout.write("")
        self.stdout.write(_("Huikuan: %(url)s/") % {"url": url})
        self.stdout.write(_("Admin (administrators): %(url)s/admin/   API docs: %(url)s/api/docs/") % {"url": url})
        self.stdout.write(_("Password for every user: %(password)s") % {"password": demo_company.DEMO_PASSWORD})
        rows = demo_company.logins()
        username_label, role_label = _("Username"), _("Role")
        width = max(len(username) for username, _role in [*rows, (username_label, "")])
        self.stdout.write(f"  {username_label:<{width}}  {role_label}")
        for username, role in rows:
            self.stdout.write(f"  {username:<{width}}  {role}")
        self.stdout.write("")
        self.stdout.write(
            _(
                "Try first: sign in at %(url)s/ as clerk (an AR clerk: enter a receipt and match it), then as "
                "finance (the finance manager: overview and settings) and east_rep1 (a sales rep: only their "
                "customers)."
            )
            % {"url": url}
        )
