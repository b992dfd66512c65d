# ruff: noqa: F811 — fixtures imported from test_views_common
"""The item screens: create, edit, archive; HTML reduced to plain text with a notice; bad input (a missing
file, an oversized image, a video browsers cannot play, a bulletin kind without a bulletin, dates the
wrong way round) answered in Vietnamese next to the field with nothing saved; another commune's items are
404 for a commune editor of Định Hóa (05569)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nguon.boards.models import BoardItem
from nguon.boards.tests.test_views_common import (  # noqa: F401 - fixtures
    People,
    announcement,
    people,
    publisher,
    signed_in,
)
from nguon.content.models import MediaBlob
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def png(width: int, height: int) -> bytes:
    """A valid PNG header of ``width`` × ``height`` with one tiny compressed row (enough for the checks)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


def footprint() -> tuple[int, ...]:
    media = Path(django_settings.MEDIA_ROOT)
    files = sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0
    return BoardItem.objects.count(), MediaBlob.objects.count(), AuditEvent.objects.count(), files


def form(commune: Any, **fields: Any) -> dict[str, Any]:
    data = {
        "unit": str(commune.pk),
        "kind": "text",
        "title": "Thông báo lịch cắt điện",
        "body": "",
        "layout": "full",
        "theme": "dark",
        "duration_seconds": "15",
    }
    return data | fields


def errors_of(response: Any) -> dict[str, list[str]]:
    return {name: [str(e) for e in errs] for name, errs in response.context["form"].errors.items()}


def test_editor_creates_an_announcement(signed_in: Any, people: People, commune: Any) -> None:
    client = signed_in(people.editor)
    body = "Điện lực cắt điện từ 7 giờ đến 11 giờ.\nXin lỗi vì sự bất tiện."
    response = client.post(reverse("boards:item-new"), form(commune, body=body), follow=True)
    item = BoardItem.objects.get()
    assert (item.unit, item.kind, item.title, item.body) == (commune, "text", "Thông báo lịch cắt điện", body)
    assert item.created_by == people.editor
    assert "Đã lưu mục «Thông báo lịch cắt điện»." in response.content.decode()
    assert AuditEvent.objects.filter(action="boards.item.create").count() == 1
    listed = client.get(reverse("boards:items")).content.decode()
    assert "Thông báo lịch cắt điện" in listed


def test_html_is_reduced_to_text_with_a_notice(signed_in: Any, people: People, commune: Any) -> None:
    body = "<p>Họp tổ dân phố</p><script>alert('x')</script>"
    response = signed_in(people.editor).post(
        reverse("boards:item-new"), form(commune, body=body), follow=True
    )
    item = BoardItem.objects.get()
    assert item.body == "Họp tổ dân phố"
    assert "chuyển thành chữ thuần" in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "image"}, "media_file", "Tải lên tệp ảnh."),
        ({"kind": "bulletin", "title": ""}, "bulletin", "Chọn một bản tin đã được phê duyệt."),
        ({"title": ""}, "title", "Nhập tiêu đề."),
        ({"duration_seconds": "0"}, "duration_seconds", "Thời lượng phải từ 1 đến 3600 giây."),
        (
            {"valid_from": "2026-12-02T08:00", "valid_until": "2026-12-01T08:00"},
            "valid_until",
            "Thời điểm kết thúc phải sau thời điểm bắt đầu.",
        ),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_saved(
    signed_in: Any, people: People, commune: Any, fields: dict[str, Any], field: str, message: str
) -> None:
    before = footprint()
    response = signed_in(people.editor).post(reverse("boards:item-new"), form(commune, **fields))
    assert response.status_code == 200
    assert message in errors_of(response)[field]
    assert message in response.content.decode()
    assert footprint() == before


def test_oversized_image_is_refused_with_its_size(signed_in: Any, people: People, commune: Any) -> None:
    before = footprint()
    upload = SimpleUploadedFile("anh-lon.png", png(12000, 9000), "image/png")
    response = signed_in(people.editor).post(
        reverse("boards:item-new"), form(commune, kind="image", media_file=upload)
    )
    (message,) = errors_of(response)["media_file"]
    assert message.startswith("Ảnh quá lớn: 12000 × 9000 điểm ảnh")
    assert footprint() == before  # no item, no blob, no file, no audit event


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_video_browsers_cannot_play_is_refused(
    signed_in: Any, people: People, commune: Any, tmp_path: Path
) -> None:
    video = tmp_path / "divx.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x48:rate=5",
            "-t",
            "1",
            "-c:v",
            "mpeg4",
            str(video),
        ],
        check=True,
    )
    before = footprint()
    upload = SimpleUploadedFile("divx.mp4", video.read_bytes(), "video/mp4")
    response = signed_in(people.editor).post(
        reverse("boards:item-new"), form(commune, kind="video", media_file=upload)
    )
    (message,) = errors_of(response)["media_file"]
    assert "MPEG-4 Part 2 (DivX/Xvid)" in message
    assert "H.264" in message
    assert footprint() == before


def test_image_item_is_saved_with_its_file(signed_in: Any, people: People, commune: Any) -> None:
    upload = SimpleUploadedFile("bando.png", png(384, 192), "image/png")
    response = signed_in(people.editor).post(
        reverse("boards:item-new"), form(commune, kind="image", title="Bản đồ khu dân cư", media_file=upload)
    )
    item = BoardItem.objects.get()
    assert response.status_code == 302
    assert item.media is not None
    assert item.media.mime_type == "image/png"
    # editing without a new file keeps it
    edited = signed_in(people.editor).post(
        reverse("boards:item-edit", args=[item.pk]), form(commune, kind="image", title="Bản đồ mới")
    )
    assert edited.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.media is not None) == ("Bản đồ mới", True)


def test_edit_and_archive(signed_in: Any, people: People, commune: Any) -> None:
    item = announcement(commune)
    client = signed_in(people.editor)
    page = client.get(reverse("boards:item-edit", args=[item.pk]))
    assert page.status_code == 200
    assert item.title in page.content.decode()
    client.post(reverse("boards:item-edit", args=[item.pk]), form(commune, title="Lịch tiêm chủng (sửa)"))
    item.refresh_from_db()
    assert item.title == "Lịch tiêm chủng (sửa)"
    response = client.post(reverse("boards:item-archive", args=[item.pk]), follow=True)
    item.refresh_from_db()
    assert item.archived_at is not None
    assert "Đã lưu trữ mục «Lịch tiêm chủng (sửa)»." in response.content.decode()
    assert "Lịch tiêm chủng (sửa)" not in client.get(reverse("boards:items")).content.decode()
    assert "Lịch tiêm chủng (sửa)" in client.get(reverse("boards:items"), {"archived": "1"}).content.decode()


def test_another_communes_items_are_404(
    signed_in: Any, people: People, commune: Any, other_commune: Any
) -> None:
    theirs = announcement(other_commune, "Thông báo của phường Phan Đình Phùng")
    client = signed_in(people.editor)
    before = footprint()
    assert client.get(reverse("boards:item-edit", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("boards:item-edit", args=[theirs.pk]), form(commune, title="Chiếm")).status_code
        == 404
    )
    assert client.post(reverse("boards:item-archive", args=[theirs.pk])).status_code == 404
    assert "Thông báo của phường Phan Đình Phùng" not in client.get(reverse("boards:items")).content.decode()
    # nor can the form place a new item in their commune
    response = client.post(reverse("boards:item-new"), form(other_commune))
    assert "unit" in errors_of(response)
    assert footprint() == before
    theirs.refresh_from_db()
    assert (theirs.title, theirs.archived_at) == ("Thông báo của phường Phan Đình Phùng", None)
