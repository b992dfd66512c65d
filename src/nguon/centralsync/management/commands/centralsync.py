"""``nguon centralsync …``: the upward push to the central system from the shell
(docs/integrations/central-sync.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nguon.centralsync import selectors, services
from nguon.centralsync.choices import Dataset
from nguon.core.access import SystemActor

ACTOR = SystemActor("cli:centralsync")


class Command(BaseCommand):
    help = "Upward sync to the central system: push datasets, show where each stands."

    def add_arguments(self, parser: CommandParser) -> None:
        groups = parser.add_subparsers(dest="group", required=True)
        push = groups.add_parser("push", help="Send what changed since the last acknowledged batch.")
        push.add_argument("--dataset", choices=[*Dataset.values, "all"], default="all")
        push.add_argument(
            "--batch-size",
            type=int,
            default=services.DEFAULT_BATCH_SIZE,
            help=f"items per batch (default {services.DEFAULT_BATCH_SIZE})",
        )
        groups.add_parser("status", help="Per dataset: items waiting, last success, last error.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["group"] == "push":
                self._push(options)
            else:
                self._status()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None

    def _push(self, options: dict[str, Any]) -> None:
        result = services.push(actor=ACTOR, dataset=options["dataset"], batch_size=options["batch_size"])
        for done in result.datasets:
            line = f"{done.dataset}: {done.items} mục trong {done.batches} lô"
            if done.failed:
                line += f" — LỖI: {done.error}"
            self.stdout.write(line)
        if not result.ok:
            raise CommandError("Có tập dữ liệu chưa gửi được; các mục vẫn chờ và sẽ được gửi lại lần sau.")

    def _status(self) -> None:
        for row in selectors.list_status(user=ACTOR):
            success = (
                timezone.localtime(row.last_success_at).strftime("%d/%m/%Y %H:%M")
                if row.last_success_at
                else "chưa"
            )
            line = (
                f"{row.dataset:<11} chờ {row.pending:>6}  đã gửi {row.items_sent:>8}  thành công: {success}"
            )
            if row.last_error:
                line += f"  lỗi: {row.last_error}"
            self.stdout.write(line)
