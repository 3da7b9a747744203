"""``huikuan dunning run [--date YYYY-MM-DD] [--dry-run]``: the daily run by hand, printing what it
did (or would do); ``huikuan dunning send``: send the outbox now."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from huikuan.accounts.models import Company, User
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.dunning.services.outbox import outbox_dispatch
from huikuan.dunning.services.run import BATCH, Outcome, RunReport, dunning_run


class Command(BaseCommand):
    help = _("Run the daily dunning by hand, or send the queued messages.")

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        run = commands.add_parser("run", help=_("Perform every dunning step due on a business date."))
        run.add_argument("--date", help=_("Business date, YYYY-MM-DD (default: today)."))
        run.add_argument("--dry-run", action="store_true", help=_("Show what would be done; change nothing."))
        run.add_argument("--company", help=_("Company code (default: every company)."))
        run.add_argument(
            "--no-send", action="store_true", help=_("Leave the messages queued for the worker instead of sending now.")
        )
        run.add_argument(
            "--batch-size", type=int, default=BATCH, help=_("Customers per transaction (default %(default)s).")
        )
        commands.add_parser("send", help=_("Send the queued messages that are due."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "send":
            self._print_dispatch(outbox_dispatch().as_dict())
            return
        as_of = self._date(options["date"])
        if options["batch_size"] < 1:
            raise CommandError(_("The batch size must be at least 1."))
        companies = Company.objects.order_by("code")
        if options["company"]:
            companies = companies.filter(code=options["company"])
            if not companies.exists():
                raise CommandError(_("No company has the code %(code)s.") % {"code": options["company"]})
        for company in companies:
            try:
                report = dunning_run(
                    company=company,
                    as_of=as_of,
                    dry_run=options["dry_run"],
                    source="command",
                    batch_size=options["batch_size"],
                )
            except DomainError as error:
                raise CommandError(str(error.message)) from error
            self._print_report(company, report)
        if not options["dry_run"] and not options["no_send"]:
            self._print_dispatch(outbox_dispatch().as_dict())

    def _date(self, raw: str | None) -> dt.date:
        if not raw:
            return today()
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise CommandError(_("The date must be written YYYY-MM-DD, not %(value)s.") % {"value": raw}) from None

    def _print_report(self, company: Company, report: RunReport) -> None:
        heading = _("Dry run, nothing changed") if report.dry_run else _("Run %(id)s") % {"id": report.run_id}
        self.stdout.write(f"{company.code} {company.name} {report.business_date}: {heading}")
        if not report.outcomes:
            self.stdout.write("  " + _("No step is due."))
        user_ids = {task.assignee_id for outcome in report.outcomes for task in outcome.tasks}
        user_ids |= {
            m.recipient_user_id for outcome in report.outcomes for m in outcome.messages if m.recipient_user_id
        }
        names = {user.pk: user.username for user in User.objects.filter(pk__in=user_ids)}
        for outcome in report.outcomes:
            self.stdout.write(self._outcome_line(outcome, names))
        counts = report.counts()
        self.stdout.write(
            "  "
            + _("%(customers)d customers, %(installments)d installments, %(steps)d steps performed")
            % {
                "customers": counts.get("customers", 0),
                "installments": counts.get("installments", 0),
                "steps": counts.get("steps", 0),
            }
        )

    def _outcome_line(self, outcome: Outcome, names: dict[int, str]) -> str:
        plan = outcome.plan
        steps = ", ".join(f"{step.days:+d} {step.name}" for step in plan.steps())
        done = [
            f"{message.get_channel_display()} → {message.to_address or names.get(message.recipient_user_id or 0, '')}"
            for message in outcome.messages
        ]
        done += [_("task for %(user)s") % {"user": names.get(task.assignee_id, "")} for task in outcome.tasks]
        if outcome.credit_hold:
            done.append(_("credit hold"))
        if outcome.final:
            done.append(_("case final"))
        failed = [message.last_error for message in outcome.messages if message.last_error]
        line = f"  {plan.code} {plan.name}: {len(plan.items)} × [{steps}]; " + "; ".join(done)
        return line + ("".join(f" ({error})" for error in failed))

    def _print_dispatch(self, counts: dict[str, int]) -> None:
        self.stdout.write(
            _("Sending: %(sent)d sent, %(retry)d to retry, %(failed)d failed, %(unknown)d unknown")
            % {
                "sent": counts.get("sent", 0),
                "retry": counts.get("retry", 0),
                "failed": counts.get("failed", 0),
                "unknown": counts.get("unknown", 0),
            }
        )
