"""``nguon units import|show|list`` — the official administrative units from the command line."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from nguon.core.access import SystemActor
from nguon.units import selectors
from nguon.units.models import AdministrativeUnit
from nguon.units.official_import import DatasetMissingError, import_official_units


def format_units(units: list[AdministrativeUnit]) -> list[str]:
    """One tab-separated line per unit: code, full name, level, province code, status, successor code."""
    successors = selectors.default_successor_codes(units=[u for u in units if not u.is_current])
    return [
        "\t".join(
            (
                u.code,
                u.full_name,
                u.level,
                u.province_code,
                "current" if u.is_current else "historical",
                successors.get(u.pk, "") if not u.is_current else "",
            )
        )
        for u in units
    ]


class Command(BaseCommand):
    help = "Import, find and list administrative units (QĐ 19/2025 codes and pre-2025 history)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("import", help="Import or refresh all official units (idempotent).")
        show = sub.add_parser("show", help="Find units by code or name; diacritics optional.")
        show.add_argument("query", nargs="+")
        show.add_argument("--current", action="store_true", help="Only current (post-2025) units.")
        listing = sub.add_parser("list", help="Current communes and wards of a province.")
        listing.add_argument("--province", required=True, help="2-digit province code, e.g. 19")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(**options)

    def _import(self, **options: Any) -> None:
        bar: tqdm[Any] | None = None
        current = ""  # a disabled bar keeps no ``desc``: the stage is remembered here

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal bar, current
            if bar is None or current != stage:
                current = stage
                if bar is not None:
                    bar.close()
                bar = tqdm(
                    total=total,
                    desc=stage,
                    unit=" rows",
                    file=sys.stderr,
                    disable=options.get("verbosity", 1) < 1,
                )
            bar.update(done - bar.n)

        try:
            summary = import_official_units(actor=SystemActor("cli:units import"), progress=progress)
        except DatasetMissingError as error:
            raise CommandError(str(error)) from None
        finally:
            if bar is not None:
                bar.close()
        counts = summary.counts
        self.stdout.write(
            f"Units: {summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged; "
            f"{summary.successions} succession links added.\n"
            f"Current: {counts['province:current']} provinces, {counts['commune:current']} communes/wards. "
            f"Historical: {counts['province:historical']} provinces, {counts['district:historical']} districts, "
            f"{counts['commune:historical']} communes."
        )

    def _show(self, **options: Any) -> None:
        query = " ".join(options["query"])
        units = list(selectors.search_units(query=query, include_historical=not options["current"]))
        if not units:
            raise CommandError(
                f"No unit matches {query!r} (try a code such as 05569 or a name such as 'dinh hoa')."
            )
        self.stdout.write("\n".join(format_units(units)))

    def _list(self, **options: Any) -> None:
        code = options["province"].strip()
        if not AdministrativeUnit.objects.filter(level="province", is_current=True, code=code).exists():
            raise CommandError(
                f"No current province has code {code!r}. Province codes are 2 digits (QĐ 19/2025), e.g. 19 "
                "for Thái Nguyên; run 'nguon units import' first if the list is empty."
            )
        self.stdout.write("\n".join(format_units(list(selectors.list_communes(province_code=code)))))
