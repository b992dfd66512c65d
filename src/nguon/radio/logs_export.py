"""The broadcast log of one commune and day as an Excel workbook (.xlsx): a title block, the day's
figures, then one row per line under Vietnamese headers. The cells are exactly the values of
:func:`nguon.radio.selectors.logs.day_log`, so the screen and the file agree."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from nguon.radio.selectors.logs import DayLog

COLUMNS: tuple[tuple[str, int], ...] = (
    ("STT", 6),
    ("Cụm loa", 28),
    ("Mã thiết bị", 18),
    ("Nội dung", 48),
    ("Nguồn", 12),
    ("Giờ theo lịch", 10),
    ("Bắt đầu phát", 10),
    ("Kết thúc", 10),
    ("Thời lượng (giây)", 12),
    ("Kết quả", 24),
    ("Khẩn cấp", 10),
    ("Ghi chú", 30),
)
HEADER_ROW = 6
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")


def _clock(value: datetime | None) -> str:
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%H:%M:%S") if value else ""


def workbook_bytes(log: DayLog) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Nhật ký phát thanh"
    sheet["A1"] = "SỔ NHẬT KÝ PHÁT THANH"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"Đơn vị: {log.unit.name} (mã {log.unit.code})"
    sheet["A3"] = f"Ngày: {log.day:%d/%m/%Y}"
    sheet["A4"] = (
        f"Theo lịch: {log.planned} — đã phát: {log.played} — không phát/lỗi: {log.missed} — "
        f"khẩn cấp: {log.emergencies} — tổng thời gian phát: {log.minutes_on_air} phút"
    )
    for col, (header, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=header)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = width
    for index, line in enumerate(log.lines, start=1):
        values: list[str | int] = [
            index,
            line.device_name,
            line.device_id,
            line.title,
            line.source,
            _clock(line.planned_at),
            _clock(line.started_at),
            _clock(line.ended_at),
            round(line.seconds),
            line.outcome_label,
            "Có" if line.is_emergency else "",
            line.detail,
        ]
        for col, value in enumerate(values, start=1):
            sheet.cell(row=HEADER_ROW + index, column=col, value=value)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
