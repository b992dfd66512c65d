"""The bulletin breakdowns equal counts made directly from the bulletins, and reach the docx and xlsx."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from nguon.accounts.choices import Role
from nguon.content.models import Bulletin, Category
from nguon.content.services.bulletins import BulletinInput, create_bulletin
from nguon.reports.periods import parse
from nguon.reports.selectors.breakdown import bulletin_breakdowns
from nguon.reports.services.rendering import render
from nguon.reports.tests.fixtures import DINH_HOA, commune, province

pytestmark = pytest.mark.django_db
PERIOD = parse("2026-Y")


def _bulletins(make_user: Any) -> list[Bulletin]:
    editor = make_user(Role.COMMUNE_EDITOR, unit=commune(DINH_HOA))
    categories = list(Category.objects.order_by("code")[:2])
    made = []
    for n, (language, priority, category) in enumerate(
        [("vi", "normal", categories[0]), ("tay", "priority", categories[0]), ("vi", "normal", categories[1])]
    ):
        made.append(
            create_bulletin(
                actor=editor,
                data=BulletinInput(
                    title=f"Tin số {n}",
                    category=category,
                    body="<p>Nội dung</p>",
                    language=language,
                    priority=priority,
                    target_scope="communes",
                    targets=[commune(DINH_HOA)],
                ),
            )
        )
    inside = PERIOD.start + timedelta(days=40)
    Bulletin.objects.filter(pk__in=[b.pk for b in made[:2]]).update(status="approved", approved_at=inside)
    Bulletin.objects.filter(pk=made[2].pk).update(
        status="approved", approved_at=PERIOD.end
    )  # after the period
    return made


def test_breakdowns_equal_raw_counts(make_user: Any) -> None:
    _bulletins(make_user)
    raw = [
        b
        for b in Bulletin.objects.select_related("category")
        if b.approved_at is not None and PERIOD.start <= b.approved_at < PERIOD.end
    ]
    found = {b.title: dict(b.rows) for b in bulletin_breakdowns(PERIOD, province())}
    assert all(b.total == len(raw) == 2 for b in bulletin_breakdowns(PERIOD, province()))
    by_level = found["Theo cấp nguồn tin"]
    assert by_level["Xã, phường"] == sum(b.source_level == "commune" for b in raw)
    by_language = found["Theo ngôn ngữ"]
    assert (by_language["Tiếng Việt"], by_language["Tiếng Tày"]) == (1, 1)
    by_priority = found["Theo mức ưu tiên (Thông tư 39/2020)"]
    assert (by_priority["Thông thường"], by_priority["Ưu tiên"], by_priority["Khẩn cấp"]) == (1, 1, 0)
    by_category = found["Theo lĩnh vực (Nghị định 49/2024)"]
    assert by_category[raw[0].category.name] == 2


def test_breakdowns_reach_the_docx_and_the_xlsx(make_user: Any) -> None:
    _bulletins(make_user)
    document = Document(BytesIO(render("2026-Y", "docx", province())))
    texts = [p.text for p in document.paragraphs]
    assert "Theo ngôn ngữ (tổng 2 tin, bài)" in texts
    sheet = load_workbook(BytesIO(render("2026-Y", "xlsx", province())))["Tin bài"]
    values = [(row[0], row[1]) for row in sheet.iter_rows(values_only=True)]
    assert ("Tiếng Tày", 1) in values
    assert ("Tổng cộng", 2) in values


def test_departments_supplying_counts_departments_with_an_approved_bulletin(make_user: Any) -> None:
    from nguon.core.access import SYSTEM
    from nguon.reports.selectors.breakdown import departments_supplying
    from nguon.units.models import Organisation
    from nguon.units.services import create_organisation

    culture = create_organisation(
        actor=SYSTEM, code="so-vhttdl-test", kind="department", name="Sở Văn hóa (thử)", unit=province()
    )
    create_organisation(
        actor=SYSTEM, code="so-yte-test", kind="department", name="Sở Y tế (thử)", unit=province()
    )
    writer = make_user(Role.DEPARTMENT_CONTRIBUTOR, organisation=culture)
    bulletin = create_bulletin(
        actor=writer,
        organisation=culture,
        data=BulletinInput(title="Lịch tiêm chủng", category=Category.objects.order_by("code").first()),
    )
    Bulletin.objects.filter(pk=bulletin.pk).update(
        status="approved", approved_at=PERIOD.start + timedelta(days=3)
    )
    departments = [o for o in Organisation.objects.filter(kind="department") if o.unit.path.startswith("19/")]
    supplying = {
        b.source_organisation_id
        for b in Bulletin.objects.filter(source_organisation__in=departments)
        if b.approved_at is not None and PERIOD.start <= b.approved_at < PERIOD.end
    }
    result = departments_supplying(PERIOD, province())
    assert (result.supplying, result.departments) == (len(supplying), len(departments))
    assert result.supplying == 1
    text = [p.text for p in Document(BytesIO(render("2026-Y", "docx", province()))).paragraphs]
    assert any(line.startswith(f"1/{len(departments)} sở, ban, ngành") for line in text)
