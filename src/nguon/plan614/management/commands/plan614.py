"""``nguon plan614 seed`` (load the targets and ten annex tasks of Đề án 614, idempotent) and
``nguon plan614 measure [--on YYYY-MM-DD]`` (compute every computed target as of that day; run it daily)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from nguon.core.access import SystemActor
from nguon.plan614 import seed
from nguon.plan614.selectors import get_plan_unit
from nguon.plan614.services import measure_all


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(
            f"Ngày “{raw}” không hợp lệ: dùng dạng NĂM-THÁNG-NGÀY, ví dụ 2026-11-30."
        ) from None


class Command(BaseCommand):
    help = "Đề án 614: nạp mục tiêu và nhiệm vụ, tính số liệu các mục tiêu đo tự động."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser(
            "seed", help="nạp các mục tiêu và 10 nhiệm vụ của Đề án 614 (chỉ thêm cái còn thiếu)"
        )
        measure = commands.add_parser("measure", help="tính các mục tiêu đo tự động và lưu số liệu")
        measure.add_argument("--on", type=_day, help="số liệu tính đến ngày (mặc định: hôm nay)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            province = get_plan_unit()
        except Http404:
            raise CommandError("Chưa có đơn vị cấp tỉnh: chạy “nguon units import” trước.") from None
        if options["command"] == "seed":
            result = seed.load(actor=SystemActor("cli:plan614 seed"), province=province)
            self.stdout.write(
                f"Đề án 614: thêm {result.targets} mục tiêu, {result.tasks} nhiệm vụ ({province.full_name})."
            )
            return
        try:
            stored = measure_all(actor=SystemActor("cli:plan614 measure"), as_of=options.get("on"))
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        for m in stored:
            self.stdout.write(f"{m.target.code}: {m.value} (đến {m.measured_on:%d/%m/%Y})")
        self.stdout.write(f"Đã tính {len(stored)} mục tiêu.")
