"""The bulletin API: create, scoping, uploads checked by content, workflow steps, inbox, diffs."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nguon.content.models import Attachment, Bulletin, MediaBlob

pytestmark = pytest.mark.django_db

API = "/api/v1/content"


def _payload(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Thông báo lịch tiêm chủng tháng 12",
        "category": "thien-tai-dich-benh",
        "body": "<p>Trạm y tế xã tiêm chủng ngày 5/12/2026.</p><script>alert('x')</script>",
        "target_scope": "communes",
        "channels": ["radio", "eboard"],
    }
    data.update(overrides)
    return data


def _create(client: Any, **overrides: Any) -> dict[str, Any]:
    response = client.post(f"{API}/bulletins", _payload(**overrides), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_commune_editor_creates_a_draft_with_the_script_removed(people: Any, sign_in: Any) -> None:
    client = sign_in(people.commune_editor)
    created = _create(client)
    assert created["status"] == "draft"
    assert created["unit_code"] == "05569"
    assert created["targets"] == ["05569"]
    assert "<script" not in created["body"]
    assert "alert" not in created["body_text"]
    assert "ngày 5/12/2026" in created["body_text"]


def test_another_commune_cannot_see_or_guess_a_draft(people: Any, sign_in: Any) -> None:
    created = _create(sign_in(people.commune_editor))
    client = sign_in(people.other_editor)
    response = client.get(f"{API}/bulletins/{created['id']}")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy."}}
    assert client.get(f"{API}/bulletins").json()["count"] == 0
    # a guessed id that does not exist looks exactly the same
    missing = client.get(f"{API}/bulletins/{created['id'] + 1000}")
    assert missing.status_code == 404
    assert missing.json() == response.json()
    edit = client.put(
        f"{API}/bulletins/{created['id']}", _payload(title="Sửa trộm"), content_type="application/json"
    )
    assert edit.status_code == 404


def test_validation_errors_are_structured_and_vietnamese(people: Any, sign_in: Any) -> None:
    client = sign_in(people.commune_editor)
    response = client.post(
        f"{API}/bulletins",
        _payload(title="  ", targets=["05443"], channels=[]),
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    fields = {d["field"] for d in error["details"]}
    assert {"targets"} <= fields
    assert any("05443" in d["message"] for d in error["details"])
    assert Bulletin.objects.count() == 0


def test_text_renamed_mp3_is_refused_and_leaves_nothing(people: Any, sign_in: Any, settings: Any) -> None:
    client = sign_in(people.commune_editor)
    created = _create(client)
    media = Path(settings.MEDIA_ROOT)
    before_files = set(media.rglob("*")) if media.exists() else set()
    fake = SimpleUploadedFile("ban-tin.mp3", "Đây là văn bản, không phải âm thanh.".encode(), "audio/mpeg")
    response = client.post(f"{API}/bulletins/{created['id']}/attachments", {"file": fake})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "file_rejected"
    assert "không theo đuôi tên" in error["message"]
    assert Attachment.objects.count() == 0
    assert MediaBlob.objects.count() == 0
    after_files = set(media.rglob("*")) if media.exists() else set()
    assert after_files == before_files


def test_oversized_upload_gets_413(people: Any, sign_in: Any, settings: Any) -> None:
    settings.NGUON_UPLOAD_MAX_MB = {"audio": 1, "video": 1, "image": 1, "document": 1}
    client = sign_in(people.commune_editor)
    created = _create(client)
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10), "application/pdf")
    response = client.post(f"{API}/bulletins/{created['id']}/attachments", {"file": big})
    assert response.status_code == 413
    assert "quá lớn" in response.json()["error"]["message"]
    assert MediaBlob.objects.count() == 0


def test_real_audio_is_attached_once_by_hash(people: Any, sign_in: Any, tmp_path: Path) -> None:
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
    first = _create(client)
    second = _create(client, title="Bản tin thứ hai")
    for bulletin in (first, second):
        response = client.post(
            f"{API}/bulletins/{bulletin['id']}/attachments",
            {"file": SimpleUploadedFile("tin.txt", mp3.read_bytes(), "text/plain")},
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["kind"] == "audio"
        assert body["mime_type"] == "audio/mpeg"
        assert 1.3 < body["duration_seconds"] < 1.8
    assert MediaBlob.objects.count() == 1  # same bytes stored once
    assert Attachment.objects.count() == 2
    revisions = client.get(f"{API}/bulletins/{first['id']}/revisions").json()
    assert [r["number"] for r in revisions] == [1, 2]
    assert revisions[1]["data"]["attachments"][0]["name"] == "tin.txt"


def test_workflow_over_the_api_with_2fa_for_approval(
    people: Any, sign_in: Any, department: Any, commune: Any
) -> None:
    client = sign_in(people.contributor)
    created = _create(client, organisation=department.code, targets=["05569"], priority="priority")
    assert created["source_level"] == "department"
    bid = created["id"]
    assert (
        client.post(f"{API}/bulletins/{bid}/steps/submit", {}, content_type="application/json").status_code
        == 200
    )

    client = sign_in(people.board)
    waiting = client.get(f"{API}/waiting").json()
    assert [(w["task"], w["bulletin_id"]) for w in waiting] == [("appraise", bid)]
    client.post(f"{API}/bulletins/{bid}/steps/appraise", {"comment": "Đạt"}, content_type="application/json")

    client = sign_in(people.approver, verified=False)  # a session without TOTP: the approver role is inactive
    refused = client.post(f"{API}/bulletins/{bid}/steps/approve", {}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "two_factor_required"
    assert Bulletin.objects.get(pk=bid).status == "appraised"

    client = sign_in(people.approver)
    approved = client.post(f"{API}/bulletins/{bid}/steps/approve", {}, content_type="application/json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "distributed"

    client = sign_in(people.operator)
    entries = client.get(f"{API}/inbox").json()
    assert len(entries) == 1
    assert entries[0]["priority"] == "priority"
    declined = client.post(
        f"{API}/inbox/{entries[0]['id']}/decline", {"reason": "Không"}, content_type="application/json"
    )
    assert declined.status_code == 422
    accepted = client.post(f"{API}/inbox/{entries[0]['id']}/accept")
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["position"] == 1

    other = sign_in(people.other_operator)
    assert other.get(f"{API}/inbox").json() == []
    assert other.post(f"{API}/inbox/{entries[0]['id']}/accept").status_code == 404


def test_diff_between_revisions_is_word_level(people: Any, sign_in: Any) -> None:
    client = sign_in(people.commune_editor)
    created = _create(client, body="<p>Họp dân lúc 15h30 ngày 29/3.</p>")
    client.put(
        f"{API}/bulletins/{created['id']}",
        _payload(body="<p>Họp dân lúc 16h00 ngày 29/3.</p>"),
        content_type="application/json",
    )
    diff = client.get(f"{API}/bulletins/{created['id']}/diff?old=1&new=2").json()
    body = next(d for d in diff if d["field"] == "body_text")
    assert {"op": "delete", "text": "15h30"} in body["ops"]
    assert {"op": "insert", "text": "16h00"} in body["ops"]
    assert client.get(f"{API}/bulletins/{created['id']}/diff?old=1&new=9").status_code == 404


def test_unknown_step_is_not_found(people: Any, sign_in: Any) -> None:
    client = sign_in(people.commune_editor)
    created = _create(client)
    response = client.post(
        f"{API}/bulletins/{created['id']}/steps/publish", {}, content_type="application/json"
    )
    assert response.status_code == 404
