"""Erasing an entered figure: only before submitting (or once returned) and never after the lock, always with
a reason; the audit keeps what was erased and the versions already submitted keep their figures — in the
service, the API (``null`` in the PUT) and the commune screen (a box and a reason)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.reports.models import CommuneReport, EnteredValue, ReportCycle
from nguon.reports.services import cycles
from nguon.reports.services.cycles import Figure
from nguon.reports.tests.fixtures import DINH_HOA, PHO_YEN, commune, province

pytestmark = pytest.mark.django_db

GOOD = {
    "propagandists": Figure("12", "Quyết định 15/QĐ-UBND"),
    "staff_trained": Figure(3, "Sổ theo dõi tập huấn"),
    "websites": Figure(1, "Cổng xã"),
}
LOCKED = "Kỳ báo cáo 2026-H1 đã khoá sổ; không thể thay đổi số liệu."


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "commune": make_user(Role.COMMUNE_EDITOR, unit=commune(DINH_HOA)),
        "other": make_user(Role.COMMUNE_EDITOR, unit=commune(PHO_YEN)),
        "province": make_user(Role.PROVINCIAL_APPROVER, unit=province()),
    }


@pytest.fixture
def cycle(people: dict[str, Any]) -> ReportCycle:
    return cycles.open_cycle(actor=people["province"], period="2026-H1")


def _report(people: dict[str, Any], cycle: ReportCycle) -> CommuneReport:
    return cycles.report_for(actor=people["commune"], cycle=cycle, unit=commune(DINH_HOA))


def _entered(report: CommuneReport) -> dict[str, str]:
    return {v.indicator: str(v.value) for v in EnteredValue.objects.filter(report=report)}


def test_erasing_needs_a_reason_is_audited_and_keeps_the_submitted_version(
    people: dict[str, Any], cycle: ReportCycle
) -> None:
    report = _report(people, cycle)
    cycles.save_figures(actor=people["commune"], report=report, figures=GOOD)
    first = cycles.submit(actor=people["commune"], report=report)
    with pytest.raises(ValidationError) as error:  # a submitted report is not changed silently
        cycles.clear_figures(actor=people["commune"], report=report, reasons={"websites": "nhầm"})
    assert "chỉ sửa khi đang nhập hoặc bị trả lại" in str(error.value)
    cycles.return_report(actor=people["province"], report=report, reason="Số trang thông tin chưa đúng")
    with pytest.raises(ValidationError) as error:
        cycles.clear_figures(
            actor=people["commune"], report=report, reasons={"websites": "  ", "clusters": "x", "bogus": "x"}
        )
    assert error.value.message_dict == {
        "websites": ["Nêu lý do xoá số liệu “Trang thông tin điện tử cấp xã”."],
        "clusters": ["Chỉ tiêu này hệ thống tự tính; không xoá được."],
        "bogus": ["Chỉ tiêu không tồn tại."],
    }
    assert _entered(report)["websites"] == "1.0"
    with pytest.raises(Http404):  # another commune's person
        cycles.clear_figures(actor=people["other"], report=report, reasons={"websites": "x"})
    cycles.clear_figures(
        actor=people["commune"], report=report, reasons={"websites": "Trang xã chưa đi vào hoạt động"}
    )
    assert "websites" not in _entered(report)
    event = AuditEvent.objects.filter(action="reports.figures.clear").get()
    assert event.before == {"indicator": "websites", "value": "1.0", "source": "Cổng xã"}
    assert event.after == {"indicator": "websites", "value": None, "reason": "Trang xã chưa đi vào hoạt động"}
    assert event.actor_id == people["commune"].pk
    first.refresh_from_db()
    assert first.snapshot["entered"]["websites"] == {"value": "1.0", "source": "Cổng xã"}  # version 1 kept
    with pytest.raises(ValidationError) as error:  # cleared: must be entered again before submitting
        cycles.submit(actor=people["commune"], report=report)
    assert "Trang thông tin điện tử cấp xã" in str(error.value)
    with pytest.raises(ValidationError) as error:
        cycles.clear_figures(actor=people["commune"], report=report, reasons={"websites": "lần nữa"})
    assert error.value.message_dict == {"websites": ["Chưa có số liệu đã nhập để xoá."]}


def test_erasing_after_the_lock_is_refused_and_nothing_changes(
    people: dict[str, Any], cycle: ReportCycle
) -> None:
    report = _report(people, cycle)
    cycles.save_figures(actor=people["commune"], report=report, figures=GOOD)
    cycles.lock(actor=people["province"], cycle=cycle)
    with pytest.raises(ValidationError) as error:
        cycles.clear_figures(actor=people["commune"], report=report, reasons={"websites": "nhầm"})
    assert error.value.messages == [LOCKED]
    assert _entered(report)["websites"] == "1.0"
    assert not AuditEvent.objects.filter(action="reports.figures.clear").exists()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["nguon_2fa_user"] = user.pk
    session.save()
    return client


def _put(client: Client, body: dict[str, Any]) -> Any:
    url = f"/api/v1/reports/2026-H1/communes/{DINH_HOA}"
    return client.put(url, data=json.dumps(body), content_type="application/json")


def test_null_in_the_api_erases_with_a_reason_and_is_refused_after_the_lock(
    people: dict[str, Any], cycle: ReportCycle
) -> None:
    report = _report(people, cycle)
    cycles.save_figures(actor=people["commune"], report=report, figures=GOOD)
    client = _client(people["commune"])
    no_reason = _put(client, {"figures": {"websites": {"value": None}}})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["details"] == [
        {"field": "websites", "message": "Nêu lý do xoá số liệu “Trang thông tin điện tử cấp xã”."}
    ]
    # erase one and change another in one request; a refusal in either leaves both as they were
    mixed_bad = _put(
        client,
        {
            "figures": {
                "websites": {"value": None, "reason": "Nhập nhầm"},
                "propagandists": {"value": "-1", "source": "sổ"},
            }
        },
    )
    assert mixed_bad.status_code == 422
    assert _entered(report) == {"propagandists": "12.0", "staff_trained": "3.0", "websites": "1.0"}
    done = _put(
        client,
        {
            "figures": {
                "websites": {"value": None, "reason": "Nhập nhầm"},
                "propagandists": {"value": 14, "source": "Quyết định 20/QĐ-UBND"},
            }
        },
    )
    assert done.status_code == 200
    assert set(done.json()["figures"]) == {"propagandists", "staff_trained"}
    assert done.json()["figures"]["propagandists"]["value"] == 14
    cycles.lock(actor=people["province"], cycle=cycle)
    locked = _put(client, {"figures": {"staff_trained": {"value": None, "reason": "Nhập nhầm"}}})
    assert locked.status_code == 422
    assert locked.json()["error"]["details"][0]["message"] == LOCKED
    assert "staff_trained" in _entered(report)


def test_the_commune_screen_erases_a_ticked_figure_with_its_reason(
    people: dict[str, Any], cycle: ReportCycle
) -> None:
    report = _report(people, cycle)
    cycles.save_figures(actor=people["commune"], report=report, figures=GOOD)
    client = _client(people["commune"])
    url = f"/reports/2026-H1/commune/{DINH_HOA}/"
    page = client.get(url).content.decode()
    assert 'name="websites-clear"' in page
    assert 'name="clear_reason"' in page
    refused = client.post(url, {"websites-clear": "on", "action": "save"}).content.decode()
    assert "Nêu lý do xoá số liệu “Trang thông tin điện tử cấp xã”." in refused
    assert "websites" in _entered(report)
    both = client.post(
        url, {"websites-clear": "on", "websites-value": "2", "clear_reason": "x", "action": "save"}
    )
    assert "không chọn cả hai" in both.content.decode()
    assert _entered(report)["websites"] == "1.0"
    done = client.post(
        url,
        {"websites-clear": "on", "clear_reason": "Trang xã chưa hoạt động", "action": "save"},
        follow=True,
    )
    assert "Đã xoá 1 số liệu và lưu. Báo cáo chưa gửi lên tỉnh." in done.content.decode()
    assert set(_entered(report)) == {"propagandists", "staff_trained"}
    event = AuditEvent.objects.get(action="reports.figures.clear")
    assert event.after is not None
    assert event.after["reason"] == "Trang xã chưa hoạt động"
