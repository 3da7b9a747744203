"""``huikuan bank import FILE --account ACCOUNT --user USER [--format ...]``: import a statement file
from the shell and match it; ``huikuan bank match --user USER``: match the open lines of the user's
company again (after customers or contracts were added, say). A bad file stores nothing and exits with 1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from huikuan.accounts.models import Company, User
from huikuan.bank import names
from huikuan.bank.errors import StatementRejected
from huikuan.bank.models import BankAccount
from huikuan.bank.parsing import FORMATS
from huikuan.bank.services.matching import MatchSummary, lines_match, statement_import_and_match
from huikuan.core import crypto
from huikuan.core.errors import DomainError


class Command(BaseCommand):
    help = _("Import bank statement files and match their lines to customers' installments.")

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        imports = commands.add_parser("import", help=_("Import a statement file into a bank account."))
        imports.add_argument("file", help=_("The statement file (CSV, XLSX, MT940 or CAMT.053)."))
        imports.add_argument("--account", required=True, help=_("The bank account: its name or its number."))
        imports.add_argument("--format", default="auto", choices=["auto", *FORMATS], help=_("Default: recognise."))
        imports.add_argument("--user", required=True, help=_("Who imports: the receipts are recorded by this user."))
        imports.add_argument("--no-match", action="store_true", help=_("Store the lines, match nothing yet."))
        match = commands.add_parser("match", help=_("Match the open lines of a company again."))
        match.add_argument("--user", required=True, help=_("Who matches: the receipts are recorded by this user."))

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("No active user is called %(name)s.") % {"name": options["user"]})
        if user.company_id is None:
            raise CommandError(_("%(name)s works in no company.") % {"name": user.username})
        if options["action"] == "match":
            try:
                self._print_match(lines_match(actor=user, company_id=user.company_id))
            except DomainError as error:
                raise CommandError(str(error.message)) from error
            return
        account = self._account(user.company, options["account"])
        path = Path(options["file"])
        try:
            if path.stat().st_size > settings.HUIKUAN_BANK_FILE_MAX_BYTES:
                raise CommandError(_("The file is larger than the limit (HUIKUAN_BANK_FILE_MAX_BYTES)."))
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}) from None
        try:
            result, summary = statement_import_and_match(
                actor=user,
                account=account,
                data=data,
                file_name=path.name,
                format=options["format"],
                match=not options["no_match"],
            )
        except StatementRejected as error:
            for problem in error.errors:
                where = _("row %(row)s") % {"row": problem.row} if problem.row else _("file")
                self.stderr.write(f"{where}: {problem.field + ': ' if problem.field else ''}{problem.message}")
            raise CommandError(str(error.message)) from error
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            _("%(read)s lines read: %(new)s new, %(duplicates)s duplicates, %(outgoing)s money out (ignored).")
            % {"read": result.read, "new": result.new, "duplicates": result.duplicates, "outgoing": result.outgoing}
        )
        for statement in result.statements:
            self.stdout.write(
                _("Statement %(start)s – %(end)s: balances %(check)s.")
                % {
                    "start": statement.starts_on,
                    "end": statement.ends_on,
                    "check": statement.get_balance_check_display(),
                }
            )
        if result.other_accounts:
            self.stdout.write(
                _("Left out, other accounts: %(accounts)s") % {"accounts": ", ".join(result.other_accounts)}
            )
        if not options["no_match"]:
            self._print_match(summary)

    def _account(self, company: Company | None, wanted: str) -> BankAccount:
        accounts = BankAccount.objects.filter(company=company)
        account = accounts.filter(name=wanted).first()
        if account is None and names.account_key(wanted):
            account = accounts.filter(number_digest=crypto.digest(names.account_key(wanted))).first()
        if account is None:
            raise CommandError(_("No bank account is named or numbered %(account)s.") % {"account": wanted})
        return account

    def _print_match(self, summary: MatchSummary) -> None:
        self.stdout.write(
            _("%(applied)s matched automatically, %(review)s left for review (%(none)s without a proposal).")
            % {
                "applied": summary.applied,
                "review": summary.for_review + summary.no_proposal + summary.failed,
                "none": summary.no_proposal,
            }
        )
