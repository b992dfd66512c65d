"""``nguon demo load`` (the demo province, idempotent) and ``nguon demo totp USER`` (current 2FA code of a
demo account)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.accounts import two_factor
from nguon.accounts.choices import Role
from nguon.accounts.models import TOTPDevice
from nguon.core import access
from nguon.demo import data, loader
from nguon.demo.totp import demo_totp_secret


class Command(BaseCommand):
    help = "Demo province (Thái Nguyên): load it, or print a demo account's current 2FA code."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("load", help="Load the demo province into DATABASE_URL (idempotent).")
        totp = sub.add_parser("totp", help="Print the current 2FA code of a demo account.")
        totp.add_argument("username")
        sub.add_parser("accounts", help="Print the demo accounts.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "load":
            try:
                loader.load(say=self.stdout.write)
            except loader.DemoError as error:
                raise CommandError(str(error)) from None
            self.stdout.write("Demo province loaded.")
        elif options["subcommand"] == "totp":
            username = options["username"]
            if username not in {u[0] for u in data.USERS}:
                raise CommandError(f"{username!r} is not a demo account.")
            if not TOTPDevice.objects.filter(user__username=username, confirmed_at__isnull=False).exists():
                raise CommandError(f"{username!r} has no authenticator; run 'nguon demo load'.")
            self.stdout.write(two_factor.current_code(demo_totp_secret(username)))
        else:
            self.stdout.write(accounts_table())


def accounts_table() -> str:
    """The demo accounts with their role and scope, for the ``nguon start`` banner."""
    from nguon.units.models import AdministrativeUnit, Organisation

    units = dict(
        AdministrativeUnit.objects.filter(
            is_current=True, level__in=["province", "commune"], code__in={u[3] for u in data.USERS if u[3]}
        ).values_list("code", "full_name")
    )
    organisations = dict(
        Organisation.objects.filter(code__in={u[4] for u in data.USERS}).values_list("code", "name")
    )
    lines = [f"Mật khẩu chung / password: {settings.NGUON_DEMO_PASSWORD}"]
    for username, _full_name, role, unit_code, org_code in data.USERS:
        if unit_code:
            scope = units.get(unit_code, unit_code)
        else:
            scope = organisations.get(org_code, org_code) if org_code else "toàn hệ thống"
        mark = f"  (2FA: .venv/bin/nguon demo totp {username})" if role in access.ROLES_REQUIRING_2FA else ""
        lines.append(f"  {username:<18} {Role(role).label} — {scope}{mark}")
    return "\n".join(lines)
