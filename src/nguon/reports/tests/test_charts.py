"""Charts in the report: the docx holds them as 300 dpi pictures that fit the text area, each with a numbered
caption and its numbers in a table; every letter drawn is in the font; the PDF keeps the captions'
Vietnamese intact."""

from __future__ import annotations

import subprocess
import tempfile
import unicodedata
import warnings
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.shared import Mm
from matplotlib.ft2font import FT2Font

from nguon.feedback.choices import Status
from nguon.feedback.models import Feedback
from nguon.feedback.tests.fixtures import submit
from nguon.reports.periods import parse
from nguon.reports.render.charts import charts_for, font_path
from nguon.reports.render.numbers import vn
from nguon.reports.render.pdf import pdf_text, pdf_to_png
from nguon.reports.selectors.tables import Table, table
from nguon.reports.services.rendering import render
from nguon.reports.tests.fixtures import fleet, province

pytestmark = pytest.mark.django_db
PERIOD = parse("2026-Y")
TEXT_WIDTH_MM = 210 - 30 - 15  # A4 less the Nghị định 30 left and right margins


def _data() -> Table:
    """Devices and broadcasts in two communes, and feedback: one answered on time, one left open."""
    fleet(PERIOD)
    inside = PERIOD.start + timedelta(days=20)
    answered, waiting = submit(), submit(description="Đường liên thôn Bản Cọ bị sạt lở một đoạn dài 20 mét.")
    Feedback.objects.filter(pk=answered.pk).update(
        received_at=inside,
        due_at=inside + timedelta(days=5),
        answered_at=inside + timedelta(days=2),
        status=Status.ANSWERED,
    )
    Feedback.objects.filter(pk=waiting.pk).update(received_at=inside, due_at=inside + timedelta(days=5))
    return table(PERIOD, province())


def _captions(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.startswith("Biểu đồ ")]


def test_the_docx_holds_the_charts_with_captions_and_their_numbers_in_tables() -> None:
    data = _data()
    document = Document(BytesIO(render("2026-Y", "docx", province())))
    shapes = list(document.inline_shapes)
    assert len(shapes) == 3
    for shape in shapes:
        assert shape.width is not None
        assert shape.width <= Mm(TEXT_WIDTH_MM)
        embed = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        image = document.part.related_parts[embed].image
        assert image.content_type == "image/png"
        assert (image.horz_dpi, image.vert_dpi) == (300, 300)
    captions = _captions(document)
    assert [c.split(".")[0] for c in captions] == ["Biểu đồ 1", "Biểu đồ 2", "Biểu đồ 3"]
    t = data.totals
    # The table under each caption holds the charted numbers, taken from the report table.
    tables = {
        caption: [[cell.text for cell in row.cells] for row in grid.rows]
        for caption, grid in zip(captions, _tables_after_captions(document), strict=True)
    }
    devices = tables[captions[0]]
    assert devices[1][:3] == ["Cụm loa", vn(t["clusters"]), vn(t["clusters_working"])]
    assert devices[2][:3] == ["Bảng tin điện tử", vn(t["eboards"]), vn(t["eboards_working"])]
    played = sorted(
        (r for r in data.rows if r.values["broadcasts"]),
        key=lambda r: (-int(r.values["broadcasts"] or 0), r.unit.code),
    )
    broadcasts = tables[captions[1]]
    assert [line[:2] for line in broadcasts[1:]] == [
        [r.unit.name, vn(r.values["broadcasts"])] for r in played
    ]
    feedback = dict(tuple(line) for line in tables[captions[2]][1:])
    assert feedback["Tiếp nhận"] == vn(t["feedback_received"]) == vn(2)
    assert feedback["Xử lý đúng hạn"] == vn(t["feedback_on_time"])
    assert feedback["Quá hạn"] == vn(t["feedback_overdue"])


def _tables_after_captions(document: Any) -> list[Any]:
    """The table that follows each caption paragraph in the body."""
    body = document.element.body
    found, waiting = [], False
    tables = {t._tbl: t for t in document.tables}
    for element in body.iterchildren():
        if element.tag.endswith("}p"):
            text = "".join(element.itertext())
            waiting = waiting or text.startswith("Biểu đồ ")
        elif element.tag.endswith("}tbl") and waiting:
            found.append(tables[element])
            waiting = False
    return found


def test_every_letter_drawn_is_in_the_font_and_no_glyph_is_missing() -> None:
    data = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        charts = charts_for(data)
    assert set(charts) == {"eboards", "broadcasts", "feedback"}
    font = FT2Font(font_path())
    assert font.family_name in ("Liberation Serif", "DejaVu Serif")
    covered = set(font.get_charmap())
    drawn: set[str] = set()
    for chart in charts.values():
        letters = {
            ch for text in chart.labels for ch in unicodedata.normalize("NFC", text) if not ch.isspace()
        }
        missing = [ch for ch in letters if ord(ch) not in covered]
        assert not missing, (chart.key, missing)
        assert chart.png.startswith(b"\x89PNG")
        drawn |= letters
    assert {"ộ", "ợ", "ý", "đ"} <= drawn  # the charts do draw Vietnamese letters


def test_the_pdf_keeps_the_charts_and_their_vietnamese_captions() -> None:
    _data()
    pdf = render("2026-Y", "pdf", province())
    text = " ".join(unicodedata.normalize("NFC", pdf_text(pdf)).split())
    for caption in (
        "Biểu đồ 1. Thiết bị đang hoạt động so với tổng số (tín hiệu trong 7 ngày cuối kỳ)",
        "Biểu đồ 2. Lượt phát trên cụm loa theo xã, phường",
        "Biểu đồ 3. Phản ánh, kiến nghị tiếp nhận và xử lý đúng hạn trong kỳ",
    ):
        assert caption in text, caption
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.pdf"
        path.write_bytes(pdf)
        listing = subprocess.run(
            ["/usr/bin/pdfimages", "-list", str(path)], check=True, capture_output=True, text=True
        ).stdout
    assert len([line for line in listing.splitlines()[2:] if " image " in line]) >= 3
    pages = pdf_to_png(pdf)
    assert pages
    assert all(page.startswith(b"\x89PNG") for page in pages)
