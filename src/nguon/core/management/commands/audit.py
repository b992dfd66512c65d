"""``nguon audit verify`` — check the hash chain of the audit trail."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.core import audit


class Command(BaseCommand):
    help = "Audit trail tools."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Walk the chain and report the first broken link.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"Audit chain BROKEN at seq {result.broken_seq}: {result.reason}. "
                f"{result.checked} rows before it verified."
            )
        self.stdout.write(f"Audit chain OK: {result.checked} rows verified.")
