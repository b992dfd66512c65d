"""The campaign screens through the Django test client: create, issue, the table at a glance, remind,
export, a target's report form (with a bad upload), and what another commune cannot see."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from nguon.content import campaign_export
from nguon.content.models import Campaign, CampaignReport, MediaBlob
from nguon.content.selectors.campaigns import local_today
from nguon.content.services import campaigns as services
from nguon.content.tests.test_campaigns import (
    PNG,
    TEXT_AS_MP3,
    deadline,
    seed_campaign,
    seed_targets,
    stored_files,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def issued(people: Any, commune: Any) -> Any:
    campaign = seed_campaign(people.commune_editor, commune)
    services.issue_campaign(people.commune_editor, campaign)
    return campaign


def test_create_through_the_form_then_issue(client: Any, people: Any, commune: Any) -> None:
    targets = seed_targets(commune)
    client.force_login(people.commune_editor)
    page = client.get("/content/campaigns/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tổ dân phố Trung Kiên" in html
    assert "Phòng Văn hóa – Xã hội xã Định Hóa" in html
    assert "Phường Phan Đình Phùng" not in html
    bad = client.post("/content/campaigns/new/", {"title": "", "channels": ["zalo"]})
    assert bad.status_code == 400
    assert "Cần chọn ít nhất một đơn vị thực hiện." in bad.content.decode()
    response = client.post(
        "/content/campaigns/new/",
        {
            "title": "Tuyên truyền Quyết định 614/QĐ-UBND",
            "reference": "614/QĐ-UBND",
            "directive": "Tuyên truyền trên loa và nhóm Zalo.",
            "channels": ["loudspeaker", "zalo"],
            "deadline": deadline().isoformat(),
            "targets": [f"u{t.pk}" for t in targets[:4]] + [f"o{targets[4].pk}"],
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/content/campaigns/{campaign.pk}/"
    assert campaign.targets.count() == 5
    issued = client.post(f"/content/campaigns/{campaign.pk}/issue/", follow=True)
    assert "Đã ban hành chiến dịch" in issued.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == "issued"


def test_detail_shows_the_table_at_a_glance_and_reminds(client: Any, people: Any, issued: Any) -> None:
    targets = {t.unit.code: t for t in issued.targets.filter(organisation__isnull=True)}
    services.submit_report(
        people.operator, targets["05569-TDP01"], channel="loudspeaker", done_on=local_today(), audience=200
    )
    client.force_login(people.commune_editor)
    page = client.get(f"/content/campaigns/{issued.pk}/").content.decode()
    assert "Đã báo cáo 1/5 đơn vị (20%)" in page
    assert '<progress max="100" value="20"' in page
    assert "Nhắc các đơn vị chưa báo cáo" in page
    assert f"/content/campaigns/{issued.pk}/export.xlsx" in page
    assert page.count('class="badge badge-ok">Đã báo cáo') == 1
    reminded = client.post(f"/content/campaigns/{issued.pk}/remind/", follow=True).content.decode()
    assert "Đã nhắc 4 đơn vị chưa báo cáo." in reminded
    again = client.post(f"/content/campaigns/{issued.pk}/remind/", follow=True).content.decode()
    assert "vừa được nhắc" in again
    client.force_login(people.operator)  # may see, may not remind
    assert client.post(f"/content/campaigns/{issued.pk}/remind/").status_code == 404


def test_overdue_rows_are_highlighted(client: Any, people: Any, issued: Any) -> None:
    Campaign.objects.filter(pk=issued.pk).update(deadline=local_today().replace(year=2020))
    client.force_login(people.commune_editor)
    page = client.get(f"/content/campaigns/{issued.pk}/").content.decode()
    assert page.count('<tr class="overdue">') == 5
    assert "Quá hạn" in page


def test_export_matches_the_table(client: Any, people: Any, issued: Any) -> None:
    client.force_login(people.commune_editor)
    response = client.get(f"/content/campaigns/{issued.pk}/export.xlsx")
    assert response.status_code == 200
    assert "chien-dich-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [r[1] for r in sheet.iter_rows(min_row=campaign_export.HEADER_ROW + 1, values_only=True)]
    page = client.get(f"/content/campaigns/{issued.pk}/").content.decode()
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)  # same rows, same order as on screen
    assert len(names) == 5


def test_another_commune_sees_nothing(client: Any, people: Any, issued: Any) -> None:
    target = issued.targets.filter(organisation__isnull=True).first()
    client.force_login(people.other_editor)
    assert "Tuyên truyền Quyết định 614" not in client.get("/content/campaigns/").content.decode()
    for url in (
        f"/content/campaigns/{issued.pk}/",
        f"/content/campaigns/{issued.pk}/export.xlsx",
        f"/content/campaigns/{issued.pk}/targets/{target.pk}/report/",
        f"/content/campaigns/{issued.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/content/campaigns/999999/").status_code == 404


def test_report_form_refuses_a_renamed_text_file_and_leaves_nothing(
    client: Any, people: Any, issued: Any, media: Path
) -> None:
    target = issued.targets.filter(organisation__isnull=True).first()
    url = f"/content/campaigns/{issued.pk}/targets/{target.pk}/report/"
    client.force_login(people.operator)
    form = client.get(url)
    assert form.status_code == 200
    assert "Tệp minh chứng" in form.content.decode()
    fake = SimpleUploadedFile("ban-tin.mp3", TEXT_AS_MP3, content_type="audio/mpeg")
    response = client.post(
        url, {"channel": "loudspeaker", "done_on": local_today().isoformat(), "evidence": fake}
    )
    assert response.status_code == 422
    assert (
        "Định dạng tệp không được nhận (đã kiểm tra nội dung tệp, không theo đuôi tên)"
        in response.content.decode()
    )
    assert not CampaignReport.objects.exists()
    assert not MediaBlob.objects.exists()
    assert stored_files(media) == []
    target.refresh_from_db()
    assert target.status == "pending"

    good = SimpleUploadedFile("hop-dan.png", PNG, content_type="image/png")
    done = client.post(
        url,
        {"channel": "meeting", "done_on": local_today().isoformat(), "audience": "85", "evidence": good},
        follow=True,
    )
    assert "Đã ghi nhận báo cáo" in done.content.decode()
    report = CampaignReport.objects.get()
    assert (report.channel, report.audience, report.evidence_name) == ("meeting", 85, "hop-dan.png")
    assert len(stored_files(media)) == 1
    evidence = client.get(f"/content/campaigns/{issued.pk}/evidence/{report.pk}/")
    assert evidence.status_code == 200
    assert b"".join(evidence.streaming_content) == PNG
    client.force_login(people.other_operator)
    assert client.get(f"/content/campaigns/{issued.pk}/evidence/{report.pk}/").status_code == 404


def test_assignments_are_listed_for_the_target(client: Any, people: Any, issued: Any) -> None:
    client.force_login(people.operator)
    page = client.get("/content/campaigns/").content.decode()
    assert "Được giao thực hiện" in page
    assert page.count(f"/content/campaigns/{issued.pk}/targets/") == 5
    client.force_login(people.other_operator)
    assert "Chưa có chiến dịch nào giao cho đơn vị." in client.get("/content/campaigns/").content.decode()


def test_documents_upload_and_download(client: Any, people: Any, commune: Any, media: Path) -> None:
    campaign = seed_campaign(people.commune_editor, commune)
    client.force_login(people.commune_editor)
    bad = SimpleUploadedFile("qd614.mp3", TEXT_AS_MP3, content_type="audio/mpeg")
    page = client.post(f"/content/campaigns/{campaign.pk}/documents/", {"file": bad}, follow=True)
    assert "Định dạng tệp không được nhận" in page.content.decode()
    assert not campaign.documents.exists()
    good = SimpleUploadedFile("to-roi.png", PNG, content_type="image/png")
    client.post(f"/content/campaigns/{campaign.pk}/documents/", {"file": good})
    document = campaign.documents.get()
    assert (document.original_name, document.blob.kind) == ("to-roi.png", "image")
    assert len(stored_files(media)) == 1  # the refused file left nothing behind
    download = client.get(f"/content/campaigns/{campaign.pk}/documents/{document.pk}/")
    assert download.status_code == 200
    assert "to-roi.png" in download["Content-Disposition"]
    client.force_login(people.operator)  # sees the campaign and its documents, may not add any
    assert client.get(f"/content/campaigns/{campaign.pk}/documents/{document.pk}/").status_code == 200
    refused = client.post(f"/content/campaigns/{campaign.pk}/documents/", {"file": good})
    assert refused.status_code == 404
    client.force_login(people.other_editor)
    assert client.get(f"/content/campaigns/{campaign.pk}/documents/{document.pk}/").status_code == 404
