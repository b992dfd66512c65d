"""The commune report screen: only the commune's own people (and the province) open it; refused figures are
shown next to their fields in Vietnamese with nothing saved; Save and Submit; versions are viewable; before
the round opens and after the lock the page says why nothing can be changed, and nothing is."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.reports.choices import ReportStatus
from nguon.reports.models import CommuneReport, EnteredValue, ReportCycle
from nguon.reports.services import cycles
from nguon.reports.tests.fixtures import DINH_HOA, PHO_YEN, commune, province

pytestmark = pytest.mark.django_db

URL = f"/reports/2026-H1/commune/{DINH_HOA}/"
GOOD = {
    "propagandists-value": "12",
    "propagandists-source": "Quyết định 15/QĐ-UBND",
    "staff_trained-value": "3",
    "staff_trained-source": "Sổ theo dõi tập huấn",
    "websites-value": "1",
    "websites-source": "Cổng thông tin xã",
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
        "other": make_user(Role.COMMUNE_EDITOR, unit=commune(PHO_YEN)),
        "province": make_user(Role.PROVINCIAL_APPROVER, unit=province()),
        "viewer": make_user(Role.VIEWER, unit=commune(DINH_HOA)),
    }


@pytest.fixture
def cycle(people: dict[str, Any]) -> ReportCycle:
    return cycles.open_cycle(actor=people["province"], period="2026-H1")


def test_another_communes_person_gets_404_and_changes_nothing(
    people: dict[str, Any], cycle: ReportCycle
) -> None:
    client = signed_in(people["other"])
    assert client.get(URL).status_code == 404
    assert client.post(URL, {**GOOD, "action": "submit"}).status_code == 404
    assert client.get(f"{URL}versions/1/").status_code == 404
    assert not CommuneReport.objects.exists()
    assert signed_in(people["other"]).get(f"/reports/2026-H1/commune/{PHO_YEN}/").status_code == 200
    assert signed_in(people["commune"]).get("/reports/2026-H1/commune/99999/").status_code == 404
    assert signed_in(people["commune"]).get("/reports/2026-H9/commune/05569/").status_code == 404


def test_bad_figures_are_shown_per_field_in_vietnamese_and_nothing_is_saved(
    people: dict[str, Any], cycle: ReportCycle
) -> None:
    events = AuditEvent.objects.count()
    response = signed_in(people["commune"]).post(
        URL,
        {
            "propagandists-value": "-4",
            "propagandists-source": "sổ",
            "staff_trained-value": "2,5",
            "staff_trained-source": "sổ",
            "websites-value": "1",
            "websites-source": "  ",
            "action": "save",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["propagandists-value"] == ["Giá trị không được âm."]
    assert "phải là số nguyên" in form.errors["staff_trained-value"][0]
    assert "Ghi rõ nguồn số liệu" in form.errors["websites-source"][0]
    page = response.content.decode()
    assert "Số liệu chưa được lưu (không có gì thay đổi)" in page
    assert 'id="id_propagandists-value_error"' in page
    assert not EnteredValue.objects.exists()
    assert AuditEvent.objects.count() == events
    # typed values stay in the form
    assert 'value="2,5"' in page


def test_save_then_submit_makes_a_version_that_can_be_viewed(
    people: dict[str, Any], cycle: ReportCycle
) -> None:
    client = signed_in(people["commune"])
    response = client.post(URL, {**GOOD, "action": "save"}, follow=True)
    assert "Đã lưu số liệu. Báo cáo chưa gửi lên tỉnh." in response.content.decode()
    report = CommuneReport.objects.get(cycle=cycle, unit__code=DINH_HOA)
    assert report.status == ReportStatus.DRAFT
    assert {v.indicator: int(v.value) for v in report.values.all()} == {
        "propagandists": 12,
        "staff_trained": 3,
        "websites": 1,
    }
    # empty rows keep what was saved; Submit sends
    response = client.post(URL, {"action": "submit"}, follow=True)
    page = response.content.decode()
    assert "Đã gửi báo cáo lên tỉnh (lần 1)." in page
    report.refresh_from_db()
    assert (report.status, report.version) == (ReportStatus.SUBMITTED, 1)
    assert "Báo cáo đã gửi (Đã gửi); chỉ sửa được khi tỉnh trả lại." in page
    assert 'name="action" value="submit"' not in page
    version = client.get(f"{URL}versions/1/")
    assert version.status_code == 200
    shown = version.content.decode()
    assert "Lần gửi 1" in shown
    assert "Quyết định 15/QĐ-UBND" in shown
    assert "Tuyên truyền viên cơ sở" in shown
    # the province reads it too; a viewer of the commune reads it but has no form buttons
    assert signed_in(people["province"]).get(f"{URL}versions/1/").status_code == 200
    viewer_page = signed_in(people["viewer"]).get(URL).content.decode()
    assert 'name="action" value="save"' not in viewer_page
    assert signed_in(people["viewer"]).post(URL, {**GOOD, "action": "save"}).status_code == 404


def test_submit_with_figures_missing_is_refused_and_the_save_is_undone(
    people: dict[str, Any], cycle: ReportCycle
) -> None:
    response = signed_in(people["commune"]).post(
        URL, {"propagandists-value": "7", "propagandists-source": "sổ", "action": "submit"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chưa nhập: Cán bộ được bồi dưỡng, tập huấn; Trang thông tin điện tử cấp xã." in page
    assert not EnteredValue.objects.exists()  # save and submit are one step: all or nothing
    assert not CommuneReport.objects.exists()


def test_before_the_round_opens_the_page_says_so_and_nothing_is_written(people: dict[str, Any]) -> None:
    client = signed_in(people["commune"])
    page = client.get(URL).content.decode()
    assert "Tỉnh chưa mở kỳ báo cáo 2026-H1; chưa nhập được số liệu." in page
    assert 'name="action" value="save"' not in page
    response = client.post(URL, {**GOOD, "action": "save"}, follow=True)
    assert "Tỉnh chưa mở kỳ báo cáo 2026-H1" in response.content.decode()
    assert not CommuneReport.objects.exists()
    assert not ReportCycle.objects.exists()


def test_after_the_lock_the_page_is_read_only_and_a_post_changes_nothing(
    people: dict[str, Any], cycle: ReportCycle
) -> None:
    client = signed_in(people["commune"])
    client.post(URL, {**GOOD, "action": "save"})
    cycles.lock(actor=people["province"], cycle=cycle)
    events = AuditEvent.objects.count()
    page = client.get(URL).content.decode()
    assert "Kỳ báo cáo 2026-H1 đã khoá sổ; không thể thay đổi số liệu." in page
    assert 'name="action" value="save"' not in page
    assert "disabled" in page
    response = client.post(URL, {**GOOD, "propagandists-value": "99", "action": "submit"}, follow=True)
    assert "đã khoá sổ" in response.content.decode()
    report = CommuneReport.objects.get()
    assert report.status == ReportStatus.DRAFT
    assert report.values.get(indicator="propagandists").value == 12
    assert AuditEvent.objects.count() == events
