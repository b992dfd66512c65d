"""The bulletin screens through the Django test client: the editor, scoping, uploads, steps, diffs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from nguon.accounts.choices import Role
from nguon.accounts.services import grant_role
from nguon.content.choices import Status
from nguon.content.models import Attachment, Bulletin, MediaBlob
from nguon.content.services import bulletins, workflow
from nguon.content.views.bulletins import bulletin_step_view
from nguon.core import access
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW = "/content/b/new/"


def _form(category: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Thông báo lịch tiêm chủng mở rộng tháng 12",
        "summary": "Trạm y tế xã tiêm chủng cho trẻ dưới 5 tuổi.",
        "body": "<p>Trạm y tế xã tổ chức tiêm chủng ngày 5/12/2026.</p><script>alert('x')</script>",
        "category": str(category.pk),
        "language": "vi",
        "priority": "normal",
        "target_scope": "communes",
        "channels": ["radio", "eboard"],
        "valid_from": "",
        "valid_until": "",
        "voice": "",
    }
    data.update(overrides)
    return data


def _create(client: Any, category: Any, **overrides: Any) -> Bulletin:
    before = set(Bulletin.objects.values_list("pk", flat=True))
    response = client.post(NEW, _form(category, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Bulletin.objects.exclude(pk__in=before).get()
    assert response["Location"] == f"/content/b/{created.pk}/"
    return created


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


# -- writing ------------------------------------------------------------------------------------------------


def test_commune_editor_writes_edits_and_submits_with_the_script_removed(
    people: Any, sign_in: Any, category: Any, commune: Any, media: Path
) -> None:
    client = sign_in(people.commune_editor)
    page = client.get(NEW).content.decode()
    assert "Soạn bản tin" in page
    assert 'data-rich-text="1"' in page  # the editor enhances a plain textarea
    assert "Xã Định Hóa" in page
    assert "Phường Phan Đình Phùng" not in page  # only the commune's own place is offered

    b = _create(client, category, valid_from="2026-12-01T07:30", valid_until="2026-12-05T17:00")
    assert b.unit == commune
    assert b.source_level == "commune"
    assert b.created_by == people.commune_editor
    assert "<script" not in b.body
    assert "alert" not in b.body_text
    assert b.valid_from is not None
    assert b.valid_from.isoformat() == "2026-12-01T00:30:00+00:00"  # 07:30 in Asia/Ho_Chi_Minh

    detail = client.get(f"/content/b/{b.pk}/").content.decode()
    assert "Trạm y tế xã tổ chức tiêm chủng ngày 5/12/2026." in detail
    assert "<script>alert" not in detail
    assert "01/12/2026 07:30" in detail  # shown in Vietnamese time again
    assert "Gửi duyệt" in detail
    assert "Bản nháp" in detail

    edit = client.get(f"/content/b/{b.pk}/edit/").content.decode()
    assert "2026-12-01T07:30" in edit
    plan = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    assert client.post(f"/content/b/{b.pk}/attach/", {"file": plan}).status_code == 302
    b.refresh_from_db()
    assert b.revision == 2
    same = _form(category, valid_from="2026-12-01T07:30", valid_until="2026-12-05T17:00")
    assert client.post(f"/content/b/{b.pk}/edit/", same).status_code == 302
    b.refresh_from_db()
    assert b.revision == 2  # saving unchanged values (times typed in Vietnam time) makes no new revision
    diff = client.get(f"/content/b/{b.pk}/diff/", {"from": 1, "to": 2})
    assert [c.field for c in diff.context["changes"]] == ["attachments"]
    response = client.post(
        f"/content/b/{b.pk}/edit/",
        {**same, "body": "<p>Trạm y tế xã tổ chức tiêm chủng ngày 6/12/2026.</p>"},
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert "6/12/2026" in b.body_text
    assert b.revision == 3

    response = client.post(f"/content/b/{b.pk}/step/", {"step": "submit"})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == Status.APPRAISED  # a commune's own bulletin goes straight to its approver
    assert client.get(f"/content/b/{b.pk}/edit/").status_code == 302  # no longer editable
    page = client.get(f"/content/b/{b.pk}/").content.decode()
    assert "Gửi duyệt" in page  # in the timeline
    assert f"/content/b/{b.pk}/edit/" not in page


def test_department_contributor_writes_for_its_organisation(
    people: Any, sign_in: Any, category: Any, department: Any, commune: Any, province: Any
) -> None:
    client = sign_in(people.contributor)
    page = client.get(NEW).content.decode()
    assert "Xã Định Hóa" in page  # the communes of the province
    assert "Phường Phan Đình Phùng" in page
    b = _create(client, category, targets=[str(commune.pk)])
    assert b.source_organisation == department
    assert b.unit == province
    assert b.source_level == "department"
    assert list(b.targets.all()) == [commune]


def test_service_errors_are_shown_on_the_fields_and_nothing_is_saved(
    people: Any, sign_in: Any, category: Any, other_commune: Any
) -> None:
    client = sign_in(people.contributor)
    response = client.post(
        NEW,
        _form(
            category,
            channels=[],
            valid_from="2026-12-05T10:00",
            valid_until="2026-12-01T10:00",
            target_scope="residential",
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    form = response.context["form"]
    assert form.errors["channels"] == ["Cần chọn ít nhất một kênh."]
    assert form.errors["valid_until"] == ["Thời điểm hết hiệu lực phải sau thời điểm bắt đầu."]
    assert form.errors["targets"] == ["Cần chọn ít nhất một đơn vị nhận tin."]
    assert "Bản tin chưa được lưu" in page
    assert Bulletin.objects.count() == 0

    editor = sign_in(people.commune_editor)
    response = editor.post(NEW, _form(category, targets=[str(other_commune.pk)]))
    assert response.status_code == 400  # another commune is not among the choices
    assert "targets" in response.context["form"].errors
    assert Bulletin.objects.count() == 0


# -- scoping ------------------------------------------------------------------------------------------------


def test_another_commune_gets_404_for_a_draft_by_url_and_by_guessing(
    people: Any, sign_in: Any, category: Any
) -> None:
    b = _create(sign_in(people.commune_editor), category)
    client = sign_in(people.other_editor)
    for url in (
        f"/content/b/{b.pk}/",
        f"/content/b/{b.pk}/edit/",
        f"/content/b/{b.pk}/revisions/",
        f"/content/b/{b.pk}/diff/?from=1&to=1",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/content/b/{b.pk}/step/", {"step": "submit"}).status_code == 404
    assert client.post(f"/content/b/{b.pk}/edit/", _form(category, title="Sửa trộm")).status_code == 404
    assert client.post(f"/content/b/{b.pk}/audio/").status_code == 404
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    assert client.post(f"/content/b/{b.pk}/attach/", {"file": upload}).status_code == 404
    for guess in range(b.pk + 1, b.pk + 4):  # ids that do not exist look the same
        assert client.get(f"/content/b/{guess}/").status_code == 404
    listing = client.get("/content/b/").content.decode()
    assert b.title not in listing
    b.refresh_from_db()
    assert b.title != "Sửa trộm"
    assert b.status == Status.DRAFT


# -- uploads ------------------------------------------------------------------------------------------------


def test_text_renamed_mp3_is_refused_with_422_and_leaves_nothing(
    people: Any, sign_in: Any, category: Any, media: Path
) -> None:
    client = sign_in(people.commune_editor)
    b = _create(client, category)
    before = _files(media)
    fake = SimpleUploadedFile("ban-tin.mp3", "Đây là văn bản, không phải âm thanh.".encode(), "audio/mpeg")
    response = client.post(f"/content/b/{b.pk}/attach/", {"file": fake})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Định dạng tệp không được nhận (đã kiểm tra nội dung tệp, không theo đuôi tên)" in page
    assert 'role="alert"' in page
    assert Attachment.objects.count() == 0
    assert MediaBlob.objects.count() == 0
    assert _files(media) == before


def test_oversized_upload_gets_413_before_the_body_is_read(
    people: Any, sign_in: Any, category: Any, settings: Any, media: Path
) -> None:
    client = sign_in(people.commune_editor)
    b = _create(client, category)
    settings.NGUON_UPLOAD_MAX_MB = {"audio": 1, "video": 1, "image": 1, "document": 1}
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 200_000), "application/pdf")
    response = client.post(f"/content/b/{b.pk}/attach/", {"file": big})
    assert response.status_code == 413
    assert "Tệp quá lớn (tối đa 1 MB)." in response.content.decode()
    assert MediaBlob.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert _files(media) == set()


def test_file_over_its_kind_limit_gets_413_from_the_service(
    people: Any, sign_in: Any, category: Any, settings: Any, media: Path
) -> None:
    client = sign_in(people.commune_editor)
    b = _create(client, category)
    settings.NGUON_UPLOAD_MAX_MB = {"audio": 1, "video": 3, "image": 1, "document": 1}
    # An MP3 header and 1.5 MB: under the request limit (3 MB), over the audio limit (1 MB).
    big = SimpleUploadedFile("dai.mp3", b"ID3" + b"\0" * (1024 * 1024 + 500_000), "audio/mpeg")
    response = client.post(f"/content/b/{b.pk}/attach/", {"file": big})
    assert response.status_code == 413
    assert "Tệp Âm thanh quá lớn (tối đa 1 MB)." in response.content.decode()
    assert MediaBlob.objects.count() == 0
    assert _files(media) == set()


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is installed by scripts/setup-os.sh")
def test_real_audio_is_attached_played_and_downloaded_only_in_scope(
    people: Any, sign_in: Any, category: Any, media: Path, tmp_path: Path
) -> None:
    mp3 = tmp_path / "tin.mp3"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=1.5",
            "-q:a",
            "9",
            str(mp3),
        ],
        check=True,
    )
    client = sign_in(people.commune_editor)
    b = _create(client, category)
    upload = SimpleUploadedFile("Thông báo tiêm chủng.mp3", mp3.read_bytes(), "audio/mpeg")
    response = client.post(f"/content/b/{b.pk}/attach/", {"file": upload})
    assert response.status_code == 302
    attachment = Attachment.objects.get(bulletin=b)
    url = f"/content/b/{b.pk}/files/{attachment.pk}/"
    page = client.get(f"/content/b/{b.pk}/").content.decode()
    assert f'<audio controls preload="metadata" src="{url}"' in page
    assert "/media/" not in page

    played = client.get(url)
    assert played.status_code == 200
    assert played["Content-Type"] == "audio/mpeg"
    assert b"".join(played.streaming_content) == mp3.read_bytes()
    downloaded = client.get(url, {"download": "1"})
    disposition = downloaded["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Th%C3%B4ng%20b%C3%A1o%20ti%C3%AAm%20ch%E1%BB%A7ng.mp3" in disposition

    outsider = sign_in(people.other_editor)
    assert outsider.get(url).status_code == 404
    assert outsider.post(f"{url}remove/").status_code == 404

    client = sign_in(people.commune_editor)
    assert client.post(f"{url}remove/").status_code == 302
    assert not Attachment.objects.filter(bulletin=b).exists()
    assert MediaBlob.objects.count() == 1  # the stored bytes stay for older revisions


# -- workflow steps -----------------------------------------------------------------------------------------


def _department_bulletin(people: Any, department: Any, bulletin_input: Any, commune: Any) -> Bulletin:
    return bulletins.create_bulletin(
        actor=people.contributor,
        organisation=department,
        data=bulletin_input(target_scope="communes", targets=[commune]),
    )


def test_buttons_only_for_allowed_steps_and_required_comments(
    people: Any, sign_in: Any, department: Any, bulletin_input: Any, commune: Any
) -> None:
    b = _department_bulletin(people, department, bulletin_input, commune)
    workflow.submit(actor=people.contributor, bulletin=b)

    contributor = sign_in(people.contributor)
    page = contributor.get(f"/content/b/{b.pk}/").content.decode()
    assert 'value="appraise"' not in page
    assert 'value="withdraw"' in page  # the author may take it back from review
    assert contributor.post(f"/content/b/{b.pk}/step/", {"step": "appraise"}).status_code == 404

    board = sign_in(people.board)
    page = board.get(f"/content/b/{b.pk}/").content.decode()
    assert 'value="appraise"' in page
    assert 'value="return"' in page
    assert 'value="approve"' not in page
    refused = board.post(f"/content/b/{b.pk}/step/", {"step": "return", "comment": "  "})
    assert refused.status_code == 422
    assert "Cần ghi rõ nội dung cần sửa." in refused.content.decode()
    b.refresh_from_db()
    assert b.status == Status.SUBMITTED
    assert board.post(f"/content/b/{b.pk}/step/", {"step": "publish"}).status_code == 404

    response = board.post(f"/content/b/{b.pk}/step/", {"step": "return", "comment": "Bổ sung số quyết định"})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == Status.RETURNED

    contributor = sign_in(people.contributor)
    refused = contributor.post(f"/content/b/{b.pk}/step/", {"step": "withdraw", "comment": ""})
    assert refused.status_code == 422
    assert "Cần ghi lý do thu hồi." in refused.content.decode()
    page = contributor.get(f"/content/b/{b.pk}/").content.decode()
    assert "Bổ sung số quyết định" in page  # the reviewer's comment in the timeline
    assert "Trả lại để sửa" in page


def test_approval_needs_a_2fa_session(
    people: Any, sign_in: Any, department: Any, bulletin_input: Any, commune: Any, province: Any
) -> None:
    b = _department_bulletin(people, department, bulletin_input, commune)
    workflow.submit(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b)

    # A session without the TOTP step never reaches the page: the approver role is not active.
    client = sign_in(people.approver, verified=False)
    response = client.post(f"/content/b/{b.pk}/step/", {"step": "approve"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"
    b.refresh_from_db()
    assert b.status == Status.APPRAISED

    # Someone who can also read it through another role still cannot approve without 2FA.
    grant_role(actor=access.SYSTEM, user=people.approver, role=Role.EDITORIAL_BOARD, unit=province)
    access.forget_grants(people.approver)
    request = RequestFactory().post(f"/content/b/{b.pk}/step/", {"step": "approve"})
    people.approver.is_2fa_verified = False
    request.user = people.approver
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = bulletin_step_view(request, pk=b.pk)
    assert response.status_code == 422
    assert "Phê duyệt cần phiên đăng nhập đã xác thực hai lớp (mã OTP)." in response.content.decode()
    b.refresh_from_db()
    assert b.status == Status.APPRAISED

    client = sign_in(people.approver)
    page = client.get(f"/content/b/{b.pk}/").content.decode()
    assert 'value="approve"' in page
    response = client.post(f"/content/b/{b.pk}/step/", {"step": "approve", "comment": "Đồng ý phát"})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == Status.DISTRIBUTED
    page = client.get(f"/content/b/{b.pk}/").content.decode()
    assert "Phát hành theo kênh" in page
    assert "Quyết định của các xã" in page
    assert "Xã Định Hóa" in page
    assert people.approver.username in page
    assert "Đồng ý phát" in page


def test_timeline_shows_each_step_with_its_actor_in_vietnam_time(
    people: Any, sign_in: Any, department: Any, bulletin_input: Any, commune: Any
) -> None:
    b = _department_bulletin(people, department, bulletin_input, commune)
    workflow.submit(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b, comment="Đạt yêu cầu")
    response = sign_in(people.board).get(f"/content/b/{b.pk}/")
    timeline = response.context["timeline"]
    assert [(i.actor, i.label) for i in timeline] == [
        (people.contributor.username, "Tạo bản tin"),
        (people.contributor.username, "Gửi duyệt"),
        (people.board.username, "Thẩm định đạt"),
    ]
    assert timeline[2].comment == "Đạt yêu cầu"
    event = AuditEvent.objects.get(action="content.bulletin.appraise", target_id=str(b.pk))
    local = event.occurred_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert local.strftime("%d/%m/%Y %H:%M") in response.content.decode()


# -- revisions ----------------------------------------------------------------------------------------------


def test_diff_page_shows_the_changed_words(people: Any, sign_in: Any, category: Any) -> None:
    client = sign_in(people.commune_editor)
    b = _create(client, category, body="<p>Họp dân lúc 15h30 ngày 29/3 tại nhà văn hóa.</p>")
    client.post(
        f"/content/b/{b.pk}/edit/",
        _form(category, body="<p>Họp dân lúc 16h00 ngày 29/3 tại nhà văn hóa.</p>"),
    )
    revisions = client.get(f"/content/b/{b.pk}/revisions/").content.decode()
    assert f"/content/b/{b.pk}/diff/?from=1&amp;to=2" in revisions
    page = client.get(f"/content/b/{b.pk}/diff/", {"from": 1, "to": 2}).content.decode()
    assert "<del>15h30</del>" in page
    assert "<ins>16h00</ins>" in page
    assert "Họp dân lúc " in page
    assert client.get(f"/content/b/{b.pk}/diff/", {"from": 1, "to": 9}).status_code == 404
    assert client.get(f"/content/b/{b.pk}/diff/", {"from": "x", "to": 2}).status_code == 404


# -- audio ----------------------------------------------------------------------------------------------------


@pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None,
    reason="espeak-ng and ffmpeg are installed by scripts/setup-os.sh",
)
def test_audio_rendition_in_the_bulletin_voice(
    people: Any, sign_in: Any, category: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from nguon.speech.models import Voice

    client = sign_in(people.commune_editor)
    b = _create(client, category)
    refused = client.post(f"/content/b/{b.pk}/audio/")
    assert refused.status_code == 422
    assert "Chọn giọng đọc cho bản tin trước" in refused.content.decode()

    voice = Voice.objects.get(code="espeak-vi-bac")
    client.post(f"/content/b/{b.pk}/edit/", _form(category, voice=str(voice.pk)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/content/b/{b.pk}/audio/")
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.audio_render is not None
    assert b.audio_render.voice == voice
    assert b.audio_render.status == "done", b.audio_render.error
    assert AuditEvent.objects.filter(action="content.bulletin.audio", target_id=str(b.pk)).exists()
    page = client.get(f"/content/b/{b.pk}/").content.decode()
    assert f"/speech/renders/{b.audio_render.pk}/file.mp3" in page
    assert "đã thay đổi sau khi tạo âm thanh" not in page
    client.post(f"/content/b/{b.pk}/edit/", _form(category, title="Tiêu đề mới của bản tin"))
    assert "đã thay đổi sau khi tạo âm thanh" in client.get(f"/content/b/{b.pk}/").content.decode()


def test_upload_still_checks_csrf_after_the_size_check(people: Any, category: Any, sign_in: Any) -> None:
    from django.test import Client

    b = _create(sign_in(people.commune_editor), category)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people.commune_editor)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = strict.post(f"/content/b/{b.pk}/attach/", {"file": upload})
    assert response.status_code == 403
    assert Attachment.objects.count() == 0
    page = strict.get(f"/content/b/{b.pk}/")
    token = page.context["csrf_token"]
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = strict.post(f"/content/b/{b.pk}/attach/", {"file": upload, "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert Attachment.objects.get().original_name == "a.pdf"
