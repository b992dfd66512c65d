"""The completion table of a campaign as an Excel workbook (.xlsx), for the issuer's reports upward.

The sheet holds a title block (campaign, document reference, deadline, issuing unit), the summary, then
one row per target under Vietnamese headers. Dates are real Excel dates (dd/mm/yyyy), times are
Vietnamese local times; numbers are numbers. The cells are exactly the values of
:func:`nguon.content.selectors.campaigns.completion_table`, so the screen and the file agree.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from nguon.content.models import Campaign
from nguon.content.selectors.campaigns import VN_TZ, CompletionRow, CompletionTable, local_today

#: (header, width in characters) of each column, in order.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("STT", 6),
    ("Đơn vị thực hiện", 36),
    ("Loại", 18),
    ("Trạng thái", 16),
    ("Hình thức đã thực hiện", 40),
    ("Ngày thực hiện đầu tiên", 14),
    ("Ngày thực hiện gần nhất", 14),
    ("Số người được tiếp cận", 14),
    ("Số báo cáo", 10),
    ("Số minh chứng", 10),
    ("Số lần nhắc", 10),
    ("Lần nhắc gần nhất", 18),
)
HEADER_ROW = 7
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
SHEET_TITLE = "Tiến độ thực hiện"

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
_OVERDUE_FILL = PatternFill("solid", fgColor="FDE7E5")


def _naive(value: datetime | None) -> datetime | None:
    """Excel has no time zones: Vietnamese wall-clock time, without the zone."""
    return value.astimezone(VN_TZ).replace(tzinfo=None) if value is not None else None


def row_values(index: int, row: CompletionRow) -> list[Any]:
    """The cells of one target, in :data:`COLUMNS` order."""
    return [
        index,
        row.name,
        row.kind,
        row.status_label,
        ", ".join(row.channels) or None,
        row.first_done_on,
        row.last_done_on,
        row.audience,
        row.report_count,
        row.evidence_count,
        row.reminder_count,
        _naive(row.last_reminded_at),
    ]


def _title_block(campaign: Campaign, table: CompletionTable) -> list[list[Any]]:
    summary = table.summary
    issuer = campaign.organisation.name if campaign.organisation else campaign.unit.full_name
    state = "Quá hạn, còn đơn vị chưa báo cáo" if summary.is_overdue else "Chưa quá hạn"
    if summary.pending == 0:
        state = "Tất cả đơn vị đã báo cáo"
    return [
        [f"Chiến dịch tuyên truyền: {campaign.title}"],
        ["Văn bản:", campaign.reference or "—", "Cơ quan ban hành:", issuer],
        ["Hạn báo cáo:", summary.deadline, "Trạng thái chiến dịch:", str(campaign.get_status_display())],
        [
            "Đã báo cáo:",
            f"{summary.reported}/{summary.targets} ({summary.percent}%)",
            "Chưa báo cáo:",
            summary.pending,
            "Tình trạng:",
            state,
        ],
        ["Số liệu đến ngày:", summary.today, "Xuất lúc:", _naive(timezone.now())],
    ]


def build_workbook(campaign: Campaign, table: CompletionTable) -> Workbook:
    """The workbook of ``table`` (one sheet)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SHEET_TITLE
    for number, values in enumerate(_title_block(campaign, table), start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            if column % 2 == 1 and number > 1:
                cell.font = _BOLD
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for column, (header, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=header)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    for index, row in enumerate(table.rows, start=1):
        number = HEADER_ROW + index
        for column, value in enumerate(row_values(index, row), start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            if row.is_overdue:
                cell.fill = _OVERDUE_FILL
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(table.rows), 1)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    return book


def workbook_bytes(campaign: Campaign, table: CompletionTable) -> bytes:
    buffer = io.BytesIO()
    build_workbook(campaign, table).save(buffer)
    return buffer.getvalue()


def filename(campaign: Campaign) -> str:
    return f"chien-dich-{campaign.pk}-tien-do-{local_today():%Y%m%d}.xlsx"


def export_response(campaign: Campaign, table: CompletionTable) -> FileResponse:
    """A download of the workbook (streamed from memory; the table is small)."""
    response = FileResponse(
        io.BytesIO(workbook_bytes(campaign, table)),
        as_attachment=True,
        filename=filename(campaign),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response
