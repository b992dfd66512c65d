"""``nguon content remind``: notify the people of overdue workflow steps and commune decisions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nguon.content.services.reminders import remind_overdue


class Command(BaseCommand):
    help = "Bulletins and campaigns: housekeeping commands."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("remind", help="Notify people of overdue steps (at most once a day per item).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "remind":
            summary = remind_overdue()
            self.stdout.write(
                f"Overdue bulletins: {summary.bulletins}; overdue commune decisions: {summary.inbox_entries}; "
                f"notices: {summary.notices}"
            )
