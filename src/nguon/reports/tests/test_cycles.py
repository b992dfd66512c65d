"""Report cycles: bad figures refused with clear messages, versions kept, nothing changes after the lock."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from nguon.accounts.choices import Role
from nguon.reports.choices import ReportStatus
from nguon.reports.models import EnteredValue
from nguon.reports.selectors.tables import table
from nguon.reports.services import cycles
from nguon.reports.services.cycles import Figure
from nguon.reports.tests.fixtures import DINH_HOA, PHO_YEN, commune, province

pytestmark = pytest.mark.django_db

GOOD = {
    "propagandists": Figure("12", "Quyết định 15/QĐ-UBND"),
    "staff_trained": Figure(3, "Sổ theo dõi tập huấn"),
    "websites": Figure(1, "Cổng xã"),
}


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "commune": make_user(Role.COMMUNE_EDITOR, unit=commune(DINH_HOA)),
        "other": make_user(Role.COMMUNE_EDITOR, unit=commune(PHO_YEN)),
        "province": make_user(Role.PROVINCIAL_APPROVER, unit=province()),
    }


def test_negative_impossible_and_unsourced_figures_are_refused(people: dict[str, Any]) -> None:
    cycle = cycles.open_cycle(actor=people["province"], period="2026-H1")
    report = cycles.report_for(actor=people["commune"], cycle=cycle, unit=commune(DINH_HOA))
    with pytest.raises(ValidationError) as error:
        cycles.save_figures(
            actor=people["commune"],
            report=report,
            figures={
                "propagandists": Figure("-4", "sổ"),
                "staff_trained": Figure("2.5", "sổ"),
                "websites": Figure("5000000", "sổ"),
                "clusters": Figure("3", "sổ"),
                "bogus": Figure("1", "sổ"),
            },
        )
    messages = error.value.message_dict
    assert messages["propagandists"] == ["Giá trị không được âm."]
    assert "số nguyên" in messages["staff_trained"][0]
    assert "lớn bất thường" in messages["websites"][0]
    assert "tự tính" in messages["clusters"][0]
    assert messages["bogus"] == ["Chỉ tiêu không tồn tại."]
    with pytest.raises(ValidationError) as error:
        cycles.save_figures(actor=people["commune"], report=report, figures={"websites": Figure("1", " ")})
    assert "nguồn số liệu" in error.value.message_dict["websites"][0]
    assert not EnteredValue.objects.exists()  # all-or-nothing


def test_submit_return_resubmit_keeps_every_version_and_the_lock_stops_changes(
    people: dict[str, Any],
) -> None:
    cycle = cycles.open_cycle(actor=people["province"], period="2026-H1")
    report = cycles.report_for(actor=people["commune"], cycle=cycle, unit=commune(DINH_HOA))
    with pytest.raises(Http404):
        cycles.save_figures(actor=people["other"], report=report, figures=GOOD)
    with pytest.raises(ValidationError):  # nothing entered yet
        cycles.submit(actor=people["commune"], report=report)
    cycles.save_figures(actor=people["commune"], report=report, figures=GOOD)
    first = cycles.submit(actor=people["commune"], report=report)
    with pytest.raises(ValidationError):  # a submitted report is not edited silently
        cycles.save_figures(actor=people["commune"], report=report, figures=GOOD)
    cycles.return_report(actor=people["province"], report=report, reason="Số tuyên truyền viên chưa khớp")
    cycles.save_figures(
        actor=people["commune"],
        report=report,
        figures={"propagandists": Figure("14", "Quyết định 20/QĐ-UBND")},
    )
    second = cycles.submit(actor=people["commune"], report=report)
    assert (first.number, second.number) == (1, 2)
    assert first.snapshot["entered"]["propagandists"]["value"] == "12.0"
    assert second.snapshot["entered"]["propagandists"]["value"] == "14.0"
    cycles.accept(actor=people["province"], report=report)
    row = next(r for r in table("2026-H1", province()).rows if r.unit.code == DINH_HOA)
    assert row.values["propagandists"] == 14
    cycles.lock(actor=people["province"], cycle=cycle)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    with pytest.raises(ValidationError) as error:
        cycles.return_report(actor=people["province"], report=report, reason="muộn")
    assert "đã khoá sổ" in str(error.value)
    other = cycles.report_for(actor=people["other"], cycle=cycle, unit=commune(PHO_YEN))
    with pytest.raises(ValidationError) as error:
        cycles.save_figures(actor=people["other"], report=other, figures=GOOD)
    assert "đã khoá sổ" in str(error.value)
