# ruff: noqa: F811 — fixtures imported from programme_fixtures
"""Bad input on the programme form: across midnight into quiet hours, a clash with another programme, a
bulletin without audio, a file that is not audio. Each shows a Vietnamese message next to its field and
writes nothing at all (no programme, line, occurrence, stored file or audit event)."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nguon.content.models import MediaBlob
from nguon.core.models import AuditEvent
from nguon.radio.models import BroadcastSettings, Occurrence, Programme, RunningOrderItem
from nguon.radio.selectors.bulletins import airable_bulletins
from nguon.radio.services.programmes import ItemInput, save_programme
from nguon.radio.services.settings import save_settings
from nguon.radio.tests.programme_fixtures import (  # noqa: F401 - fixtures
    ACTOR,
    Station,
    audio_blob,
    commune_bulletin_without_audio,
    daily,
    form_data,
    mp3_bytes,
    signed_in,
    station,
    tomorrow,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media(settings: Any, tmp_path: Path) -> None:
    """Files go to an empty folder, so that "no file left behind" can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _footprint() -> tuple[int, ...]:
    media = Path(django_settings.MEDIA_ROOT)
    files = sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0
    return (
        Programme.objects.count(),
        Occurrence.objects.count(),
        RunningOrderItem.objects.count(),
        MediaBlob.objects.count(),
        AuditEvent.objects.count(),
        files,
    )


def _post(client: Any, commune: Any, **fields: Any) -> Any:
    return client.post(f"{reverse('radio:programme-new')}?unit={commune.code}", form_data(**fields))


def _with_upload(mp3: bytes, **fields: Any) -> dict[str, Any]:
    """A second running-order line with an uploaded MP3, which must not be kept when the save fails."""
    return {
        "items-TOTAL_FORMS": "2",
        "items-1-kind": "audio",
        "items-1-ORDER": "2",
        "items-1-audio": SimpleUploadedFile("nhac-hieu.mp3", mp3, "audio/mpeg"),
        **fields,
    }


def test_across_midnight_into_quiet_hours(
    station: Station,
    signed_in: Any,
    commune: Any,
    mp3_bytes: bytes,
) -> None:
    save_settings(
        actor=ACTOR,
        unit=commune,
        quiet_start=time(0, 30),
        quiet_end=time(5, 0),
        fallback_blob=None,
        horizon_days=7,
        emergency_second_approver=False,
    )
    client = signed_in(station.operator)
    before = _footprint()
    response = _post(client, commune, **_with_upload(mp3_bytes, start_time="23:45", duration_minutes="60"))
    assert response.status_code == 422
    errors = response.context["form"].errors["start_time"]
    expected = (
        "Chương trình từ 23:45 đến 00:45 (kéo sang ngày hôm sau) rơi vào giờ yên tĩnh 00:30–05:00 của xã. "
        "Đổi giờ phát, hoặc sửa giờ yên tĩnh trong thiết lập phát thanh."
    )
    assert errors == [expected]
    assert errors[0] in response.content.decode()
    assert _footprint() == before
    # the same slot ending before the quiet hours is saved, with its file (so the footprint sees files)
    upload = _with_upload(mp3_bytes, start_time="23:45", duration_minutes="40")
    response = _post(client, commune, **upload)
    assert response.status_code == 302
    after = _footprint()
    assert (after[0], after[3], after[5]) == (before[0] + 1, before[3] + 1, before[5] + 1)


def test_clash_with_another_programme_names_it_and_the_day(
    station: Station,
    signed_in: Any,
    commune: Any,
    mp3_bytes: bytes,
) -> None:
    save_programme(actor=ACTOR, unit=commune, data=daily("Bản tin sáng", time(6, 30), 30))
    client = signed_in(station.operator)
    before = _footprint()
    response = _post(
        client,
        commune,
        **_with_upload(mp3_bytes, title="Nông nghiệp", start_time="06:45", repeat="weekly", weekdays=["MO"]),
    )
    assert response.status_code == 422
    first_monday = tomorrow() + timedelta(days=(7 - tomorrow().weekday()) % 7)
    expected = (
        f"Trùng giờ với chương trình «Bản tin sáng» ngày {first_monday:%d/%m/%Y} (06:30–07:00) trên cùng loa. "
        "Đổi giờ hoặc nơi phát."
    )
    assert response.context["form"].errors["start_time"] == [expected]
    assert expected in response.content.decode()
    assert _footprint() == before


def test_bulletin_without_audio_is_refused(
    station: Station,
    signed_in: Any,
    commune: Any,
    mp3_bytes: bytes,
) -> None:
    bulletin = commune_bulletin_without_audio(commune, station)
    assert airable_bulletins(commune).filter(pk=bulletin.pk).exists()
    client = signed_in(station.operator)
    page = client.get(f"{reverse('radio:programme-new')}?unit={commune.code}")
    assert bulletin.title in page.content.decode()  # offered in the running-order editor
    before = _footprint()
    response = _post(
        client,
        commune,
        **_with_upload(mp3_bytes, **{"items-0-kind": "bulletin", "items-0-bulletin": str(bulletin.pk)}),
    )
    assert response.status_code == 422
    message = f"Bản tin «{bulletin.title}» chưa có âm thanh hoàn chỉnh; tạo âm thanh trước khi xếp vào chương trình."
    assert response.context["general_errors"] == [message]
    assert message in response.content.decode()
    assert _footprint() == before


def test_a_file_that_is_not_audio_is_refused_on_its_line(
    station: Station,
    signed_in: Any,
    commune: Any,
) -> None:
    client = signed_in(station.operator)
    before = _footprint()
    pdf = SimpleUploadedFile("loa.mp3", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    response = _post(client, commune, **{"items-0-kind": "audio", "items-0-audio": pdf})
    assert response.status_code == 422
    row = response.context["items"].forms[0]
    assert row.errors["audio"] == ["Ở đây không nhận tệp loại Tài liệu."]
    assert _footprint() == before


def test_relay_needs_a_safe_address(station: Station, signed_in: Any, commune: Any) -> None:
    client = signed_in(station.operator)
    before = _footprint()
    response = _post(
        client,
        commune,
        **{
            "items-0-kind": "relay",
            "items-0-stream_url": "http://nguoi:matkhau@vov.vn/vov1",
            "items-0-minutes": "10",
        },
    )
    assert response.status_code == 422
    row = response.context["items"].forms[0]
    assert row.non_field_errors() == ["Mục 1: địa chỉ tiếp sóng phải là http(s)://… và không chứa mật khẩu."]
    assert _footprint() == before
    assert not BroadcastSettings.objects.filter(unit=commune).exists()


def test_a_posted_file_hash_cannot_reach_a_file_the_page_did_not_offer(
    station: Station, signed_in: Any, commune: Any, audio_blob: Any
) -> None:
    client = signed_in(station.operator)
    before = _footprint()
    response = _post(client, commune, **{"items-0-kind": "audio", "items-0-blob": audio_blob.sha256})
    assert response.status_code == 422
    assert response.context["items"].forms[0].errors["audio"] == ["Chọn tệp âm thanh để tải lên."]
    assert _footprint() == before


def test_editing_keeps_the_saved_file_of_a_line(
    station: Station, signed_in: Any, commune: Any, audio_blob: Any
) -> None:
    programme = save_programme(
        actor=ACTOR,
        unit=commune,
        data=daily(items=[ItemInput(kind="jingle", title="Nhạc hiệu", blob_sha256=audio_blob.sha256)]),
    )
    client = signed_in(station.operator)
    page = client.get(reverse("radio:programme-edit", args=[programme.pk]))
    assert page.context["items"].forms[0].initial["blob"] == audio_blob.sha256
    fields = {
        "items-0-kind": "jingle",
        "items-0-title": "Nhạc hiệu",
        "items-0-blob": audio_blob.sha256,
        "items-0-seconds": "",
        "title": "Bản tin sáng (sửa)",
    }
    response = client.post(reverse("radio:programme-edit", args=[programme.pk]), form_data(**fields))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Bản tin sáng (sửa)"
    assert [(i.kind, i.blob_id) for i in programme.items.all()] == [("jingle", audio_blob.pk)]
