"""A commune's page: today's radio programme with audio to listen to, what its e-boards show now (from
their compiled manifests), the emergency banner; and the audio of public bulletins. Only public bulletins
are named or playable; everything else the commune airs or shows stays anonymous or is left out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from nguon.devices.publisher import MemoryPublisher, use_publisher
from nguon.portal.views import communes as commune_views
from nguon.radio.tests.cap_helpers import add_cluster, on_air_order
from nguon.radio.tests.compile_helpers import approved_bulletin, needs_audio_tools

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def publisher() -> Iterator[MemoryPublisher]:
    memory = MemoryPublisher()
    previous = use_publisher(memory)
    yield memory
    use_publisher(previous)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _tomorrow_at(hour: int, minute: int = 0) -> datetime:
    day = timezone.localtime(timezone.now(), HCM).date() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), HCM)


@needs_audio_tools
def test_radio_programme_today_with_audio_of_public_bulletins_only(
    client: Client,
    people: Any,
    department: Any,
    bulletin_input: Any,
    commune: Any,
    django_capture_on_commit_callbacks: Any,
    publisher: MemoryPublisher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nguon.radio.services.programmes import ProgrammeInput, save_programme
    from nguon.radio.services.running_orders import ItemInput
    from nguon.radio.tests.compile_helpers import SYSTEM

    add_cluster(commune)
    common = {
        "people": people,
        "department": department,
        "bulletin_input": bulletin_input,
        "commune": commune,
        "capture": django_capture_on_commit_callbacks,
    }
    public = approved_bulletin(
        title="Lịch tiêm phòng cho đàn gia súc", channels=["radio", "portal"], **common
    )
    radio_only = approved_bulletin(title="Thông báo nội bộ thôn Bản Quyền", channels=["radio"], **common)
    starts = _tomorrow_at(7)
    save_programme(
        actor=SYSTEM,
        unit=commune,
        data=ProgrammeInput(
            title="Bản tin sáng",
            starts_on=starts.date(),
            start_time=time(7, 0),
            duration_minutes=30,
            rrule="FREQ=DAILY",
            items=[
                ItemInput(kind="bulletin", bulletin_id=public.pk),
                ItemInput(kind="silence", duration_seconds=3),
                ItemInput(kind="bulletin", bulletin_id=radio_only.pk),
            ],
        ),
    )
    monkeypatch.setattr(commune_views, "_now", lambda: _tomorrow_at(6, 30))

    page = client.get(f"/portal/xa/{commune.code}/").content.decode()
    radio = page[page.index('id="radio-heading"') : page.index('id="boards-heading"')]
    assert "07:00" in radio
    assert "07:30" in radio
    assert "Bản tin sáng" in radio
    assert f'href="/portal/tin/{public.pk}/"' in radio
    assert public.title in radio
    assert f'src="/portal/tin/{public.pk}/am-thanh.mp3"' in radio
    assert radio_only.title not in page  # aired, but not published to the portal: no title, no audio
    assert f"/portal/tin/{radio_only.pk}/" not in page
    assert radio.count("<li>") == 2  # the silence is left out

    audio = client.get(f"/portal/tin/{public.pk}/am-thanh.mp3")
    assert audio.status_code == 200
    assert audio["Content-Type"] == "audio/mpeg"
    assert "public" in audio["Cache-Control"]
    public.audio_render.mp3.open("rb")
    assert b"".join(audio.streaming_content) == public.audio_render.mp3.read()
    assert client.get(f"/portal/tin/{radio_only.pk}/am-thanh.mp3").status_code == 404
    item = client.get(f"/portal/tin/{public.pk}/").content.decode()
    assert "<audio controls" in item
    assert f"/portal/tin/{public.pk}/am-thanh.mp3" in item

    # another day: no programme
    monkeypatch.setattr(commune_views, "_now", lambda: _tomorrow_at(6, 30) + timedelta(days=30))
    assert (
        "Hôm nay không có chương trình phát thanh."
        in client.get(f"/portal/xa/{commune.code}/").content.decode()
    )


@needs_audio_tools
def test_audio_is_not_served_once_a_correction_changes_the_text(
    client: Client,
    people: Any,
    department: Any,
    bulletin_input: Any,
    commune: Any,
    django_capture_on_commit_callbacks: Any,
    correct: Any,
) -> None:
    b = approved_bulletin(
        people=people,
        department=department,
        bulletin_input=bulletin_input,
        commune=commune,
        capture=django_capture_on_commit_callbacks,
        title="Lịch thu thuế phi nông nghiệp",
        channels=["radio", "portal"],
    )
    assert client.get(f"/portal/tin/{b.pk}/am-thanh.mp3").status_code == 200
    correct(
        b,
        approve=True,
        title="Lịch thu thuế phi nông nghiệp (sửa ngày)",
        target_scope="communes",
        targets=[commune],
    )
    assert client.get(f"/portal/tin/{b.pk}/am-thanh.mp3").status_code == 404  # the old audio reads old text
    assert "<audio" not in client.get(f"/portal/tin/{b.pk}/").content.decode()


def test_boards_now_from_the_compiled_manifest_public_bulletins_only(
    client: Client,
    people: Any,
    department: Any,
    bulletin_input: Any,
    commune: Any,
    publisher: MemoryPublisher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nguon.boards.services import items, playlists, schedules
    from nguon.boards.services.compilation import compile_unit
    from nguon.boards.tests.test_compile_helpers import SYSTEM, board
    from nguon.boards.tests.test_compile_helpers import approved_bulletin as board_bulletin

    public = board_bulletin(
        people,
        department,
        bulletin_input,
        commune,
        title="Ngày hội đại đoàn kết",
        channels=["eboard", "portal"],
    )
    board_only = board_bulletin(
        people, department, bulletin_input, commune, title="Danh sách hộ nghèo thôn", channels=["eboard"]
    )
    board(commune, "EB-PORTAL-1")
    shown = [
        items.create_item(actor=SYSTEM, unit=commune, kind="bulletin", bulletin=public),
        items.create_item(actor=SYSTEM, unit=commune, kind="bulletin", bulletin=board_only),
        items.create_item(
            actor=SYSTEM,
            unit=commune,
            kind="text",
            title="Họp dân thôn Trung Tâm",
            body="Tối thứ Sáu, 19 giờ 30.",
        ),
    ]
    loop = playlists.create_playlist(actor=SYSTEM, unit=commune, name="Cả ngày")
    playlists.set_entries(actor=SYSTEM, playlist=loop, entries=[(i, None) for i in shown])
    schedules.create_schedule(
        actor=SYSTEM,
        unit=commune,
        name="Cả ngày",
        playlist=loop,
        weekdays=[1, 2, 3, 4, 5, 6, 7],
        start_time=time(0, 0),
        end_time=time(0, 0),
        start_date=timezone.localtime(timezone.now(), HCM).date(),
        priority=10,
    )
    compile_unit(actor=SYSTEM, unit=commune, now=timezone.now())
    monkeypatch.setattr(commune_views, "_now", lambda: _tomorrow_at(9))

    page = client.get(f"/portal/xa/{commune.code}/").content.decode()
    boards = page[page.index('id="boards-heading"') : page.index('id="latest-heading"')]
    assert "EB-PORTAL-1" in boards
    assert public.title in boards
    assert f'href="/portal/tin/{public.pk}/"' in boards
    assert "Họp dân thôn Trung Tâm" in boards
    assert "Tối thứ Sáu, 19 giờ 30." in boards
    assert board_only.title not in page  # on the board, but not published to the portal

    # without a manifest window (after the compiled horizon) the board shows its clock
    monkeypatch.setattr(commune_views, "_now", lambda: _tomorrow_at(9) + timedelta(days=10))
    later = client.get(f"/portal/xa/{commune.code}/").content.decode()
    assert "Đang hiển thị đồng hồ." in later
    assert public.title not in later.split('id="latest-heading"')[0]


def test_emergency_banner_while_on_air_for_the_communes_it_reaches(
    client: Client,
    make_user: Any,
    province: Any,
    commune: Any,
    other_commune: Any,
    publisher: MemoryPublisher,
) -> None:
    from nguon.radio.services.emergencies import stop_order

    add_cluster(commune)
    assert 'role="alert"' not in client.get("/portal/").content.decode()
    order, user = on_air_order(make_user, province, [commune], title="Lũ quét trên sông Chu")
    for url in ("/portal/", "/portal/en/", f"/portal/xa/{commune.code}/", "/portal/tim-kiem/"):
        page = client.get(url).content.decode()
        banner = page[page.index('role="alert"') : page.index("</section>", page.index('role="alert"'))]
        assert "Lũ quét trên sông Chu" in banner, url
        assert "người dân theo dõi loa truyền thanh" in banner
        assert commune.full_name in banner
        assert "/alerts/cap/" in banner  # the public CAP document
    assert 'role="alert"' not in client.get(f"/portal/xa/{other_commune.code}/").content.decode()
    assert f">{user.username}<" not in client.get("/portal/").content.decode()  # who ordered it stays private

    before = client.get("/portal/")
    stop_order(actor=user, order=order)
    after = client.get("/portal/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert 'role="alert"' not in after.content.decode()
