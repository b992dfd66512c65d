"""``nguon outbound deliver [--loop] [--limit N] [--interval S]``: send due outbound messages (each pass
first runs the reconciliation sweep); ``nguon outbound reconcile``: only the sweep."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nguon.outbound.services import enqueue, queue


class Command(BaseCommand):
    help = "Outbound channels: deliver due messages (Zalo, Facebook, SMS, e-mail, webhooks)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        deliver = sub.add_parser("deliver", help="Send the messages that are due, once or in a loop.")
        deliver.add_argument("--loop", action="store_true", help="keep running (the worker of `nguon start`)")
        deliver.add_argument("--limit", type=int, default=50, help="messages per pass (default 50)")
        deliver.add_argument("--interval", type=float, default=5.0, help="seconds between idle passes")
        sub.add_parser("reconcile", help="Queue what a lost distribution or withdrawal signal left out.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "reconcile":
            done = enqueue.reconcile()
            self.stdout.write(
                f"outbound: {done.published} to publish or correct, {done.withdrawn} to withdraw"
            )
            return
        while True:
            report = queue.deliver_due(limit=options["limit"])
            if report.claimed or not options["loop"]:
                self.stdout.write(
                    f"outbound: {report.sent} sent, {report.retrying} to retry, {report.dead} dead, "
                    f"{report.cancelled} cancelled, {report.deferred} deferred"
                    + (f", {report.reconciled} queued by reconciliation" if report.reconciled else "")
                )
            if not options["loop"]:
                return
            if report.claimed < options["limit"]:
                time.sleep(options["interval"])
