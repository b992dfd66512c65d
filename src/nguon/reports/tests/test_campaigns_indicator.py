"""Campaigns completed: per commune, the campaigns issued above it with a deadline within the period that
target it (or its residential groups, or an organisation placed there), and those every such target
reported by the period's end — counted again here from the raw target rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from nguon.content.models import Campaign, CampaignTarget
from nguon.content.tests.test_campaigns import residential
from nguon.reports.periods import parse
from nguon.reports.render.numbers import percent, vn
from nguon.reports.render.xlsx import SHARE_TITLE
from nguon.reports.selectors.tables import table
from nguon.reports.services.rendering import render
from nguon.reports.tests.fixtures import DINH_HOA, PHO_YEN, commune, province

pytestmark = pytest.mark.django_db
PERIOD = parse("2026-Y")


def _campaign(unit: Any, title: str, *, due: Any, status: str = "issued") -> Campaign:
    return Campaign.objects.create(unit=unit, title=title, deadline=due, status=status, channels=["zalo"])


def _target(campaign: Campaign, unit: Any, *, reported_at: Any = None) -> CampaignTarget:
    return CampaignTarget.objects.create(
        campaign=campaign,
        unit=unit,
        status="reported" if reported_at else "pending",
        reported_at=reported_at,
    )


def _rows() -> None:
    """Campaigns that count and campaigns that must not."""
    a, b, top = commune(DINH_HOA), commune(PHO_YEN), province()
    inside = PERIOD.first_day + timedelta(days=40)
    reported = PERIOD.start + timedelta(days=35)
    village = residential(a, "TDP01", "Trung Kiên")
    one = _campaign(top, "Tuyên truyền Quyết định 614/QĐ-UBND", due=inside)
    _target(one, a, reported_at=reported)  # done
    _target(one, b)  # not done
    two = _campaign(top, "Phòng chống dịch sốt xuất huyết", due=inside, status="closed")
    _target(two, a, reported_at=reported)
    _target(two, village)  # the village has not reported: Định Hóa has not completed it
    _target(two, b, reported_at=PERIOD.end + timedelta(hours=1))  # reported after the period: not done
    three = _campaign(top, "Chiến dịch năm sau", due=PERIOD.last_day + timedelta(days=1))
    _target(three, a, reported_at=reported)  # deadline after the period
    draft = _campaign(top, "Bản nháp", due=inside, status="draft")
    _target(draft, b)  # never issued
    own = _campaign(a, "Chiến dịch của xã", due=inside)
    _target(own, village, reported_at=reported)  # the commune's own campaign to its village
    four = _campaign(top, "Ngày hội đại đoàn kết", due=PERIOD.last_day)
    _target(four, village, reported_at=reported)  # only the village was targeted, and it reported


def _raw(code: str) -> tuple[int, int]:
    """(assigned, completed) for one commune, straight from the target rows."""
    unit = commune(code)
    by_campaign: dict[int, list[CampaignTarget]] = {}
    for target in CampaignTarget.objects.select_related("campaign__unit", "unit"):
        campaign = target.campaign
        if campaign.status not in ("issued", "closed"):
            continue
        if not PERIOD.first_day <= campaign.deadline <= PERIOD.last_day:
            continue
        if not target.unit.path.startswith(unit.path) or campaign.unit.path.startswith(unit.path):
            continue
        by_campaign.setdefault(campaign.pk, []).append(target)
    completed = sum(
        all(
            t.status == "reported" and t.reported_at is not None and t.reported_at < PERIOD.end
            for t in targets
        )
        for targets in by_campaign.values()
    )
    return len(by_campaign), completed


def test_campaigns_assigned_and_completed_equal_the_raw_rows() -> None:
    _rows()
    result = table(PERIOD, province())
    rows = {row.unit.code: row.values for row in result.rows}
    for code in (DINH_HOA, PHO_YEN):
        assert (rows[code]["campaigns_assigned"], rows[code]["campaigns_completed"]) == _raw(code), code
    assert rows[DINH_HOA]["campaigns_assigned"] != rows[DINH_HOA]["campaigns_completed"]  # a mixed case
    assert rows[DINH_HOA]["campaigns_completed"]
    others = [r for c, r in rows.items() if c not in (DINH_HOA, PHO_YEN)]
    assert all(r["campaigns_assigned"] == 0 for r in others)
    assigned = sum(_raw(code)[0] for code in (DINH_HOA, PHO_YEN))
    completed = sum(_raw(code)[1] for code in (DINH_HOA, PHO_YEN))
    assert (result.totals["campaigns_assigned"], result.totals["campaigns_completed"]) == (
        assigned,
        completed,
    )
    single = table(PERIOD, commune(DINH_HOA)).rows[0].values  # a commune's own report agrees
    assert single["campaigns_completed"] == rows[DINH_HOA]["campaigns_completed"]


def test_campaign_figures_and_share_in_the_xlsx_and_docx() -> None:
    _rows()
    data = table(PERIOD, province())
    sheet = load_workbook(BytesIO(render("2026-Y", "xlsx", province())))["Chỉ tiêu"]
    header = [cell.value for cell in sheet[4]]
    share_column = header.index(SHARE_TITLE)
    assigned_column = next(
        i for i, h in enumerate(header) if h and h.startswith("Chiến dịch tuyên truyền được")
    )
    lines = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]}
    assigned, completed = _raw(DINH_HOA)
    assert lines[DINH_HOA][assigned_column] == assigned
    assert lines[DINH_HOA][share_column] == pytest.approx(completed / assigned, abs=1e-4)
    assert lines["05443"][share_column] == pytest.approx(_raw(PHO_YEN)[1] / _raw(PHO_YEN)[0], abs=1e-4)
    untargeted = next(row for code, row in lines.items() if code not in (DINH_HOA, PHO_YEN))
    assert untargeted[share_column] is None  # nothing assigned: no share, not 0 %
    document = Document(BytesIO(render("2026-Y", "docx", province())))
    text = "\n".join(p.text for p in document.paragraphs)
    total_assigned = data.totals["campaigns_assigned"]
    total_completed = data.totals["campaigns_completed"]
    assert (
        f"giao {vn(total_assigned)} lượt chiến dịch tuyên truyền có hạn báo cáo trong kỳ; đã hoàn thành và "
        f"báo cáo {vn(total_completed)} lượt ({percent(total_completed, total_assigned)})"
    ) in text
    totals_table = next(
        t for t in document.tables if any(c.text == "Chiến dịch tuyên truyền đã hoàn thành" for c in t._cells)
    )
    cells = {row.cells[1].text: row.cells[3].text for row in totals_table.rows}
    assert cells["Chiến dịch tuyên truyền đã hoàn thành"] == vn(total_completed)
    assert cells["Tỷ lệ chiến dịch tuyên truyền hoàn thành"] == percent(
        Decimal(total_completed), Decimal(total_assigned)
    )
