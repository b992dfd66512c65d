"""``nguon scheduler`` — enqueue the periodic background jobs when they are due (``nguon start`` runs it).

``--once`` decides once and exits (for cron or a test); ``--list`` prints the table with when each job is
next due.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import OperationalError
from django.utils import timezone

from nguon.core import periodic


class Command(BaseCommand):
    help = "Enqueue the periodic background jobs when they are due (see docs/periodic-jobs.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="decide once and exit")
        parser.add_argument("--list", action="store_true", help="print the jobs and when each is next due")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between decisions")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            due = periodic.next_due()
            for job in periodic.JOBS:
                when = timezone.localtime(due[job.name]).strftime("%d/%m/%Y %H:%M:%S")
                self.stdout.write(f"{job.name:24} every {job.every}  next {when}  {job.purpose}")
            return
        if options["once"]:
            for name in periodic.run_due():
                self.stdout.write(f"enqueued {name}")
            return
        stopping = False

        def stop(signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping:
            try:
                for name in periodic.run_due():
                    self.stdout.write(f"enqueued {name}")
            except OperationalError as exc:  # the database restarting: try again at the next tick
                self.stderr.write(f"scheduler: database unavailable ({exc}); retrying")
            slept = 0.0
            while slept < options["interval"] and not stopping:
                time.sleep(0.25)
                slept += 0.25
