"""Outputs: the docx has the Nghị định 30 layout; the PDF and PNG keep Vietnamese intact; the xlsx holds the
same numbers as the table."""

from __future__ import annotations

import unicodedata
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.shared import Mm, Pt
from openpyxl import load_workbook

from nguon.reports.indicators import INDICATORS
from nguon.reports.periods import parse
from nguon.reports.render.pdf import pdf_text, pdf_to_png
from nguon.reports.selectors.tables import table
from nguon.reports.services.rendering import render
from nguon.reports.tests.fixtures import DINH_HOA, fleet, province

pytestmark = pytest.mark.django_db
ISSUED = date(2026, 6, 8)


def _mm(length: int | None) -> float:
    assert length is not None
    return round(length / Mm(1), 1)


def test_docx_has_the_decree_30_page_fonts_and_head() -> None:
    document = Document(BytesIO(render("2026-H1", "docx", province(), issued_on=ISSUED)))
    section = document.sections[0]
    assert (_mm(section.page_width), _mm(section.page_height)) == (210.0, 297.0)
    assert (_mm(section.top_margin), _mm(section.bottom_margin)) == (20.0, 20.0)
    assert (_mm(section.left_margin), _mm(section.right_margin)) == (30.0, 15.0)
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    head = document.tables[0]
    texts = {p.text for cell in head._cells for p in cell.paragraphs}
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    assert "Thái Nguyên, ngày 08 tháng 06 năm 2026" in texts
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs]
    runs += [run for t in document.tables for cell in t._cells for p in cell.paragraphs for run in p.runs]
    assert runs
    assert all(run.font.name == "Times New Roman" for run in runs)
    title = next(p for p in document.paragraphs if p.text == "BÁO CÁO")
    assert title.runs[0].font.bold
    assert title.runs[0].font.size == Pt(14)
    body = [p for p in document.paragraphs if p.text.startswith("Toàn địa bàn có")]
    assert body
    assert body[0].runs[0].font.size == Pt(14)
    assert body[0].paragraph_format.space_after == Pt(6)
    motto = next(p for cell in head._cells for p in cell.paragraphs if p.text.startswith("Độc lập"))
    assert motto.runs[0].font.bold
    assert motto.runs[0].font.size == Pt(13)
    assert "w:pBdr" in motto._p.xml  # the rule under the motto
    every_text = "\n".join(p.text for p in document.paragraphs)
    assert unicodedata.is_normalized("NFC", every_text)


def test_pdf_and_png_keep_the_vietnamese_text() -> None:
    pdf = render("2026-H1", "pdf", province(), issued_on=ISSUED)
    assert pdf.startswith(b"%PDF-")
    text = " ".join(unicodedata.normalize("NFC", pdf_text(pdf)).split())
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Kết quả công tác thông tin cơ sở 6 tháng đầu năm 2026",
        "tuyên truyền viên cơ sở",
        "Nơi nhận:",
    ):
        assert phrase in text, phrase
    pages = pdf_to_png(pdf)
    assert pages
    assert all(page.startswith(b"\x89PNG") for page in pages)


def test_xlsx_holds_the_tables_numbers() -> None:
    fleet(parse("2026-Y"))
    unit = province()
    data = table("2026-Y", unit)
    sheet = load_workbook(BytesIO(render("2026-Y", "xlsx", unit)))["Chỉ tiêu"]
    header = [cell.value for cell in sheet[4]]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]}
    expected = next(r for r in data.rows if r.unit.code == DINH_HOA)
    for offset, indicator in enumerate(INDICATORS, start=3):
        assert header[offset].startswith(indicator.name)
        value = expected.values[indicator.code]
        assert rows[DINH_HOA][offset] == (float(value) if value is not None else None)
    totals = next(row for row in sheet.iter_rows(min_row=5, values_only=True) if row[2] == "Tổng cộng")
    assert totals[3 + [i.code for i in INDICATORS].index("clusters")] == data.totals["clusters"]
