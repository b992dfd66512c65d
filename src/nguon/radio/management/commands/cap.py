"""``nguon cap import FILE --issuer CODE`` and ``nguon cap validate FILE`` — CAP 1.2 from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.core.access import SystemActor
from nguon.radio.cap.read import read
from nguon.radio.cap.schema import MAX_BYTES, CapError, parse_cap
from nguon.units.models import AdministrativeUnit


def _read_file(name: str) -> bytes:
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"Không có tệp {name}.")
    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


class Command(BaseCommand):
    help = "Import a CAP 1.2 alert as an emergency order waiting for approval, or only check a file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        importing = sub.add_parser("import", help="Import FILE for the unit --issuer (waits for approval).")
        importing.add_argument("file")
        importing.add_argument("--issuer", required=True, help="Unit code, e.g. 19 (the province) or 05569")
        checking = sub.add_parser(
            "validate", help="Check FILE against the OASIS CAP 1.2 schema; write nothing."
        )
        checking.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(**options)

    def _validate(self, **options: Any) -> None:
        try:
            incoming = read(parse_cap(_read_file(options["file"])))
        except CapError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"CAP 1.2 hợp lệ: {incoming.msg_type} {incoming.identifier} của {incoming.sender}, "
            f"{len(incoming.areas)} vùng."
        )

    def _import(self, **options: Any) -> None:
        from nguon.radio.services.cap import import_cap

        issuer = AdministrativeUnit.objects.filter(code=options["issuer"], is_current=True).first()
        if issuer is None:
            raise CommandError(f"Không có đơn vị hành chính mã {options['issuer']}.")
        try:
            order = import_cap(
                actor=SystemActor("cli:cap import"), xml=_read_file(options["file"]), issuer_unit=issuer
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        units = ", ".join(u.code for u in order.units.order_by("path"))
        self.stdout.write(
            f"Lệnh phát khẩn cấp số {order.pk} ({order.status}): {order.title} — địa bàn {units}."
        )
        for line in (order.cap_source or {}).get("unmapped") or []:
            self.stdout.write(f"  không dùng: {line}")
