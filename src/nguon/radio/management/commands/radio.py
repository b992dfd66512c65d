"""``nguon radio compile|materialise``: commune radio schedules from the shell."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.core.access import SystemActor
from nguon.radio.models import CompilationReport
from nguon.radio.services import compilation, programmes
from nguon.units.models import AdministrativeUnit

ACTOR = SystemActor("cli:radio")


class Command(BaseCommand):
    help = "Commune radio: materialise occurrences, compile device manifests (docs/radio.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        comp = sub.add_parser("compile", help="Compile schedules into device manifests and publish them.")
        which = comp.add_mutually_exclusive_group(required=True)
        which.add_argument("--unit", help="commune code, e.g. 05569")
        which.add_argument("--all", action="store_true", help="every commune that has programmes")
        comp.add_argument("--warnings", action="store_true", help="print every warning, not only counts")
        mat = sub.add_parser(
            "materialise", help="Create the occurrences of every programme up to the horizon."
        )
        mat.add_argument("--unit", help="commune code (default: every commune that has programmes)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "compile":
                self._compile(options)
            else:
                self._materialise(options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None

    def _unit(self, code: str) -> AdministrativeUnit:
        unit = AdministrativeUnit.objects.filter(code=code, is_current=True).first()
        if unit is None:
            raise CommandError(f"No current unit with code {code!r} (nguon units show CODE).")
        return unit

    def _compile(self, options: dict[str, Any]) -> None:
        if options["all"]:
            reports = compilation.compile_all(actor=ACTOR)
        else:
            reports = [compilation.compile_unit(actor=ACTOR, unit=self._unit(options["unit"]))]
        for report in reports:
            self._print(report, verbose=options["warnings"])
        if not reports:
            self.stdout.write("No commune has radio programmes.")

    def _print(self, report: CompilationReport, *, verbose: bool) -> None:
        self.stdout.write(
            f"{report.unit.code} {report.unit.name}: {report.devices} devices, "
            f"{report.manifests_changed} manifests changed, {report.items} items, "
            f"{report.download_bytes} bytes to download, {len(report.warnings)} warnings"
        )
        if verbose:
            for warning in report.warnings:
                self.stdout.write(f"  [{warning['code']}] {warning['message']}")

    def _materialise(self, options: dict[str, Any]) -> None:
        units = [self._unit(options["unit"])] if options["unit"] else compilation.units_to_compile()
        for unit in units:
            changed = programmes.materialise_unit(unit)
            self.stdout.write(f"{unit.code} {unit.name}: {changed} occurrences created, moved or removed")
