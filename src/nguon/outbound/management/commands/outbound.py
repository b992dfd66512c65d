"""``nguon outbound deliver [--loop] [--limit N] [--interval S]``: send due outbound messages."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nguon.outbound.services import queue


class Command(BaseCommand):
    help = "Outbound channels: deliver due messages (Zalo, Facebook, SMS, e-mail, webhooks)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        deliver = sub.add_parser("deliver", help="Send the messages that are due, once or in a loop.")
        deliver.add_argument("--loop", action="store_true", help="keep running (the worker of `nguon start`)")
        deliver.add_argument("--limit", type=int, default=50, help="messages per pass (default 50)")
        deliver.add_argument("--interval", type=float, default=5.0, help="seconds between idle passes")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            report = queue.deliver_due(limit=options["limit"])
            if report.claimed or not options["loop"]:
                self.stdout.write(
                    f"outbound: {report.sent} sent, {report.retrying} to retry, {report.dead} dead, "
                    f"{report.cancelled} cancelled, {report.deferred} deferred"
                )
            if not options["loop"]:
                return
            if report.claimed < options["limit"]:
                time.sleep(options["interval"])
