"""``nguon feedback …``: citizens' feedback from the shell (docs/open311.md, docs/feedback.md).

Subcommands are groups with their own subcommands, e.g. ``nguon feedback api-key create NAME``. Add a new
group by adding a parser in :meth:`Command.add_arguments` and a ``_<group>`` method.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nguon.core.access import SystemActor
from nguon.feedback.choices import Channel
from nguon.feedback.models import ApiClient
from nguon.feedback.services import clients

ACTOR = SystemActor("cli:feedback")


class Command(BaseCommand):
    help = "Citizens' feedback: API keys for client programs (Open311, the mobile app)."

    def add_arguments(self, parser: CommandParser) -> None:
        groups = parser.add_subparsers(dest="group", required=True)
        keys = groups.add_parser("api-key", help="Keys of client programs (Open311 api_key).")
        key_commands = keys.add_subparsers(dest="action", required=True)
        create = key_commands.add_parser("create", help="Register a client program; print its key once.")
        create.add_argument("name")
        create.add_argument(
            "--channel",
            choices=sorted(clients.CLIENT_CHANNELS),
            default=Channel.OPEN311,
            help="the channel its feedback is recorded under (default open311)",
        )
        revoke = key_commands.add_parser("revoke", help="Refuse a client's key from now on.")
        revoke.add_argument("client", help="the client's id or key prefix (as `list` shows)")
        key_commands.add_parser("list", help="Every client program, with its key prefix and state.")
        groups.add_parser("remind", help="Remind handlers of due feedback; escalate overdue feedback.")
        anonymise = groups.add_parser(
            "anonymise", help="Blank the personal data of feedback past the retention period."
        )
        anonymise.add_argument("--dry-run", action="store_true", help="only count what would be blanked")
        groups.add_parser(
            "central-push", help="Send status changes and answers back to the central mobile app."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, "_" + options["group"].replace("-", "_"))
        try:
            handler(options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None

    def _api_key(self, options: dict[str, Any]) -> None:
        action = options["action"]
        if action == "create":
            client, key = clients.create_api_client(
                actor=ACTOR, name=options["name"], channel=options["channel"]
            )
            self.stdout.write(f"Client {client.pk} {client.name!r} ({client.channel}) created.")
            self.stdout.write("Key (shown only now, store it safely):")
            self.stdout.write(key)
        elif action == "revoke":
            wanted = options["client"]
            found = ApiClient.objects.filter(key_prefix=wanted) if not wanted.isdigit() else None
            if found is None:
                found = ApiClient.objects.filter(pk=int(wanted))
            if found.count() != 1:
                raise CommandError(
                    f"No single client with id or key prefix {wanted!r} (nguon feedback api-key list)."
                )
            client = clients.revoke_api_client(actor=ACTOR, client=found.get())
            self.stdout.write(
                f"Client {client.pk} {client.name!r} revoked at {timezone.localtime(client.revoked_at):%Y-%m-%d %H:%M}."
            )
        else:
            for client in ApiClient.objects.order_by("pk"):
                state = (
                    f"revoked {timezone.localtime(client.revoked_at):%Y-%m-%d}"
                    if client.revoked_at
                    else "active"
                )
                self.stdout.write(
                    f"{client.pk}\t{client.key_prefix}…\t{client.channel}\t{state}\t{client.name}"
                )

    def _remind(self, options: dict[str, Any]) -> None:
        from nguon.feedback.services.deadlines import remind_and_escalate

        done = remind_and_escalate(timezone.now())
        self.stdout.write(f"Reminded: {done.reminded}; escalated: {done.escalated}; notices: {done.notices}")

    def _anonymise(self, options: dict[str, Any]) -> None:
        from nguon.feedback.services.retention import anonymise_expired

        done = anonymise_expired(timezone.now(), dry_run=options["dry_run"])
        verb = "Would anonymise" if done.dry_run else "Anonymised"
        self.stdout.write(f"{verb}: {done.feedback} feedback; files unlinked: {done.files_unlinked}")

    def _central_push(self, options: dict[str, Any]) -> None:
        from nguon.feedback.central_app import CentralAppError
        from nguon.feedback.services.central_app import push_pending

        try:
            done = push_pending()
        except CentralAppError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Pushed: {done.pushed}; failed: {done.failed}; unchanged: {done.unchanged}")
