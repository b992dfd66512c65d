"""The official report (BÁO CÁO) in the layout of Nghị định 30/2020/NĐ-CP, Appendix I: A4; Times New Roman;
margins top 20, bottom 20, left 30, right 15 mm; issuing body top left, national name and motto top right
with a rule; number; place and date in italics; the document type and its summary line; the body justified
at 14 pt with 6 pt after each paragraph; page numbers centred in the top margin from page 2; recipients and
signature blocks.

The body is written from the indicator table (every number comes from ``selectors/tables.py``); parts only
people can write (assessment, proposals) are left as marked placeholders for the issuing office.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from nguon.reports.indicators import INDICATORS
from nguon.reports.render.charts import WIDTH_MM, Chart
from nguon.reports.render.numbers import percent, vn
from nguon.reports.selectors.breakdown import Breakdown, Suppliers
from nguon.reports.selectors.tables import Table

FONT = "Times New Roman"
BODY_PT = 14


@dataclass(frozen=True)
class Letterhead:
    """Who issues the report and where: the parts of the page head and foot that are not numbers."""

    parent_body: str  # "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN" (cơ quan chủ quản), may be empty
    issuing_body: str  # "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"
    number: str  # "Số:      /BC-SVHTTDL"
    place: str  # "Thái Nguyên"
    issued_on: date
    signer_title: str  # "GIÁM ĐỐC"
    signer_name: str  # may be empty: signed by hand
    recipients: tuple[str, ...]


def _font(run: Any, *, size: float = BODY_PT, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _para(
    container: Any,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    after: float = 6,
    first_indent_mm: float = 0,
) -> Any:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    if first_indent_mm:
        paragraph.paragraph_format.first_line_indent = Mm(first_indent_mm)
    if text:
        _font(paragraph.add_run(text), size=size, bold=bold, italic=italic)
    return paragraph


def _rule_below(paragraph: Any, indent_mm: float) -> None:
    """A thin line under the paragraph (the rule under the motto and the issuing body)."""
    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _page_number(section: Any) -> None:
    section.different_first_page_header_footer = True  # no number on page 1
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _font(run, size=13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _widths(table: Any, widths: tuple[Any, ...]) -> None:
    """Column widths that Word and LibreOffice both honour (the grid and every cell)."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _head(document: Any, head: Letterhead) -> None:
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, (Mm(65), Mm(100)))
    left, right = table.rows[0].cells
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if head.parent_body:
        _font(left.paragraphs[0].add_run(head.parent_body.upper()), size=12)
        body = _para(
            left, head.issuing_body.upper(), size=12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0
        )
    else:
        body = left.paragraphs[0]
        _font(body.add_run(head.issuing_body.upper()), size=12, bold=True)
    _rule_below(body, 18)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), size=12, bold=True)
    motto = _para(
        right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0
    )
    _rule_below(motto, 20)
    number, dated = table.rows[1].cells
    number.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(number.paragraphs[0].add_run(head.number), size=13)
    dated.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    issued = head.issued_on
    _font(
        dated.paragraphs[0].add_run(
            f"{head.place}, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}"
        ),
        size=14,
        italic=True,
    )


def _summary(table: Table) -> list[tuple[str, str, str]]:
    """(part, heading, paragraph) of part I, every number from the table's totals; ``part`` names the chart
    that may follow the paragraph."""
    t = table.totals
    communes = len(table.rows)
    sent = communes - len(table.missing)
    return [
        (
            "devices",
            "1. Hạ tầng truyền thanh cơ sở",
            (
                f"Toàn địa bàn có {vn(t['stations_it'])} đài truyền thanh ứng dụng công nghệ thông tin - viễn thông, "
                f"{vn(t['stations_fm'])} đài FM không dây và {vn(t['stations_wired'])} đài truyền thanh có dây; "
                f"{vn(t['clusters'])} cụm loa ứng dụng CNTT-VT, trong đó {vn(t['clusters_working'])} cụm hoạt động "
                f"({percent(t['clusters_working'], t['clusters'])})."
            ),
        ),
        (
            "eboards",
            "2. Bảng tin điện tử công cộng",
            (
                f"Có {vn(t['eboards'])} bảng tin điện tử công cộng kết nối hệ thống thông tin nguồn, trong đó "
                f"{vn(t['eboards_working'])} bảng hoạt động ({percent(t['eboards_working'], t['eboards'])})."
            ),
        ),
        (
            "broadcasts",
            "3. Tin, bài và phát thanh",
            (
                f"Các xã, phường sản xuất {vn(t['bulletins_produced'])} tin, bài được phê duyệt và tiếp nhận "
                f"{vn(t['bulletins_received'])} tin, bài do cấp trên cung cấp. Hệ thống ghi nhận "
                f"{vn(t['broadcasts'])} lượt phát trên cụm loa với tổng thời lượng "
                f"{vn(t['broadcast_minutes'], decimals=1)} phút (theo biên nhận phát của thiết bị), trong đó "
                f"{vn(t['emergency_broadcasts'])} lượt phát khẩn cấp."
            ),
        ),
        (
            "feedback",
            "4. Tiếp nhận, xử lý phản ánh, kiến nghị",
            (
                f"Tiếp nhận {vn(t['feedback_received'])} phản ánh, kiến nghị; đã xử lý {vn(t['feedback_handled'])}, "
                f"trong đó {vn(t['feedback_on_time'])} đúng hạn; {vn(t['feedback_overdue'])} phản ánh quá hạn; "
                f"{vn(t['feedback_aired'])} nội dung trả lời được phát trên đài truyền thanh cơ sở."
            ),
        ),
        (
            "people",
            "5. Nhân lực và kênh thông tin",
            (
                f"Theo số liệu {vn(sent)}/{vn(communes)} xã, phường đã gửi: {vn(t['propagandists'])} tuyên truyền viên "
                f"cơ sở; {vn(t['staff_trained'])} lượt cán bộ được bồi dưỡng, tập huấn; {vn(t['websites'])} trang "
                "thông tin điện tử cấp xã."
            ),
        ),
        (
            "campaigns",
            "6. Chiến dịch tuyên truyền",
            (
                f"Các xã, phường được cấp trên giao {vn(t['campaigns_assigned'])} lượt chiến dịch tuyên truyền có "
                f"hạn báo cáo trong kỳ; đã hoàn thành và báo cáo {vn(t['campaigns_completed'])} lượt "
                f"({percent(t['campaigns_completed'], t['campaigns_assigned'])})."
            ),
        ),
    ]


def _totals_table(document: Any, table: Table) -> None:
    grid = document.add_table(rows=1, cols=4)
    grid.style = "Table Grid"
    for cell, title in zip(grid.rows[0].cells, ("TT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"), strict=True):
        _font(cell.paragraphs[0].add_run(title), size=12, bold=True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for index, indicator in enumerate(INDICATORS, start=1):
        cells = grid.add_row().cells
        value = table.totals[indicator.code]
        text = vn(value, decimals=0 if indicator.integer else 1)
        for cell, content in zip(cells, (str(index), indicator.name, indicator.measure, text), strict=True):
            _font(cell.paragraphs[0].add_run(content), size=12)
        cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    cells = grid.add_row().cells
    share = percent(table.totals["campaigns_completed"], table.totals["campaigns_assigned"])
    row = (str(len(INDICATORS) + 1), "Tỷ lệ chiến dịch tuyên truyền hoàn thành", "%", share)
    for cell, content in zip(cells, row, strict=True):
        _font(cell.paragraphs[0].add_run(content), size=12)
    cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _grid(document: Any, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Any:
    """A bordered table, 12 pt, header row in bold, numbers (every column after the first) right-aligned."""
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(grid.rows[0].cells, columns, strict=True):
        _font(cell.paragraphs[0].add_run(title), size=12, bold=True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows:
        cells = grid.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _font(cell.paragraphs[0].add_run(text), size=12)
            if index:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return grid


def _chart(document: Any, chart: Chart, number: int) -> None:
    """The picture, its numbered caption ("Biểu đồ 1. …") under it, then the same numbers as a table."""
    picture = _para(document, align=WD_ALIGN_PARAGRAPH.CENTER, after=3)
    picture.paragraph_format.keep_with_next = True
    picture.add_run().add_picture(BytesIO(chart.png), width=Mm(WIDTH_MM))
    caption = _para(
        document, f"Biểu đồ {number}. {chart.caption}", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    caption.paragraph_format.keep_with_next = True
    _grid(document, chart.columns, chart.rows)
    _para(document, "", after=3)


def _breakdown_tables(document: Any, breakdowns: Sequence[Breakdown]) -> None:
    """One small table per breakdown: the labels with bulletins, then the total."""
    for breakdown in breakdowns:
        _para(
            document,
            f"{breakdown.title} (tổng {vn(breakdown.total)} tin, bài)",
            italic=True,
            first_indent_mm=10,
        )
        rows = [(label, count) for label, count in breakdown.rows if count]
        if not rows:
            continue
        grid = document.add_table(rows=0, cols=2)
        grid.style = "Table Grid"
        for label, count in rows:
            cells = grid.add_row().cells
            _font(cells[0].paragraphs[0].add_run(label), size=12)
            _font(cells[1].paragraphs[0].add_run(vn(count)), size=12)
            cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _widths(grid, (Mm(130), Mm(35)))
        _para(document, "", after=3)


def render_docx(
    table: Table,
    head: Letterhead,
    breakdowns: Sequence[Breakdown] = (),
    suppliers: Suppliers | None = None,
    charts: dict[str, Chart] | None = None,
) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    _page_number(section)
    _head(document, head)
    _para(document, "", after=6)
    _para(document, "BÁO CÁO", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(
        document,
        f"Kết quả công tác thông tin cơ sở {table.period.label}",
        size=14,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=0,
    )
    _rule_below(_para(document, "", after=12, align=WD_ALIGN_PARAGRAPH.CENTER), 60)
    _para(
        document,
        f"Số liệu {table.period.range_label}, tổng hợp từ Hệ thống thông tin nguồn của tỉnh và số liệu do các "
        f"xã, phường cung cấp ({len(table.rows) - len(table.missing)}/{len(table.rows)} xã, phường đã gửi).",
        first_indent_mm=10,
    )
    _para(document, "I. KẾT QUẢ THỰC HIỆN", bold=True, first_indent_mm=10)
    drawn = 0
    for part, heading, text in _summary(table):
        _para(document, heading, bold=True, first_indent_mm=10)
        _para(document, text, first_indent_mm=10)
        if charts and part in charts:
            drawn += 1
            _chart(document, charts[part], drawn)
    _para(document, "7. Bảng tổng hợp số liệu", bold=True, first_indent_mm=10)
    _totals_table(document, table)
    _para(document, "", after=6)
    if breakdowns:
        _para(document, "8. Tin, bài được phê duyệt trong kỳ", bold=True, first_indent_mm=10)
        if suppliers is not None and suppliers.departments:
            _para(
                document,
                f"{vn(suppliers.supplying)}/{vn(suppliers.departments)} sở, ban, ngành "
                f"({percent(suppliers.supplying, suppliers.departments)}) cung cấp thông tin trên hệ thống "
                "trong kỳ.",
                first_indent_mm=10,
            )
        _breakdown_tables(document, breakdowns)
    _para(document, "II. TỒN TẠI, HẠN CHẾ VÀ ĐỀ XUẤT, KIẾN NGHỊ", bold=True, first_indent_mm=10)
    _para(
        document,
        "(Cơ quan ban hành bổ sung nội dung đánh giá trước khi trình ký.)",
        italic=True,
        first_indent_mm=10,
    )
    _foot(document, head)
    output = BytesIO()
    document.save(output)
    return output.getvalue()


def _foot(document: Any, head: Letterhead) -> None:
    grid = document.add_table(rows=1, cols=2)
    grid.autofit = False
    _widths(grid, (Mm(75), Mm(90)))
    left, right = grid.rows[0].cells
    _font(left.paragraphs[0].add_run("Nơi nhận:"), size=12, bold=True, italic=True)
    for recipient in head.recipients:
        _para(left, f"- {recipient};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    _para(left, "- Lưu: VT.", size=11, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(right.paragraphs[0].add_run(head.signer_title.upper()), size=14, bold=True)
    _para(right, "", after=60)
    if head.signer_name:
        _para(right, head.signer_name, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
