"""Upload checks for boards: videos in codecs browsers cannot play and oversized images are refused with
a clear Vietnamese message (naming what was found and the limit); nothing is left behind."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nguon.boards.models import BoardItem
from nguon.boards.services import items
from nguon.boards.tests.test_compile_helpers import SYSTEM
from nguon.content.files import RejectedFileError
from nguon.content.models import MediaBlob

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is installed by setup-os.sh")


def _ffmpeg(tmp_path: Path, name: str, *args: str) -> bytes:
    out = tmp_path / name
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args, str(out)],
        check=True,
        capture_output=True,
    )
    return out.read_bytes()


def _video(tmp_path: Path, name: str, *codec: str) -> bytes:
    return _ffmpeg(tmp_path, name, "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2", *codec)


def _encoders() -> str:
    return subprocess.run(
        ["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True, check=False
    ).stdout


def _create(commune: Any, kind: str, name: str, content: bytes) -> BoardItem:
    return items.create_item(
        actor=SYSTEM, unit=commune, kind=kind, title="Tệp thử", upload=SimpleUploadedFile(name, content)
    )


def test_hevc_video_is_refused_naming_the_codec(commune: Any, tmp_path: Path) -> None:
    if "libx265" not in _encoders():
        pytest.skip("ffmpeg without libx265")
    content = _video(tmp_path, "hevc.mp4", "-c:v", "libx265", "-pix_fmt", "yuv420p", "-tag:v", "hvc1")
    with pytest.raises(RejectedFileError) as refused:
        _create(commune, "video", "hevc.mp4", content)
    assert "HEVC/H.265" in refused.value.message
    assert "H.264" in refused.value.message
    assert not BoardItem.objects.exists()
    assert not MediaBlob.objects.filter(kind="video").exists()


def test_mpeg2_video_is_refused(commune: Any, tmp_path: Path) -> None:
    content = _video(tmp_path, "mpeg2.mp4", "-c:v", "mpeg2video")
    with pytest.raises(RejectedFileError) as refused:
        _create(commune, "video", "mpeg2.mp4", content)
    assert "MPEG-2" in refused.value.message


def test_ten_bit_h264_is_refused(commune: Any, tmp_path: Path) -> None:
    content = _video(tmp_path, "h264-10.mp4", "-c:v", "libx264", "-pix_fmt", "yuv420p10le")
    with pytest.raises(RejectedFileError) as refused:
        _create(commune, "video", "h264-10.mp4", content)
    assert "yuv420p10le" in refused.value.message


def test_h264_video_and_vp9_webm_are_accepted(commune: Any, tmp_path: Path) -> None:
    mp4 = _video(tmp_path, "ok.mp4", "-c:v", "libx264", "-pix_fmt", "yuv420p")
    item = _create(commune, "video", "ok.mp4", mp4)
    assert item.media is not None
    assert item.media.mime_type == "video/mp4"
    assert item.media.duration_seconds
    assert 1.5 < item.media.duration_seconds < 2.5
    webm = _video(tmp_path, "ok.webm", "-c:v", "libvpx-vp9", "-b:v", "200k")
    assert _create(commune, "video", "ok.webm", webm).media.mime_type == "video/webm"


def test_oversized_image_dimensions_are_refused(commune: Any, tmp_path: Path) -> None:
    content = _ffmpeg(tmp_path, "wide.png", "-f", "lavfi", "-i", "color=c=red:size=9000x64", "-frames:v", "1")
    assert len(content) < 200_000  # small file, huge picture
    with pytest.raises(RejectedFileError) as refused:
        _create(commune, "image", "wide.png", content)
    assert "9000 × 64" in refused.value.message
    assert "8192" in refused.value.message
    assert not MediaBlob.objects.exists()


def test_decompression_bomb_jpeg_is_refused(commune: Any, tmp_path: Path) -> None:
    content = _ffmpeg(
        tmp_path,
        "bomb.jpg",
        "-f",
        "lavfi",
        "-i",
        "color=c=black:size=8000x6000",
        "-frames:v",
        "1",
        "-q:v",
        "31",
    )
    with pytest.raises(RejectedFileError) as refused:
        _create(commune, "image", "bomb.jpg", content)
    assert "8000 × 6000" in refused.value.message
    assert "40 triệu" in refused.value.message


def test_image_over_the_byte_limit_is_refused_with_both_sizes(
    commune: Any, tmp_path: Path, settings: Any
) -> None:
    settings.NGUON_UPLOAD_MAX_MB = {**settings.NGUON_UPLOAD_MAX_MB, "image": 1}
    content = _ffmpeg(
        tmp_path,
        "noise.png",
        "-f",
        "lavfi",
        "-i",
        "nullsrc=s=1024x1024,geq=random(1)*255:128:128",
        "-frames:v",
        "1",
    )
    assert len(content) > 1024 * 1024
    with pytest.raises(RejectedFileError) as refused:
        _create(commune, "image", "noise.png", content)
    assert "tối đa 1 MB" in refused.value.message
    assert "tệp có" in refused.value.message


@pytest.mark.parametrize("fmt", ["png", "jpg", "webp", "gif"])
def test_normal_images_are_accepted_with_their_size_read(commune: Any, tmp_path: Path, fmt: str) -> None:
    from nguon.boards.services.media import image_size

    content = _ffmpeg(tmp_path, f"ok.{fmt}", "-f", "lavfi", "-i", "testsrc=size=384x192", "-frames:v", "1")
    item = _create(commune, "image", f"ok.{fmt}", content)
    assert item.media is not None
    path = Path(os.fspath(item.media.file.path))
    assert image_size(path, item.media.mime_type) == (384, 192)
