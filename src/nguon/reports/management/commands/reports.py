"""``nguon reports render --period 2026-H1 --format docx|pdf|xlsx --out FILE [--unit CODE]`` and
``nguon reports remind [--today YYYY-MM-DD]`` (reminders 7 and 2 days before the due date; run it daily)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.reports.periods import PeriodCodeError, parse
from nguon.reports.render.pdf import RenderError
from nguon.reports.services import rollup
from nguon.reports.services.reminders import remind_due
from nguon.reports.services.rendering import FORMATS, render, report_unit


class Command(BaseCommand):
    help = "Thống kê, báo cáo: xuất báo cáo kỳ 6 tháng/năm (xlsx, docx, pdf theo Nghị định 30/2020)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        out = commands.add_parser("render", help="xuất báo cáo từ cơ sở dữ liệu hiện tại")
        out.add_argument("--period", required=True, help="2026-H1 (6 tháng) hoặc 2026-Y (năm)")
        out.add_argument("--format", required=True, choices=FORMATS)
        out.add_argument("--out", required=True, type=Path)
        out.add_argument("--unit", help="mã xã, phường (mặc định: cả tỉnh)")
        remind = commands.add_parser("remind", help="nhắc các xã chưa gửi báo cáo (7 và 2 ngày trước hạn)")
        remind.add_argument("--today", type=date.fromisoformat, help="ngày tính hạn (mặc định: hôm nay)")
        rollup_parser = commands.add_parser(
            "rollup", help="cộng dồn biên nhận phát theo ngày (chạy vài phút một lần; --all: tính lại tất cả)"
        )
        rollup_parser.add_argument("--all", action="store_true", help="tính lại mọi ngày từ biên nhận")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "rollup":
            if options["all"]:
                self.stdout.write(f"Đã tính lại {rollup.rebuild_all():,} dòng tổng hợp theo ngày.")
            else:
                days = rollup.refresh()
                self.stdout.write(
                    f"Đã cập nhật {len(days)} ngày: {', '.join(d.isoformat() for d in days) or '—'}."
                )
            return
        if options["command"] == "remind":
            summary = remind_due(today=options.get("today"))
            self.stdout.write(
                f"Đã nhắc {summary.communes} xã, phường ({summary.notices} thông báo) trong {summary.cycles} kỳ."
            )
            return
        try:
            period = parse(options["period"]).code
            unit = report_unit(options.get("unit"))
            content = render(period, options["format"], unit)
        except (PeriodCodeError, ValueError, RenderError) as error:
            raise CommandError(str(error)) from None
        path: Path = options["out"]
        path.write_bytes(content)
        self.stdout.write(f"{path} ({len(content):,} byte) — {unit.full_name}, kỳ {period}")
