"""Renders end to end: request → (immediate) task → stored MP3/Opus/waveform, cache, scoping, UI, CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.speech import audio, services
from nguon.speech.choices import RenderStatus
from nguon.speech.models import AudioRender, Voice

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None,
        reason="espeak-ng and ffmpeg are installed by scripts/setup-os.sh",
    ),
]
NOTICE = "Hồi 15h30 ngày 29/3/2024, UBND xã tổ chức họp. Đề nghị 100% hộ gia đình tham dự."


@pytest.fixture
def render_now(django_capture_on_commit_callbacks):
    """Run the queued task at commit, as the worker would (tasks run immediately in tests)."""

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            render = services.request_render(**kwargs)
        render.refresh_from_db()
        return render

    return request


@pytest.fixture
def voice(db):
    return Voice.objects.get(code="espeak-vi-bac")


@pytest.fixture
def editor(make_user, commune):
    return make_user(Role.COMMUNE_EDITOR, unit=commune)


def test_render_produces_broadcast_ready_audio(render_now, editor, commune, voice):
    render = render_now(actor=editor, text=NOTICE, voice=voice, unit=commune)
    render.refresh_from_db()  # the test settings run tasks immediately, after commit
    assert render.status == RenderStatus.DONE, render.error
    assert render.progress == 100
    assert "mười lăm giờ ba mươi phút" in render.normalized_text
    assert not any(ch.isdigit() for ch in render.normalized_text)
    assert abs(render.integrated_lufs + 16) <= 1.0
    assert render.true_peak_dbtp <= -0.5
    assert 4 < render.duration_seconds < 25
    mp3 = Path(render.mp3.path)
    assert audio.probe(mp3).codec == "mp3"
    assert audio.probe(Path(render.opus.path)).codec == "opus"
    assert AuditEvent.objects.filter(action="speech.render.request", unit_path=commune.path).exists()


def test_same_text_reuses_the_render_and_changed_text_makes_a_new_one(render_now, editor, commune, voice):
    first = render_now(actor=editor, text=NOTICE, voice=voice, unit=commune)
    again = render_now(actor=editor, text=NOTICE, voice=voice, unit=commune)
    assert again.pk == first.pk
    changed = services.request_render(
        actor=editor, text=NOTICE.replace("15h30", "16h"), voice=voice, unit=commune
    )
    assert changed.pk != first.pk
    slower = render_now(actor=editor, text=NOTICE, voice=voice, unit=commune, speed=0.8)
    assert slower.pk != first.pk
    assert AudioRender.objects.count() == 3


@pytest.mark.parametrize(
    "text",
    ["", "   ", "🙂🙂🙂 ★★★", "a" * 100_001],
)
def test_bad_text_is_a_clear_error_not_a_crash(render_now, editor, commune, voice, text):
    try:
        render = render_now(actor=editor, text=text, voice=voice, unit=commune)
    except ValidationError:
        return
    render.refresh_from_db()
    assert render.status == RenderStatus.FAILED
    assert render.error


def test_chinese_and_mixed_scripts_do_not_crash(render_now, editor, commune, voice):
    render = render_now(actor=editor, text="Thông báo 通知 về lịch họp ngày 5/4.", voice=voice, unit=commune)
    assert render.status in (RenderStatus.DONE, RenderStatus.FAILED)


def test_renders_are_scoped_to_the_unit(render_now, editor, make_user, commune, other_commune, voice, client):
    render = render_now(actor=editor, text=NOTICE, voice=voice, unit=commune)
    outsider = make_user(Role.COMMUNE_EDITOR, unit=other_commune)
    with pytest.raises(Http404):
        render_now(actor=outsider, text=NOTICE, voice=voice, unit=commune)
    client.force_login(outsider)
    assert client.get(f"/speech/renders/{render.pk}/").status_code == 404
    assert client.get(f"/speech/renders/{render.pk}/file.mp3").status_code == 404
    client.force_login(editor)
    page = client.get(f"/speech/renders/{render.pk}/")
    assert page.status_code == 200
    file = client.get(f"/speech/renders/{render.pk}/file.mp3")
    assert file["Content-Type"] == "audio/mpeg"
    assert b"".join(file.streaming_content)[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")


def test_speech_page_previews_the_normalised_text(client, editor, voice, django_capture_on_commit_callbacks):
    client.force_login(editor)
    response = client.post("/speech/", {"text": NOTICE, "voice": voice.pk, "speed": "1.0", "preview": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "mười lăm giờ ba mươi phút" in page
    assert "ngày hai mươi chín tháng ba năm hai nghìn không trăm hai mươi tư" in page
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/speech/", {"text": NOTICE, "voice": voice.pk, "speed": "1.0", "render": "1"})
    assert created.status_code == 302
    assert "<audio" in client.get(created["Location"]).content.decode()


def test_viewers_cannot_use_speech(client, make_user, commune):
    client.force_login(make_user(Role.VIEWER, unit=commune))
    assert client.get("/speech/").status_code == 404


def test_upload_is_normalised_and_validated_by_content(client, editor, commune, tmp_path):
    loud = tmp_path / "loud.wav"
    subprocess.run(
        ["espeak-ng", "-v", "vi", "-w", str(loud), "Kính thưa bà con, xin mời đi họp."], check=True
    )
    render = services.store_upload(actor=editor, content=loud.read_bytes(), unit=commune)
    assert render.status == RenderStatus.DONE
    assert abs(render.integrated_lufs + 16) <= 1.0
    assert services.store_upload(actor=editor, content=loud.read_bytes(), unit=commune).pk == render.pk
    with pytest.raises(ValidationError, match="không phải âm thanh"):
        services.store_upload(actor=editor, content=b"%PDF-1.4 fake pdf named .mp3", unit=commune)
    client.force_login(editor)
    bad = client.post(
        "/speech/upload/", {"file": SimpleUploadedFile("tin.mp3", b"\x00\x01 not audio")}, follow=True
    )
    assert "không phải âm thanh" in bad.content.decode()


def test_dictionary_extends_the_reading(client, make_user, commune, province, voice):
    board = make_user(Role.EDITORIAL_BOARD, unit=province)
    editor = make_user(Role.COMMUNE_EDITOR, unit=commune)
    client.force_login(editor)
    assert (
        client.post(
            "/speech/dictionary/", {"kind": "abbreviation", "term": "BQL", "reading": "x"}
        ).status_code
        == 404
    )
    client.force_login(board)
    response = client.post(
        "/speech/dictionary/", {"kind": "abbreviation", "term": "BQL", "reading": "ban quản lý"}
    )
    assert response.status_code == 302
    services.save_pronunciation(actor=board, word="Pác Nặm", reading="Pắc Nặm")
    spoken = services.normalize_for_voice("BQL dự án huyện Pác Nặm", voice=voice)
    assert spoken.startswith("ban quản lý dự án")
    assert "Pắc Nặm" in spoken
    assert AuditEvent.objects.filter(action="speech.abbreviation.save").exists()


def test_southern_voice_reads_numbers_the_southern_way(voice):
    south = Voice.objects.get(code="espeak-vi-nam")
    assert "một ngàn" in services.normalize_for_voice("1.000 người", voice=south)
    assert "một nghìn" in services.normalize_for_voice("1.000 người", voice=voice)


def _nguon(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    nguon = str(Path(sys.executable).with_name("nguon"))
    return subprocess.run(
        [nguon, *args], input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_normalize_writes_one_line_per_line():
    lines = ["Ngày 29/3/2024", "", "Hotline: 0912 345 678 🙂", "UBND xã"]
    result = _nguon("speech", "normalize", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout.split("\n")
    assert out[-1] == ""
    assert len(out) - 1 == len(lines)
    assert out[1] == ""
    assert out[3] == "ủy ban nhân dân xã"


def test_cli_synth_writes_a_valid_mp3(tmp_path):
    out = tmp_path / "tin.mp3"
    result = _nguon(
        "speech",
        "synth",
        "--text",
        "Ngày 1/7, xã Định Hóa tổ chức tiêm vắc xin.",
        "--voice",
        "vi",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert audio.probe(out).codec == "mp3"
    assert abs(audio.measure(out).integrated_lufs + 16) <= 1.0
    (tmp_path / "in.txt").write_text("Bão số 3 gây mưa 200 mm.", encoding="utf-8")
    opus = tmp_path / "tin.opus"
    assert _nguon("speech", "synth", "--in", str(tmp_path / "in.txt"), "--out", str(opus)).returncode == 0
    assert audio.probe(opus).codec == "opus"
    refused = _nguon("speech", "synth", "--text", "🙂", "--out", str(tmp_path / "x.mp3"))
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
