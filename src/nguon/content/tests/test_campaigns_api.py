"""The campaigns API: create, issue, remind, the completion table, reports with evidence, the export."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from nguon.accounts.choices import Role
from nguon.content import campaign_export
from nguon.content.models import Campaign, CampaignReport, MediaBlob
from nguon.content.selectors.campaigns import local_today
from nguon.content.tests.test_campaigns import (
    PNG,
    TEXT_AS_MP3,
    commune_department,
    deadline,
    residential,
    stored_files,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/content"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def seeded(commune: Any) -> dict[str, Any]:
    units = [
        residential(commune, "TDP01", "Trung Kiên"),
        residential(commune, "TDP02", "Tân Lập"),
        residential(commune, "TDP03", "Hợp Thành"),
        residential(commune, "T01", "Bãi Á", kind="thon"),
    ]
    return {"units": units, "department": commune_department(commune)}


def _payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Tuyên truyền Quyết định 614/QĐ-UBND",
        "reference": "614/QĐ-UBND",
        "directive": "Đề nghị các tổ dân phố, thôn tuyên truyền.",
        "channels": ["loudspeaker", "zalo"],
        "deadline": deadline().isoformat(),
        "unit": "05569",
        "target_units": ["05569-TDP01", "05569-TDP02", "05569-TDP03", "05569-T01"],
        "target_organisations": ["vhxh-05569-test"],
    }
    body.update(overrides)
    return body


def _create(client: Any, user: Any, **overrides: Any) -> dict[str, Any]:
    client.force_login(user)
    response = client.post(f"{API}/campaigns", _payload(**overrides), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def _issued(client: Any, people: Any) -> dict[str, Any]:
    created = _create(client, people.commune_editor)
    response = client.post(f"{API}/campaigns/{created['id']}/issue")
    assert response.status_code == 200
    return response.json()


def _report(client: Any, campaign_id: int, target_id: int, **fields: Any) -> Any:
    data = {"channel": "loudspeaker", "done_on": local_today().isoformat(), **fields}
    return client.post(f"{API}/campaigns/{campaign_id}/targets/{target_id}/reports", data)


def test_create_get_and_list(client: Any, people: Any, seeded: Any) -> None:
    created = _create(client, people.commune_editor)
    assert created["status"] == "draft"
    assert created["unit"] == "05569"
    assert created["directive"] == "<p>Đề nghị các tổ dân phố, thôn tuyên truyền.</p>"
    assert created["summary"]["targets"] == 5
    assert created["can_manage"] is True
    listed = client.get(f"{API}/campaigns").json()
    assert [c["id"] for c in listed] == [created["id"]]
    client.force_login(people.other_editor)
    assert client.get(f"{API}/campaigns").json() == []
    forbidden = client.get(f"{API}/campaigns/{created['id']}")
    missing = client.get(f"{API}/campaigns/999999")
    assert forbidden.status_code == missing.status_code == 404
    assert (
        forbidden.json() == missing.json() == {"error": {"code": "not_found", "message": "Không tìm thấy."}}
    )


def test_invalid_input_gives_vietnamese_field_errors(client: Any, people: Any, seeded: Any) -> None:
    client.force_login(people.commune_editor)
    response = client.post(
        f"{API}/campaigns",
        _payload(title=" ", target_units=["05569-TDP01", "05443"], deadline="2020-01-01"),
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    fields = {d["field"]: d["message"] for d in error["details"]}
    assert fields["title"] == "Cần nhập tên chiến dịch."
    assert fields["deadline"] == "Hạn báo cáo không được trước ngày hôm nay."
    assert "Phường Phan Đình Phùng" in fields["targets"]
    unknown = client.post(
        f"{API}/campaigns", _payload(target_units=["05569-KHONGCO"]), content_type="application/json"
    )
    assert unknown.status_code == 422
    assert (
        unknown.json()["error"]["details"][0]["message"] == "Không tìm thấy đơn vị, tổ chức mã 05569-KHONGCO."
    )
    assert not Campaign.objects.exists()
    client.force_login(people.other_editor)  # another commune's editor cannot issue for xã Định Hóa
    assert (
        client.post(
            f"{API}/campaigns", _payload(target_units=[]), content_type="application/json"
        ).status_code
        == 404
    )


def test_issue_twice_is_a_422_and_only_issuers_may(client: Any, people: Any, seeded: Any) -> None:
    issued = _issued(client, people)
    assert issued["status"] == "issued"
    again = client.post(f"{API}/campaigns/{issued['id']}/issue")
    assert again.status_code == 422
    assert again.json()["error"]["details"][0]["message"] == "Chiến dịch đã được ban hành."
    client.force_login(people.operator)  # sees the campaign, may not manage it
    assert client.get(f"{API}/campaigns/{issued['id']}").json()["can_manage"] is False
    remind = client.post(f"{API}/campaigns/{issued['id']}/remind", content_type="application/json")
    assert remind.status_code == 404
    assert client.post(f"{API}/campaigns/{issued['id']}/close").status_code == 404


def test_reports_reminders_table_and_export_agree(
    client: Any, people: Any, seeded: Any, media: Path, make_user: Any
) -> None:
    issued = _issued(client, people)
    cid = issued["id"]
    client.force_login(people.operator)
    assignments = client.get(f"{API}/campaigns/assignments").json()
    assert len(assignments) == 5  # the commune's staff may report for everything placed in the commune
    by_name = {a["name"]: a["target_id"] for a in assignments}
    first = by_name["Tổ dân phố Trung Kiên"]
    evidence = SimpleUploadedFile("loa.png", PNG, content_type="image/png")
    created = _report(client, cid, first, audience="300", evidence=evidence, note="Phát 3 buổi")
    assert created.status_code == 201, created.content
    assert created.json()["has_evidence"] is True
    assert created.json()["evidence_name"] == "loa.png"
    link = _report(
        client, cid, by_name["Tổ dân phố Tân Lập"], channel="website", evidence_link="https://x.vn/a"
    )
    assert link.status_code == 201
    officer = make_user(Role.DEPARTMENT_CONTRIBUTOR, organisation=seeded["department"])
    client.force_login(officer)
    own = client.get(f"{API}/campaigns/assignments").json()
    assert [a["name"] for a in own] == ["Phòng Văn hóa – Xã hội xã Định Hóa"]
    assert _report(client, cid, own[0]["target_id"], channel="meeting").status_code == 201
    assert _report(client, cid, first, channel="zalo").status_code == 404  # not the department's target

    client.force_login(people.commune_editor)
    reminded = client.post(f"{API}/campaigns/{cid}/remind", {}, content_type="application/json")
    assert reminded.status_code == 200
    assert sorted(reminded.json()["reminded"]) == sorted(
        [by_name["Tổ dân phố Hợp Thành"], by_name["Thôn Bãi Á"]]
    )
    table = client.get(f"{API}/campaigns/{cid}/targets").json()
    assert {k: table["summary"][k] for k in ("targets", "reported", "pending", "percent")} == {
        "targets": 5,
        "reported": 3,
        "pending": 2,
        "percent": 60,
    }
    reports = client.get(f"{API}/campaigns/{cid}/targets/{first}/reports").json()
    assert [(r["channel"], r["audience"], r["note"]) for r in reports] == [
        ("loudspeaker", 300, "Phát 3 buổi")
    ]

    export = client.get(f"{API}/campaigns/{cid}/export.xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in export["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=campaign_export.HEADER_ROW + 1, values_only=True))
    assert [(r[1], r[3], r[7], r[10]) for r in rows] == [
        (row["name"], row["status_label"], row["audience"], row["reminder_count"]) for row in table["rows"]
    ]
    for cells, row in zip(rows, table["rows"], strict=True):
        expected = date.fromisoformat(row["first_done_on"]) if row["first_done_on"] else None
        assert cells[5] == (datetime.combine(expected, datetime.min.time()) if expected else None)


def test_bad_and_oversized_evidence(
    client: Any, people: Any, seeded: Any, media: Path, settings: Any
) -> None:
    issued = _issued(client, people)
    client.force_login(people.operator)
    target = client.get(f"{API}/campaigns/assignments").json()[0]["target_id"]
    fake = SimpleUploadedFile("ban-tin.mp3", TEXT_AS_MP3, content_type="audio/mpeg")
    refused = _report(client, issued["id"], target, evidence=fake)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "file_rejected"
    assert "Định dạng tệp không được nhận" in refused.json()["error"]["message"]
    settings.NGUON_UPLOAD_MAX_MB = {"audio": 1, "video": 1, "image": 1, "document": 1}
    big = SimpleUploadedFile("lon.png", PNG + b"\x00" * (1024 * 1024), content_type="image/png")
    too_large = _report(client, issued["id"], target, evidence=big)
    assert too_large.status_code == 413
    assert too_large.json()["error"]["message"] == "Tệp quá lớn (tối đa 1 MB)."
    assert not CampaignReport.objects.exists()
    assert not MediaBlob.objects.exists()
    assert stored_files(media) == []


def test_a_target_sees_only_its_own_rows_of_a_province_campaign(
    client: Any, people: Any, department: Any, commune: Any, other_commune: Any
) -> None:
    created = _create(
        client,
        people.contributor,
        unit=None,
        organisation=department.code,
        target_units=["05569", "05443"],
        target_organisations=[],
    )
    assert client.post(f"{API}/campaigns/{created['id']}/issue").status_code == 200
    client.force_login(people.other_operator)
    table = client.get(f"{API}/campaigns/{created['id']}/targets").json()
    assert [r["name"] for r in table["rows"]] == ["Phường Phan Đình Phùng"]
    assert client.get(f"{API}/campaigns/{created['id']}/export.xlsx").status_code == 404
    client.force_login(people.board)  # the province's board oversees a province campaign
    assert len(client.get(f"{API}/campaigns/{created['id']}/targets").json()["rows"]) == 2
