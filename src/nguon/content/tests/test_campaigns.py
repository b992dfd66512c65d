"""Propagation campaigns through services and selectors: the seed case (xã Định Hóa forwards Quyết định
614/QĐ-UBND to its residential groups and a department), scoping, validation, reminders, the export."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from openpyxl import load_workbook

from nguon.accounts.choices import Role
from nguon.content import campaign_export
from nguon.content.choices import CampaignChannel, CampaignStatus, TargetStatus
from nguon.content.files import RejectedFileError
from nguon.content.models import CampaignReport, CampaignTarget, MediaBlob, Notification, SearchEntry
from nguon.content.selectors import campaigns as selectors
from nguon.content.services import campaigns as services
from nguon.core.access import SystemActor
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("tests")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TEXT_AS_MP3 = "Đây là văn bản, không phải âm thanh.\n".encode()


# -- helpers shared with test_campaigns_api.py and test_campaigns_views.py --------------------------------


def residential(commune: Any, local: str, name: str, kind: str = "to_dan_pho") -> Any:
    from nguon.units import services as unit_services

    return unit_services.save_residential_unit(
        actor=SYSTEM, commune=commune, local_code=local, name=name, kind=kind
    )


def commune_department(commune: Any) -> Any:
    from nguon.units import services as unit_services
    from nguon.units.models import Organisation

    found = Organisation.objects.filter(code="vhxh-05569-test").first()
    return found or unit_services.create_organisation(
        actor=SYSTEM,
        code="vhxh-05569-test",
        kind="department",
        name="Phòng Văn hóa – Xã hội xã Định Hóa",
        unit=commune,
    )


def deadline(days: int = 7) -> Any:
    return selectors.local_today() + timedelta(days=days)


def seed_targets(commune: Any) -> list[Any]:
    """Five targets of xã Định Hóa: four residential units and the commune's culture department."""
    return [
        residential(commune, "TDP01", "Trung Kiên"),
        residential(commune, "TDP02", "Tân Lập"),
        residential(commune, "TDP03", "Hợp Thành"),
        residential(commune, "T01", "Bãi Á", kind="thon"),
        commune_department(commune),
    ]


def seed_campaign(actor: Any, commune: Any, targets: list[Any] | None = None, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "unit": commune,
        "title": "Tuyên truyền Quyết định 614/QĐ-UBND",
        "reference": "614/QĐ-UBND",
        "directive": "<p>Đề nghị các tổ dân phố, thôn tuyên truyền trên loa và nhóm Zalo.</p><script>x()</script>",
        "channels": [CampaignChannel.LOUDSPEAKER, CampaignChannel.ZALO],
        "deadline": deadline(),
        "targets": targets if targets is not None else seed_targets(commune),
    }
    values.update(overrides)
    return services.create_campaign(actor, **values)


def png(name: str = "anh-hop-dan.png", size: int | None = None) -> SimpleUploadedFile:
    content = PNG if size is None else PNG + b"\x00" * (size - len(PNG))
    return SimpleUploadedFile(name, content, content_type="image/png")


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# -- create, validate, edit ----------------------------------------------------------------------------------


def test_commune_creates_a_draft_for_its_residential_units_and_department(people: Any, commune: Any) -> None:
    decomposed = "Tuye\u0302n truye\u0302\u0300n QĐ 614"  # NFD, as some keyboards type it
    campaign = seed_campaign(people.commune_editor, commune, title=decomposed)
    assert campaign.title == "Tuyên truyền QĐ 614"
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.unit == commune
    assert campaign.organisation is None
    assert campaign.created_by == people.commune_editor
    assert "<script" not in campaign.directive
    assert campaign.directive_text == "Đề nghị các tổ dân phố, thôn tuyên truyền trên loa và nhóm Zalo."
    kinds = sorted((t.unit.level, t.organisation_id is not None) for t in campaign.targets.all())
    assert kinds == [("commune", True)] + [("residential", False)] * 4
    event = AuditEvent.objects.get(action="content.campaign.create", target_id=str(campaign.pk))
    assert event.unit_path == commune.path
    assert len(event.after["targets"]) == 5
    entry = SearchEntry.objects.get(kind=SearchEntry.KIND_CAMPAIGN, object_id=campaign.pk)
    assert entry.status == CampaignStatus.DRAFT
    assert "614" in entry.search_text


def test_every_problem_is_reported_at_once(people: Any, commune: Any, other_commune: Any) -> None:
    foreign = residential(other_commune, "TDP09", "Tổ dân phố 9")
    with pytest.raises(ValidationError) as caught:
        services.create_campaign(
            people.commune_editor,
            unit=commune,
            title="",
            channels=["fax"],
            deadline=selectors.local_today() - timedelta(days=1),
            targets=[foreign, commune],
        )
    errors = caught.value.message_dict
    assert set(errors) == {"title", "channels", "deadline", "targets"}
    assert errors["title"] == ["Cần nhập tên chiến dịch."]
    assert len(errors["targets"]) == 2  # another commune's unit, and the issuer itself
    assert "Tổ dân phố 9" in errors["targets"][0]
    with pytest.raises(ValidationError) as caught:
        seed_campaign(people.commune_editor, commune, targets=[])
    assert caught.value.message_dict["targets"] == ["Cần chọn ít nhất một đơn vị thực hiện."]


def test_only_issuers_of_the_unit_may_create(people: Any, commune: Any, other_commune: Any) -> None:
    targets = seed_targets(commune)
    with pytest.raises(Http404):  # another commune's editor
        seed_campaign(people.other_editor, commune, targets=targets)
    with pytest.raises(Http404):  # an operator reports but does not issue
        seed_campaign(people.operator, commune, targets=targets)
    with pytest.raises(Http404):  # a province department issues in its own name, not as the commune
        seed_campaign(people.contributor, commune, targets=targets)


def test_province_department_targets_communes(
    people: Any, department: Any, commune: Any, other_commune: Any
) -> None:
    campaign = services.create_campaign(
        people.contributor,
        organisation=department,
        title="Tuyên truyền phòng, chống dịch",
        channels=[CampaignChannel.LOUDSPEAKER],
        deadline=deadline(),
        targets=[commune, other_commune],
    )
    assert campaign.organisation == department
    assert campaign.unit.level == "province"
    with pytest.raises(ValidationError) as caught:
        services.create_campaign(
            people.contributor,
            organisation=department,
            title="Tự giao",
            channels=[CampaignChannel.WEBSITE],
            deadline=deadline(),
            targets=[department],
        )
    assert "chính cơ quan ban hành" in caught.value.message_dict["targets"][0]


def test_update_replaces_targets_of_a_draft_only(people: Any, commune: Any) -> None:
    targets = seed_targets(commune)
    campaign = seed_campaign(people.commune_editor, commune, targets=targets)
    services.update_campaign(
        people.commune_editor,
        campaign,
        title="Tuyên truyền QĐ 614 (sửa)",
        reference="614/QĐ-UBND",
        channels=[CampaignChannel.MEETING],
        deadline=deadline(10),
        targets=targets[:2],
    )
    campaign.refresh_from_db()
    assert campaign.title == "Tuyên truyền QĐ 614 (sửa)"
    assert campaign.channels == ["meeting"]
    assert campaign.targets.count() == 2
    assert AuditEvent.objects.filter(action="content.campaign.update", target_id=str(campaign.pk)).exists()
    with pytest.raises(Http404):
        services.update_campaign(
            people.other_editor, campaign, title="x", channels=["zalo"], deadline=deadline(), targets=targets
        )
    services.issue_campaign(people.commune_editor, campaign)
    with pytest.raises(ValidationError, match="đang soạn thảo"):
        services.update_campaign(
            people.commune_editor,
            campaign,
            title="x",
            channels=["zalo"],
            deadline=deadline(),
            targets=targets,
        )


# -- issue, report, remind, close ------------------------------------------------------------------------------


def test_issue_notifies_the_nearest_people_once_and_twice_is_an_error(
    people: Any, commune: Any, make_user: Any
) -> None:
    department = commune_department(commune)
    culture_officer = make_user(Role.DEPARTMENT_CONTRIBUTOR, organisation=department)
    campaign = seed_campaign(people.commune_editor, commune)
    services.issue_campaign(people.commune_editor, campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ISSUED
    assert campaign.issued_at is not None
    notices = Notification.objects.filter(kind="campaign-issued")
    told = set(notices.values_list("user_id", flat=True))
    # Commune staff answer for the residential units; the department's own person for the department.
    assert people.operator.pk in told
    assert culture_officer.pk in told
    assert people.commune_editor.pk not in told  # the actor
    assert people.board.pk not in told  # the province is not told about a commune's own campaign
    assert people.other_operator.pk not in told
    operator_notice = notices.get(user=people.operator)
    assert "Tổ dân phố Trung Kiên" in operator_notice.message
    assert operator_notice.url == f"/content/campaigns/{campaign.pk}/"
    with pytest.raises(ValidationError, match="đã được ban hành"):
        services.issue_campaign(people.commune_editor, campaign)
    assert Notification.objects.filter(kind="campaign-issued").count() == notices.count()
    assert AuditEvent.objects.filter(action="content.campaign.issue").count() == 1
    with pytest.raises(Http404):
        services.issue_campaign(people.other_editor, campaign)


def test_acceptance_five_targets_three_report_two_reminded_table_and_xlsx_agree(
    people: Any, commune: Any, make_user: Any, media: Path
) -> None:
    targets = seed_targets(commune)
    culture_officer = make_user(Role.DEPARTMENT_CONTRIBUTOR, organisation=targets[4])
    campaign = seed_campaign(people.commune_editor, commune, targets=targets)
    services.issue_campaign(people.commune_editor, campaign)
    rows = {t.organisation_id or t.unit_id: t for t in campaign.targets.all()}
    tdp1, tdp2, tdp3, thon, dept = (rows[t.pk] for t in targets)
    today = selectors.local_today()

    services.submit_report(
        people.operator, tdp1, channel="loudspeaker", done_on=today - timedelta(days=2), audience=350,
        evidence_upload=png(),
    )  # fmt: skip
    services.submit_report(people.operator, tdp1, channel="zalo", done_on=today, audience=120)
    services.submit_report(
        people.operator, tdp2, channel="meeting", done_on=today - timedelta(days=1),
        evidence_link="https://dinhhoa.thainguyen.gov.vn/tin/614", note="Họp tổ dân phố",
    )  # fmt: skip
    services.submit_report(culture_officer, dept, channel="website", done_on=today)

    with pytest.raises(Http404):  # the department's person cannot report for a residential unit
        services.submit_report(culture_officer, tdp3, channel="zalo", done_on=today)

    reminded = services.remind(people.commune_editor, campaign)
    assert {t.pk for t in reminded} == {tdp3.pk, thon.pk}
    for target in (tdp3, thon):
        target.refresh_from_db()
        assert target.reminder_count == 1
        assert target.last_reminded_at is not None
    tdp1.refresh_from_db()
    assert tdp1.reminder_count == 0
    assert Notification.objects.filter(kind="campaign-reminder", user=people.operator).exists()
    assert not Notification.objects.filter(kind="campaign-reminder", user=culture_officer).exists()

    table = selectors.completion_table(campaign)
    summary = table.summary
    assert (summary.targets, summary.reported, summary.pending, summary.percent) == (5, 3, 2, 60)
    assert summary.is_overdue is False
    by_name = {r.name: r for r in table.rows}
    first = by_name["Tổ dân phố Trung Kiên"]
    assert first.status == TargetStatus.REPORTED
    assert first.channels == ["Loa truyền thanh", "Nhóm Zalo"]
    assert (first.first_done_on, first.last_done_on) == (today - timedelta(days=2), today)
    assert (first.audience, first.report_count, first.evidence_count) == (470, 2, 1)
    assert by_name["Tổ dân phố Tân Lập"].evidence_count == 1  # a link counts as evidence
    assert by_name["Tổ dân phố Tân Lập"].audience is None
    pending = by_name["Thôn Bãi Á"]
    assert (pending.status, pending.reminder_count, pending.channels) == ("pending", 1, [])

    book = load_workbook(io.BytesIO(campaign_export.workbook_bytes(campaign, table)))
    sheet = book[campaign_export.SHEET_TITLE]
    assert sheet.cell(1, 1).value == "Chiến dịch tuyên truyền: Tuyên truyền Quyết định 614/QĐ-UBND"
    assert sheet.cell(2, 2).value == "614/QĐ-UBND"
    assert sheet.cell(3, 2).value == datetime.combine(campaign.deadline, datetime.min.time())
    assert sheet.cell(4, 2).value == "3/5 (60%)"
    assert sheet.cell(4, 4).value == 2
    header = [c.value for c in sheet[campaign_export.HEADER_ROW]]
    assert header == [h for h, _w in campaign_export.COLUMNS]
    data = list(sheet.iter_rows(min_row=campaign_export.HEADER_ROW + 1, values_only=True))
    assert len(data) == len(table.rows) == 5
    for index, (cells, row) in enumerate(zip(data, table.rows, strict=True), start=1):
        expected = campaign_export.row_values(index, row)
        for got, want in zip(cells, expected, strict=True):
            if isinstance(want, datetime):  # Excel keeps times to the millisecond
                assert abs(got - want) < timedelta(milliseconds=2)
            elif hasattr(want, "isoformat"):  # a date comes back as midnight of that day
                assert got == datetime.combine(want, datetime.min.time())
            else:
                assert got == want
    assert sheet.cell(campaign_export.HEADER_ROW + 1, 6).number_format == campaign_export.DATE_FORMAT
    assert [r[1] for r in data] == [r.name for r in table.rows]
    assert [r[3] for r in data].count("Đã báo cáo") == 3
    assert [r[10] for r in data] == [r.reminder_count for r in table.rows]


def test_a_report_per_channel_and_date_and_the_same_twice_is_refused(people: Any, commune: Any) -> None:
    campaign = seed_campaign(people.commune_editor, commune)
    target = campaign.targets.filter(organisation__isnull=True).first()
    today = selectors.local_today()
    with pytest.raises(ValidationError, match="chưa ban hành"):  # a draft takes no reports
        services.submit_report(people.operator, target, channel="zalo", done_on=today)
    services.issue_campaign(people.commune_editor, campaign)
    services.submit_report(people.operator, target, channel="zalo", done_on=today)
    with pytest.raises(ValidationError) as caught:
        services.submit_report(people.operator, target, channel="zalo", done_on=today)
    assert "Đã báo cáo hình thức này" in caught.value.message_dict["channel"][0]
    services.submit_report(people.operator, target, channel="zalo", done_on=today - timedelta(days=1))
    assert CampaignReport.objects.filter(target=target).count() == 2
    with pytest.raises(ValidationError) as caught:
        services.submit_report(
            people.operator,
            target,
            channel="loudspeaker",
            done_on=today + timedelta(days=1),
            audience=-5,
            evidence_link="javascript:alert(1)",
        )
    assert set(caught.value.message_dict) == {"done_on", "audience", "evidence_link"}
    with pytest.raises(Http404):
        services.submit_report(people.other_operator, target, channel="zalo", done_on=today)


def test_a_rejected_evidence_file_leaves_no_row_and_no_file(people: Any, commune: Any, media: Path) -> None:
    campaign = seed_campaign(people.commune_editor, commune)
    services.issue_campaign(people.commune_editor, campaign)
    target = campaign.targets.filter(organisation__isnull=True).first()
    blobs = MediaBlob.objects.count()
    fake = SimpleUploadedFile("ban-tin.mp3", TEXT_AS_MP3, content_type="audio/mpeg")
    with pytest.raises(RejectedFileError) as caught:
        services.submit_report(
            people.operator,
            target,
            channel="loudspeaker",
            done_on=selectors.local_today(),
            evidence_upload=fake,
        )
    assert caught.value.status == 422
    assert "không theo đuôi tên" in caught.value.message
    target.refresh_from_db()
    assert target.status == TargetStatus.PENDING
    assert not CampaignReport.objects.filter(target=target).exists()
    assert MediaBlob.objects.count() == blobs
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(action="content.campaign.report").exists()


def test_a_failure_after_storing_the_file_removes_it(
    people: Any, commune: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign = seed_campaign(people.commune_editor, commune)
    services.issue_campaign(people.commune_editor, campaign)
    target = campaign.targets.filter(organisation__isnull=True).first()

    def broken_audit(**kwargs: Any) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr(services.audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        services.submit_report(
            people.operator, target, channel="zalo", done_on=selectors.local_today(), evidence_upload=png()
        )
    assert not CampaignReport.objects.exists()
    assert not MediaBlob.objects.filter(size=len(PNG)).exists()
    assert stored_files(media) == []


def test_remind_skips_reported_and_recent_targets_and_checks_membership(people: Any, commune: Any) -> None:
    campaign = seed_campaign(people.commune_editor, commune)
    with pytest.raises(ValidationError, match="đang thực hiện"):
        services.remind(people.commune_editor, campaign)
    services.issue_campaign(people.commune_editor, campaign)
    units = list(campaign.targets.filter(organisation__isnull=True))
    services.submit_report(people.operator, units[0], channel="zalo", done_on=selectors.local_today())
    reminded = services.remind(people.commune_editor, campaign, [units[0], units[1]])
    assert [t.pk for t in reminded] == [units[1].pk]
    with pytest.raises(ValidationError, match="vừa được nhắc"):
        services.remind(people.commune_editor, campaign, [units[1]])
    CampaignTarget.objects.filter(pk=units[1].pk).update(
        last_reminded_at=reminded[0].last_reminded_at - services.REMIND_INTERVAL
    )
    assert [t.pk for t in services.remind(people.commune_editor, campaign, [units[1]])] == [units[1].pk]
    units[1].refresh_from_db()
    assert units[1].reminder_count == 2
    other = seed_campaign(people.commune_editor, commune, targets=[units[2].unit])
    with pytest.raises(ValidationError) as caught:
        services.remind(people.commune_editor, campaign, list(other.targets.all()))
    assert "targets" in caught.value.message_dict
    with pytest.raises(Http404):
        services.remind(people.operator, campaign)


def test_close_stops_reports_and_the_last_report_tells_the_issuer(people: Any, commune: Any) -> None:
    target_unit = residential(commune, "TDP01", "Trung Kiên")
    campaign = seed_campaign(people.commune_editor, commune, targets=[target_unit])
    services.issue_campaign(people.commune_editor, campaign)
    target = campaign.targets.get()
    services.submit_report(people.operator, target, channel="loudspeaker", done_on=selectors.local_today())
    assert Notification.objects.filter(user=people.commune_editor, kind="campaign-complete").count() == 1
    services.close_campaign(people.commune_editor, campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert SearchEntry.objects.get(kind=SearchEntry.KIND_CAMPAIGN, object_id=campaign.pk).status == "closed"
    with pytest.raises(ValidationError, match="kết thúc"):
        services.submit_report(people.operator, target, channel="zalo", done_on=selectors.local_today())
    with pytest.raises(ValidationError):
        services.close_campaign(people.commune_editor, campaign)


# -- reading: scope and the table ----------------------------------------------------------------------------


def test_scoping_of_lists_and_fetches(people: Any, commune: Any, other_commune: Any, department: Any) -> None:
    own = seed_campaign(people.commune_editor, commune)
    services.issue_campaign(people.commune_editor, own)
    province_campaign = services.create_campaign(
        people.contributor,
        organisation=department,
        title="Tuyên truyền Luật Báo chí",
        channels=[CampaignChannel.LOUDSPEAKER],
        deadline=deadline(),
        targets=[commune, other_commune],
    )
    services.issue_campaign(people.contributor, province_campaign)

    assert set(selectors.list_campaigns(user=people.operator)) == {own}
    assert set(selectors.list_campaigns(user=people.other_operator)) == set()
    assert set(selectors.list_issued_campaigns(user=people.commune_editor)) == {own}
    assert set(selectors.list_issued_campaigns(user=people.operator)) == set()
    assert set(selectors.list_campaigns(user=people.contributor)) == {province_campaign}

    assigned = selectors.list_assignments(user=people.other_operator)
    assert [t.unit for t in assigned] == [other_commune]
    assert selectors.get_campaign(user=people.other_operator, pk=province_campaign.pk) == province_campaign
    with pytest.raises(Http404):
        selectors.get_campaign(user=people.other_operator, pk=own.pk)
    assert selectors.can_oversee(people.contributor, province_campaign)
    assert not selectors.can_oversee(people.other_operator, province_campaign)
    own_rows = selectors.completion_table(
        province_campaign,
        targets=selectors.list_own_targets(user=people.other_operator, campaign=province_campaign),
    ).rows
    assert [r.name for r in own_rows] == [other_commune.full_name]
    mine = selectors.list_own_targets(user=people.operator, campaign=province_campaign).get()
    with pytest.raises(Http404):
        selectors.get_target(user=people.other_operator, campaign=province_campaign, pk=mine.pk)


def test_overdue_uses_vietnamese_dates(people: Any, commune: Any) -> None:
    campaign = seed_campaign(people.commune_editor, commune)
    services.issue_campaign(people.commune_editor, campaign)
    units = list(campaign.targets.filter(organisation__isnull=True))
    services.submit_report(people.operator, units[0], channel="zalo", done_on=selectors.local_today())
    on_time = selectors.completion_table(campaign, today=campaign.deadline)
    assert on_time.summary.is_overdue is False
    assert on_time.summary.days_left == 0
    late = selectors.completion_table(campaign, today=campaign.deadline + timedelta(days=1))
    assert late.summary.is_overdue is True
    assert [r.is_overdue for r in late.rows].count(True) == late.summary.pending == 4
    assert not next(r for r in late.rows if r.target_id == units[0].pk).is_overdue


def test_local_today_is_the_date_in_vietnam(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC

    late_evening_utc = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)  # 01:30 on 2 March in Hà Nội
    monkeypatch.setattr(selectors.timezone, "now", lambda: late_evening_utc)
    assert selectors.local_today().isoformat() == "2026-03-02"
