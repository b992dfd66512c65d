"""``nguon central pull [--max-pages N]`` and ``nguon central status``: intake from the central system."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.content.selectors import central as central_selectors
from nguon.content.services import central


class Command(BaseCommand):
    help = "Intake of bulletins from the central source system (docs/integrations/central.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        pull = sub.add_parser(
            "pull", help="Pull new bulletins from the stored cursor and submit them to the board."
        )
        pull.add_argument(
            "--max-pages",
            type=int,
            default=central.DEFAULT_MAX_PAGES,
            help=f"stop after this many pages (default {central.DEFAULT_MAX_PAGES}); the next run resumes",
        )
        sub.add_parser("status", help="Show the cursor, the last success and error, and counts.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "pull":
            self._pull(options["max_pages"])
        else:
            self._status()

    def _pull(self, max_pages: int) -> None:
        if max_pages < 1:
            raise CommandError("--max-pages must be at least 1.")
        summary = central.pull(max_pages=max_pages)
        self.stdout.write(
            f"Pages: {summary.pages}; created: {summary.created}, revised: {summary.revised}, "
            f"unchanged: {summary.unchanged}, conflicts: {summary.conflicts}, rejected: {len(summary.failures)}."
        )
        self.stdout.write(f"Cursor: {summary.cursor or '(start of feed)'}")
        for failure in summary.failures:
            self.stderr.write(f"  rejected {failure}")
        if not summary.ok:
            raise CommandError(f"Pull stopped: {summary.error} The next run resumes from the stored cursor.")
        if not summary.complete:
            self.stdout.write(f"More pages wait; stopped after {max_pages} (run again to continue).")

    def _status(self) -> None:
        s = central_selectors.get_status()
        lines = [
            f"Pull: {'configured' if s.pull_configured else 'not configured (NGUON_CENTRAL_URL, NGUON_CENTRAL_TOKEN)'}",
            f"Push: {'on' if s.push_configured else 'off (NGUON_CENTRAL_PUSH_TOKEN)'}",
            f"Cursor: {s.cursor or '(start of feed)'}",
            f"Last success: {s.last_success_at.isoformat() if s.last_success_at else 'never'}",
            f"Last error: {s.last_error_at.isoformat() + ' ' + s.last_error if s.last_error_at else 'none'}",
            (
                f"Received: {s.received} (pulled {s.pulled}, pushed {s.pushed}); awaiting appraisal: "
                f"{s.awaiting_appraisal}; conflicts: {s.conflicts}; rejected: {s.rejected}"
            ),
        ]
        for line in lines:
            self.stdout.write(line)
