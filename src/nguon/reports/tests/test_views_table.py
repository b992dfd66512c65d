"""The indicator table screen: the province sees every commune with the totals and the missing ones, a
commune person only their commune; a bad period code gets a Vietnamese message; downloads in xlsx, docx and
pdf are the rendering service's output for the unit on screen, and another commune's is a 404."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from nguon.accounts.choices import Role
from nguon.reports.periods import parse
from nguon.reports.selectors.tables import communes_of
from nguon.reports.services import cycles
from nguon.reports.services.cycles import Figure
from nguon.reports.tests.fixtures import DINH_HOA, PHO_YEN, commune, fleet, province

pytestmark = pytest.mark.django_db


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
        "auditor": make_user(Role.AUDITOR, unit=province()),
    }


def test_province_sees_every_commune_totals_and_the_missing(people: dict[str, Any]) -> None:
    period = parse("2026-H1")
    fleet(period)
    cycle = cycles.open_cycle(actor=people["province"], period=period.code)
    report = cycles.report_for(actor=people["commune"], cycle=cycle, unit=commune(DINH_HOA))
    cycles.save_figures(
        actor=people["commune"],
        report=report,
        figures={
            "propagandists": Figure("1234", "QĐ 1"),
            "staff_trained": Figure("3", "Sổ"),
            "websites": Figure("1", "Cổng"),
        },
    )
    cycles.submit(actor=people["commune"], report=report)
    response = signed_in(people["auditor"]).get("/reports/", {"period": "2026-H1"})
    assert response.status_code == 200
    page = response.content.decode()
    communes = communes_of(province())
    assert page.count('<tr data-unit="') == len(communes) + 1  # + the totals
    assert "Tổng cộng" in page
    assert "1.234" in page  # Vietnamese thousands separator
    data = response.context["table"]
    assert data.totals["clusters"] == 3  # the fixture's clusters in service on the last day
    assert len(data.missing) == len(communes) - 1
    assert "Xã Định Hóa" not in page.split("data-missing>")[1].split("</p>")[0]
    assert "Phường Phan Đình Phùng" in page.split("data-missing>")[1].split("</p>")[0]
    assert "Tổng hợp, duyệt báo cáo các xã" not in page  # the auditor does not consolidate
    assert "Tổng hợp, duyệt báo cáo các xã" in signed_in(people["province"]).get("/reports/").content.decode()


def test_a_commune_person_sees_only_their_commune(people: dict[str, Any]) -> None:
    client = signed_in(people["commune"])
    response = client.get("/reports/")
    page = response.content.decode()
    current = response.context["period"]
    assert response.context["root"].code == DINH_HOA
    assert f'<option value="{current.code}" selected>' in page
    assert "Thống kê, báo cáo — Xã Định Hóa" in page
    assert 'data-indicator="propagandists"' in page
    assert "Phan Đình Phùng" not in page
    assert client.get("/reports/", {"unit": PHO_YEN}).status_code == 404
    assert client.get("/reports/", {"unit": "19"}).status_code == 404
    assert client.get(f"/reports/2026-H1/download.xlsx?unit={PHO_YEN}").status_code == 404


def test_a_bad_period_gets_a_vietnamese_message(people: dict[str, Any]) -> None:
    response = signed_in(people["commune"]).get("/reports/", {"period": "2026-H2"}, follow=True)
    assert response.status_code == 200
    assert "Kỳ báo cáo “2026-H2” không hợp lệ" in response.content.decode()
    assert signed_in(people["commune"]).get("/reports/2026-H1/download.odt").status_code == 404


def test_downloads_are_the_rendered_reports(people: dict[str, Any]) -> None:
    client = signed_in(people["province"])
    xlsx = client.get("/reports/2026-H1/download.xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="bao-cao-2026-H1-19.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content if xlsx.streaming else [xlsx.content])))
    assert sheet.worksheets[0].max_row >= len(communes_of(province()))
    docx = client.get(f"/reports/2026-H1/download.docx?unit={DINH_HOA}")
    assert docx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        body = archive.read("word/document.xml").decode()
    assert "ỦY BAN NHÂN DÂN XÃ ĐỊNH HÓA" in body
    pdf = signed_in(people["commune"]).get(f"/reports/2026-H1/download.pdf?unit={DINH_HOA}")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
