"""``nguon reports render --period 2026-H1 --format docx|pdf|xlsx --out FILE [--unit CODE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.reports.periods import PeriodCodeError, parse
from nguon.reports.render.pdf import RenderError
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

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse(options["period"]).code
            unit = report_unit(options.get("unit"))
            content = render(period, options["format"], unit)
        except (PeriodCodeError, ValueError, RenderError) as error:
            raise CommandError(str(error)) from None
        path: Path = options["out"]
        path.write_bytes(content)
        self.stdout.write(f"{path} ({len(content):,} byte) — {unit.full_name}, kỳ {period}")
