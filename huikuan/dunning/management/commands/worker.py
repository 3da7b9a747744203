"""``huikuan worker``: runs background jobs (django-tasks' database worker) and keeps the schedule
(the daily dunning run at HUIKUAN_DUNNING_TIME, and the outbox's retries). Start as many as you
like, on as many machines as share the PostgreSQL database: a job is claimed by one worker only,
and so is each day's run (dunning.services.schedule)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils.translation import gettext as _

from huikuan.dunning.tasks import schedule_tick

logger = logging.getLogger("huikuan.worker")
TICK_SECONDS = 30.0


def _keep_schedule(stop: threading.Event, seconds: float) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            started = schedule_tick()
            if started:
                logger.info("schedule: started %s", ", ".join(started))
        except Exception:
            # a database that is briefly away must not stop the clock: the next tick tries again
            logger.exception("schedule tick failed")
        finally:
            connection.close()
        stop.wait(seconds)


class Command(BaseCommand):
    help = _("Run background jobs and the daily schedule (dunning runs, sending).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-schedule", action="store_true", help=_("Run jobs only; another worker keeps the schedule.")
        )
        parser.add_argument("--interval", type=float, default=1.0, help=_("Seconds between looks for new jobs."))
        parser.add_argument(
            "--tick", type=float, default=TICK_SECONDS, help=_("Seconds between looks at the schedule.")
        )
        parser.add_argument("--batch", action="store_true", help=_("Run the jobs waiting now, then stop."))

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options["no_schedule"] and not options["batch"]:
            threading.Thread(target=_keep_schedule, args=(stop, options["tick"]), name="schedule", daemon=True).start()
        try:
            call_command(
                "db_worker",
                interval=options["interval"],
                batch=options["batch"],
                reload=False,
                verbosity=options["verbosity"],
            )
        finally:
            stop.set()
