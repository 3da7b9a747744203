"""``huikuan audit verify``: check the audit trail's hash chain from the first event to the last."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huikuan.audit.services import chain_verify


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks the hash chain and names the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser("verify", help="Check every link of the audit chain; exit 1 at the first broken one.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify()

    def verify(self) -> None:
        report = chain_verify()
        if report.intact:
            self.stdout.write(f"Audit trail intact: {report.count} events.")
            return
        where = f"event id {report.broken_event_id}, sequence {report.broken_sequence}"
        if report.broken_event_id is None:
            where = f"chain head (sequence {report.broken_sequence})"
        raise CommandError(
            f"Audit trail broken at {where}: {report.problem}. {report.count} events before it are intact.",
            returncode=1,
        )
