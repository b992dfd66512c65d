"""``nguon boards compile [--unit CODE] [--days N]``: e-board manifests from the shell (docs/boards.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.boards.services import compilation
from nguon.core.access import SystemActor
from nguon.units.models import AdministrativeUnit

ACTOR = SystemActor("cli:boards")


class Command(BaseCommand):
    help = "Public e-boards: compile schedules into e-board manifests (docs/boards.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        comp = sub.add_parser("compile", help="Compile every e-board's schedule into its manifest.")
        comp.add_argument("--unit", help="commune or province code (default: every e-board)")
        comp.add_argument(
            "--days",
            type=int,
            default=compilation.DEFAULT_DAYS,
            help=f"days after today to include (default {compilation.DEFAULT_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["unit"]:
                unit = AdministrativeUnit.objects.filter(code=options["unit"], is_current=True).first()
                if unit is None:
                    raise CommandError(
                        f"No current unit with code {options['unit']!r} (nguon units show CODE)."
                    )
                result = compilation.compile_unit(actor=ACTOR, unit=unit, days=options["days"])
            else:
                result = compilation.compile_all(actor=ACTOR, days=options["days"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            f"{result.boards} boards, {result.changed} manifests changed, {result.windows} windows, "
            f"{result.slides} slides"
        )
        for note in result.notes:
            self.stdout.write(f"  {note}")
