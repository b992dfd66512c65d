"""The indicator table as an Excel workbook: one sheet, a row per commune, the totals, and the source of
each indicator in a second sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from nguon.reports.indicators import INDICATORS
from nguon.reports.selectors.breakdown import Breakdown
from nguon.reports.selectors.tables import Number, Table

FONT = "Times New Roman"
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _breakdown_sheet(book: Workbook, breakdowns: Sequence[Breakdown]) -> None:
    sheet = book.create_sheet("Tin bài")
    line = 1
    for breakdown in breakdowns:
        sheet.cell(line, 1, breakdown.title).font = Font(name=FONT, bold=True)
        line += 1
        for label, count in breakdown.rows:
            sheet.cell(line, 1, label).font = Font(name=FONT)
            sheet.cell(line, 2, count).font = Font(name=FONT)
            line += 1
        sheet.cell(line, 1, "Tổng cộng").font = Font(name=FONT, bold=True)
        sheet.cell(line, 2, breakdown.total).font = Font(name=FONT, bold=True)
        line += 2
    sheet.column_dimensions["A"].width = 60


SHARE_TITLE = "Tỷ lệ chiến dịch hoàn thành (%)"


def campaign_share(values: Mapping[str, Number | None]) -> float | None:
    """Campaigns completed out of those assigned, as a fraction (shown as a percentage); none assigned:
    no share."""
    assigned, completed = values.get("campaigns_assigned"), values.get("campaigns_completed")
    if not assigned:
        return None
    return round(float(completed or 0) / float(assigned), 4)


def render_xlsx(table: Table, breakdowns: Sequence[Breakdown] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Chỉ tiêu"
    width = 4 + len(INDICATORS)  # the indicators, then the campaigns' share
    sheet.cell(1, 1, f"SỐ LIỆU THÔNG TIN CƠ SỞ {table.period.label.upper()}").font = Font(
        name=FONT, bold=True, size=14
    )
    sheet.cell(2, 1, f"{table.root.full_name} — số liệu {table.period.range_label}").font = Font(
        name=FONT, italic=True, size=12
    )
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    header = ["STT", "Mã", "Xã, phường", *(f"{i.name} ({i.measure})" for i in INDICATORS), SHARE_TITLE]
    for column, title in enumerate(header, start=1):
        cell = sheet.cell(4, column, title)
        cell.font = Font(name=FONT, bold=True, size=11)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = _BOX
    sheet.row_dimensions[4].height = 75
    row_number = 5
    for index, row in enumerate(table.rows, start=1):
        cells: list[str | Number | float | None] = [
            index,
            row.unit.code,
            row.unit.full_name,
            *(row.values[i.code] for i in INDICATORS),
        ]
        cells.append(campaign_share(row.values))
        for column, value in enumerate(cells, start=1):
            cell = sheet.cell(row_number, column, value)
            cell.font = Font(name=FONT, size=11)
            cell.border = _BOX
        sheet.cell(row_number, width).number_format = "0.0%"
        row_number += 1
    total: list[str | Number | float | None] = [
        "",
        "",
        "Tổng cộng",
        *(table.totals[i.code] for i in INDICATORS),
    ]
    total.append(campaign_share(dict(table.totals)))
    for column, value in enumerate(total, start=1):
        cell = sheet.cell(row_number, column, value)
        cell.font = Font(name=FONT, bold=True, size=11)
        cell.border = _BOX
    sheet.cell(row_number, width).number_format = "0.0%"
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 8
    sheet.column_dimensions["C"].width = 28
    for column in range(4, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 13
    sheet.freeze_panes = "D5"
    notes = book.create_sheet("Nguồn số liệu")
    for column, title in enumerate(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Nguồn", "Ghi chú"], start=1):
        notes.cell(1, column, title).font = Font(name=FONT, bold=True)
    for line, indicator in enumerate(INDICATORS, start=2):
        source = "Hệ thống tự tính" if indicator.source == "computed" else "Xã, phường nhập (có ghi nguồn)"
        for column, value in enumerate(
            [indicator.code, indicator.name, indicator.measure, source, indicator.note], start=1
        ):
            notes.cell(line, column, value).font = Font(name=FONT)
    share_note = ["campaigns_share", SHARE_TITLE, "%", "Hệ thống tự tính", "hoàn thành / được giao"]
    for column, value in enumerate(share_note, start=1):
        notes.cell(len(INDICATORS) + 2, column, value).font = Font(name=FONT)
    if breakdowns:
        _breakdown_sheet(book, breakdowns)
    output = BytesIO()
    book.save(output)
    return output.getvalue()
