"""The province's review screen: only consolidators open it; open the round, return with a reason (no reason:
a Vietnamese message, nothing changed), accept, lock only after the confirmation; after the lock the page
says so, has no buttons, and a posted action changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.reports.choices import ReportStatus
from nguon.reports.models import CommuneReport, ReportCycle
from nguon.reports.services import cycles
from nguon.reports.services.cycles import Figure
from nguon.reports.tests.fixtures import DINH_HOA, PHO_YEN, commune, province

pytestmark = pytest.mark.django_db

URL = "/reports/2026-H1/review/"
GOOD = {
    "propagandists": Figure("12", "Quyết định 15/QĐ-UBND"),
    "staff_trained": Figure("3", "Sổ theo dõi tập huấn"),
    "websites": Figure("1", "Cổng xã"),
}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["nguon_2fa_user"] = user.pk
    session.save()
    return client


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "commune": make_user(Role.COMMUNE_EDITOR, unit=commune(DINH_HOA)),
        "province": make_user(Role.PROVINCIAL_APPROVER, unit=province()),
        "board": make_user(Role.EDITORIAL_BOARD, unit=province()),
        "unverified": make_user(Role.PROVINCIAL_APPROVER, unit=province(), verified=False),
    }


def _submitted(people: dict[str, Any], cycle: ReportCycle) -> CommuneReport:
    report = cycles.report_for(actor=people["commune"], cycle=cycle, unit=commune(DINH_HOA))
    cycles.save_figures(actor=people["commune"], report=report, figures=GOOD)
    cycles.submit(actor=people["commune"], report=report)
    return report


def test_only_consolidators_open_the_review(people: dict[str, Any]) -> None:
    assert signed_in(people["commune"]).get(URL).status_code == 404
    assert signed_in(people["commune"]).post(URL, {"action": "open"}).status_code == 404
    unverified = Client()
    unverified.force_login(people["unverified"])  # a 2FA role without the TOTP step
    assert unverified.get(URL).status_code in (302, 404)
    assert not ReportCycle.objects.exists()
    assert signed_in(people["board"]).get(URL).status_code == 200


def test_open_return_accept_and_lock_with_confirmation(people: dict[str, Any]) -> None:
    client = signed_in(people["province"])
    page = client.get(URL).content.decode()
    assert "Kỳ báo cáo này chưa mở." in page
    response = client.post(URL, {"action": "open"}, follow=True)
    assert "Đã mở kỳ báo cáo 2026-H1." in response.content.decode()
    cycle = ReportCycle.objects.get(period="2026-H1")
    report = _submitted(people, cycle)

    page = client.get(URL).content.decode()
    assert f'data-unit="{DINH_HOA}" data-status="submitted"' in page
    assert f'data-unit="{PHO_YEN}" data-status="none"' in page
    assert 'data-count="submitted">1<' in page

    # returning without a reason is refused in Vietnamese, nothing changes
    events = AuditEvent.objects.count()
    response = client.post(URL, {"action": "return", "report": report.pk, f"r{report.pk}-reason": " "})
    assert response.status_code == 200
    assert "Chưa trả lại: nêu lý do trả lại." in response.content.decode()
    assert "Nêu lý do trả lại." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert AuditEvent.objects.count() == events

    response = client.post(
        URL,
        {"action": "return", "report": report.pk, f"r{report.pk}-reason": "Số tuyên truyền viên chưa khớp"},
        follow=True,
    )
    assert "Đã trả lại báo cáo của Xã Định Hóa để sửa." in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (ReportStatus.RETURNED, "Số tuyên truyền viên chưa khớp")
    commune_page = signed_in(people["commune"]).get(f"/reports/2026-H1/commune/{DINH_HOA}/").content.decode()
    assert "Tỉnh trả lại để sửa" in commune_page
    assert "Số tuyên truyền viên chưa khớp" in commune_page

    cycles.submit(actor=people["commune"], report=report)
    response = client.post(URL, {"action": "accept", "report": report.pk}, follow=True)
    assert "Đã tiếp nhận báo cáo của Xã Định Hóa." in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.version) == (ReportStatus.ACCEPTED, 2)

    # the lock needs the confirmation box
    response = client.post(URL, {"action": "lock"}, follow=True)
    assert "Đánh dấu ô xác nhận trước khi khoá sổ." in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.locked_at is None
    response = client.post(URL, {"action": "lock", "confirm": "on"}, follow=True)
    page = response.content.decode()
    assert "Đã khoá sổ kỳ báo cáo 2026-H1." in page
    cycle.refresh_from_db()
    assert cycle.locked_at is not None
    assert "Kỳ báo cáo đã khoá sổ lúc" in page
    assert "Mọi số liệu chỉ để xem" in page
    assert 'value="accept"' not in page
    assert 'value="lock"' not in page


def test_after_the_lock_a_posted_action_changes_nothing(people: dict[str, Any]) -> None:
    cycle = cycles.open_cycle(actor=people["province"], period="2026-H1")
    report = _submitted(people, cycle)
    cycles.lock(actor=people["province"], cycle=cycle)
    events = AuditEvent.objects.count()
    client = signed_in(people["province"])
    response = client.post(URL, {"action": "accept", "report": report.pk}, follow=True)
    assert "Kỳ báo cáo 2026-H1 đã khoá sổ; không thể thay đổi số liệu." in response.content.decode()
    response = client.post(
        URL, {"action": "return", "report": report.pk, f"r{report.pk}-reason": "muộn"}, follow=True
    )
    assert "đã khoá sổ" in response.content.decode()
    response = client.post(URL, {"action": "lock", "confirm": "on"}, follow=True)
    assert "đã khoá sổ" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert AuditEvent.objects.count() == events
    assert client.post(URL, {"action": "accept", "report": "x"}).status_code == 404
