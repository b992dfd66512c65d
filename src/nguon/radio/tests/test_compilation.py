# ruff: noqa: F811 — fixtures imported from other test packages
"""Compiling a commune's schedule into device manifests, end to end on the real parts: real MP3 files, real
espeak-ng bulletin audio through the editorial workflow, registered clusters, signed commands."""

from __future__ import annotations

import itertools
from datetime import timedelta
from math import floor
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from nguon.accounts.choices import Role
from nguon.content.tests.conftest import bulletin_input, category, department, people  # noqa: F401 — fixtures
from nguon.core.models import AuditEvent
from nguon.devices.choices import CommandType
from nguon.devices.models import CommandRecord, DeviceGroup, DeviceManifest
from nguon.devices.protocol.manifests import start_window
from nguon.devices.services.manifests import get_current_manifest
from nguon.radio.models import CompilationReport, Occurrence
from nguon.radio.services import compilation
from nguon.radio.services.programmes import ItemInput, ProgrammeInput, save_programme

from .compile_helpers import (
    EVENING,
    MORNING,
    SYSTEM,
    approved_bulletin,
    memory_publisher,  # noqa: F401 — fixture
    needs_audio_tools,
    register_cluster,
    residential,
    set_broadcast_settings,
    store_audio,
)

pytestmark = [pytest.mark.django_db, needs_audio_tools]


@pytest.fixture
def station(commune: Any, memory_publisher: Any) -> SimpleNamespace:
    tdp1, tdp2 = residential(commune, "TDP01", "Tổ dân phố 1"), residential(commune, "TDP02", "Tổ dân phố 2")
    a = register_cluster(commune, "CL-A", residential=tdp1)
    b = register_cluster(commune, "CL-B", residential=tdp2)
    c = register_cluster(commune, "CL-C")
    board = register_cluster(commune, "EB-1", kind="eboard")
    retired = register_cluster(commune, "CL-OLD")
    retired.retired_on = timezone.localdate()
    retired.save(update_fields=["retired_on"])
    market = DeviceGroup.objects.create(unit=commune, name="Khu chợ")
    c.groups.add(market)
    fallback = store_audio(commune, 20, 220, "nen.mp3")
    set_broadcast_settings(commune, fallback_blob=fallback)
    return SimpleNamespace(
        unit=commune,
        tdp1=tdp1,
        clusters=[a, b, c],
        a=a,
        b=b,
        c=c,
        board=board,
        retired=retired,
        market=market,
        fallback=fallback,
        jingle=store_audio(commune, 3, 880, "nhac-hieu.mp3"),
        talk=store_audio(commune, 8, 440, "noi-dung.mp3"),
    )


def programme(
    actor: Any, unit: Any, title: str, items: list[ItemInput], *, programme: Any = None, **kw: Any
) -> Any:
    values: dict[str, Any] = {
        "title": title,
        "starts_on": timezone.localdate(),
        "start_time": MORNING,
        "duration_minutes": 2,
        "rrule": "FREQ=DAILY",
        "items": items,
        **kw,
    }
    return save_programme(actor=actor, unit=unit, data=ProgrammeInput(**values), programme=programme)


def media_items(device: Any) -> list[dict[str, Any]]:
    manifest = get_current_manifest(device)
    assert manifest is not None
    return list(manifest.body["items"])


def of(items: list[dict[str, Any]], occurrence: Occurrence) -> list[dict[str, Any]]:
    return [i for i in items if i["id"].startswith(f"oc{occurrence.pk}-")]


def codes(report: CompilationReport) -> set[str]:
    return {w["code"] for w in report.warnings}


def test_each_cluster_gets_priority_first_then_the_running_order_then_fallback(
    station: Any, people: Any, department: Any, bulletin_input: Any, django_capture_on_commit_callbacks: Any
) -> None:
    urgent = approved_bulletin(
        people=people,
        department=department,
        bulletin_input=bulletin_input,
        commune=station.unit,
        capture=django_capture_on_commit_callbacks,
        title="Thông báo lịch tiêm phòng",
        priority="priority",
    )
    from nguon.content.services.renditions import audio_blob

    urgent_audio = audio_blob(urgent)
    assert urgent_audio is not None
    show = programme(
        people.operator,
        station.unit,
        "Bản tin sáng",
        [
            ItemInput(kind="jingle", blob_sha256=station.jingle.sha256, title="Nhạc hiệu"),
            ItemInput(kind="audio", blob_sha256=station.talk.sha256, title="Nội dung"),
        ],
        volume=70,
    )
    now = timezone.now()
    report = compilation.compile_unit(actor=people.operator, unit=station.unit, now=now)

    assert (report.devices, report.manifests_changed) == (3, 3)
    assert report.warnings == []
    occurrences = list(
        Occurrence.objects.filter(programme=show, starts_at__gte=now, starts_at__lt=now + timedelta(days=7))
    )
    assert len(occurrences) == 7
    order = [urgent_audio, station.jingle, station.talk]
    real = sum(compilation.airtime(b) for b in order)
    copies = floor((120 - real) / compilation.airtime(station.fallback))
    expected = [b.sha256 for b in order] + [station.fallback.sha256] * copies
    for device in station.clusters:
        items = media_items(device)
        assert len(items) == 7 * len(expected)
        for occurrence in occurrences:
            mine = of(items, occurrence)
            assert [i["media"]["sha256"] for i in mine] == expected
            assert [i["source"]["type"] for i in mine[:3]] == ["priority", "jingle", "audio"]
            assert mine[0]["source"]["id"] == str(urgent.pk)
            start, until = start_window(mine[0])
            assert start == occurrence.starts_at
            # it may still start late (after an emergency, say) while it ends inside the slot
            assert until == occurrence.ends_at - timedelta(seconds=compilation.airtime(urgent_audio))
            assert all(i["volume"] == 70 for i in mine)
            ends = [start_window(i)[0] + timedelta(milliseconds=i["duration_ms"]) for i in mine]
            assert max(ends) <= occurrence.ends_at
        commands = CommandRecord.objects.filter(device=device, type=CommandType.MANIFEST_CHANGED)
        assert commands.count() == 1
        assert commands[0].body["version"] == get_current_manifest(device).version
        assert commands[0].envelope["sig"]
    assert not DeviceManifest.objects.filter(device__in=[station.board, station.retired]).exists()
    each = sum(b.size for b in [*order, station.fallback])
    assert report.download_bytes == 3 * each
    assert AuditEvent.objects.filter(action="radio.compile", target_id=str(report.pk)).exists()

    again = compilation.compile_unit(actor=people.operator, unit=station.unit, now=now)
    assert (again.devices, again.manifests_changed, again.download_bytes) == (3, 0, 0)
    assert CommandRecord.objects.filter(type=CommandType.MANIFEST_CHANGED).count() == 3
    assert DeviceManifest.objects.filter(device__in=station.clusters).count() == 3


def test_targets_residential_units_and_device_groups(station: Any, people: Any) -> None:
    line = [ItemInput(kind="audio", blob_sha256=station.talk.sha256)]
    everyone = programme(people.operator, station.unit, "Cả xã", line)
    tdp = programme(
        people.operator,
        station.unit,
        "Tổ 1",
        line,
        start_time=EVENING,
        target_kind="residential",
        residential_codes=[station.tdp1.code],
    )
    market = programme(
        people.operator,
        station.unit,
        "Chợ",
        line,
        start_time=MORNING.replace(hour=9),
        target_kind="groups",
        group_ids=[station.market.pk],
    )
    compilation.compile_unit(actor=SYSTEM, unit=station.unit)
    reached = {
        device.serial: {
            p.title
            for p in (everyone, tdp, market)
            if any(
                i["id"].startswith(tuple(f"oc{o.pk}-" for o in p.occurrences.all()))
                for i in media_items(device)
            )
        }
        for device in station.clusters
    }
    assert reached == {"CL-A": {"Cả xã", "Tổ 1"}, "CL-B": {"Cả xã"}, "CL-C": {"Cả xã", "Chợ"}}


def test_missing_audio_overflow_and_no_fallback_are_plain_warnings(
    station: Any, people: Any, department: Any, bulletin_input: Any, django_capture_on_commit_callbacks: Any
) -> None:
    silent = approved_bulletin(
        people=people,
        department=department,
        bulletin_input=bulletin_input,
        commune=station.unit,
        capture=django_capture_on_commit_callbacks,
        title="Tin ưu tiên chưa có âm thanh",
        priority="priority",
        with_audio=False,
    )
    long_talk = store_audio(station.unit, 110, 330, "dai.mp3")
    programme(
        people.operator,
        station.unit,
        "Bản tin trưa",
        [ItemInput(kind="audio", blob_sha256=long_talk.sha256, title="Phóng sự dài")],
    )
    report = compilation.compile_unit(actor=SYSTEM, unit=station.unit)
    assert codes(report) == {"missing_audio", "item_overflows_slot"}
    messages = " ".join(w["message"] for w in report.warnings)
    assert silent.title in messages
    assert "«Phóng sự dài»" in messages
    assert "Bản tin trưa" in messages
    assert all(w["devices"] == 3 for w in report.warnings)
    first = media_items(station.a)[0]
    assert first["media"]["sha256"] == station.fallback.sha256  # fallback in place of the missing audio

    set_broadcast_settings(station.unit, fallback_blob=None)
    programme(
        people.operator,
        station.unit,
        "Bản tin chiều",
        [ItemInput(kind="audio", blob_sha256=station.talk.sha256)],
        start_time=EVENING,
        duration_minutes=5,
    )
    bare = compilation.compile_unit(actor=SYSTEM, unit=station.unit)
    assert codes(bare) == {"missing_audio", "no_fallback"}  # the long item fits once the priority is skipped
    assert "chưa đặt âm thanh dự phòng" in " ".join(w["message"] for w in bare.warnings)
    assert bare.manifests_changed == 3


def test_a_day_moved_onto_another_programme_is_an_overlap_and_manifests_stay_clean(
    station: Any,
    people: Any,
    memory_publisher: Any,
) -> None:
    from nguon.radio.services.programmes import customise_occurrence

    line = [ItemInput(kind="audio", blob_sha256=station.talk.sha256)]
    morning = programme(people.operator, station.unit, "Sáng", line, duration_minutes=30)
    tomorrow = timezone.localdate() + timedelta(days=1)
    moved = customise_occurrence(
        actor=people.operator,
        occurrence=Occurrence.objects.get(programme=morning, date=tomorrow),
        start_time=MORNING.replace(hour=7),
        note="Dời giờ",
    )
    programme(people.operator, station.unit, "Thời sự", line, start_time=MORNING.replace(hour=7, minute=10))
    report = compilation.compile_unit(actor=SYSTEM, unit=station.unit)
    overlaps = [w for w in report.warnings if w["code"] == "overlap"]
    assert len(overlaps) == 1
    assert "«Thời sự»" in overlaps[0]["message"]
    assert "«Sáng»" in overlaps[0]["message"]
    assert overlaps[0]["other"] == moved.pk
    for device in station.clusters:
        spans = sorted(
            (start_window(i)[0], start_window(i)[0] + timedelta(milliseconds=i["duration_ms"]))
            for i in media_items(device)
        )
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def heartbeat(device: Any, free_mb: int) -> None:
    """A heartbeat through the telemetry ingest, as the device would send it."""
    import json

    from nguon.devices.protocol import topics
    from nguon.devices.protocol.timestamps import format_ts
    from nguon.devices.services.ingest import handle_message

    message = {
        "v": 1,
        "device": device.device_id,
        "ts": format_ts(timezone.now()),
        "protocol": 1,
        "firmware": "nguon-agent 0.1.0",
        "volume": 70,
        "manifest_version": 0,
        "playing": None,
        "uptime_s": 60,
        "storage_free_mb": free_mb,
    }
    outcome = handle_message(topics.topic(device.device_id, topics.HEARTBEAT), json.dumps(message).encode())
    assert outcome.result == "stored"


def test_a_cluster_short_of_storage_is_named(station: Any, people: Any) -> None:
    programme(
        people.operator, station.unit, "Sáng", [ItemInput(kind="audio", blob_sha256=station.talk.sha256)]
    )
    heartbeat(station.a, 0)
    heartbeat(station.b, 4096)
    report = compilation.compile_unit(actor=SYSTEM, unit=station.unit)
    storage = [w for w in report.warnings if w["code"] == "storage"]
    assert [w["device"] for w in storage] == [station.a.device_id]
    assert "CL-A" in storage[0]["message"]
    assert get_current_manifest(station.a) is not None  # published anyway: the device keeps what it can


def test_a_programme_resumed_after_quiet_hours_changed_stops_at_them(station: Any, people: Any) -> None:
    from nguon.radio.services.programmes import set_active

    late = programme(
        people.operator,
        station.unit,
        "Tối",
        [ItemInput(kind="audio", blob_sha256=station.talk.sha256)],
        start_time=EVENING.replace(hour=21, minute=0),
        duration_minutes=30,
    )
    set_active(actor=people.operator, programme=late, active=False)
    quiet = MORNING.replace(hour=21, minute=15)
    set_broadcast_settings(station.unit, quiet_start=quiet)  # allowed: no active programme airs then
    set_active(actor=people.operator, programme=late, active=True)
    report = compilation.compile_unit(actor=SYSTEM, unit=station.unit)
    assert "21:15" in next(w["message"] for w in report.warnings if w["code"] == "quiet_hours")
    items = media_items(station.c)
    assert items
    for item in items:
        start = timezone.localtime(start_window(item)[0])
        end = start + timedelta(milliseconds=item["duration_ms"])
        assert end.time() <= quiet


def test_relay_lines_become_stream_items(station: Any, people: Any) -> None:
    programme(
        people.operator,
        station.unit,
        "Tiếp sóng VOV",
        [ItemInput(kind="relay", stream_url="https://radio.example.vn/vov1", duration_seconds=60)],
    )
    report = compilation.compile_unit(actor=SYSTEM, unit=station.unit)
    relays = [i for i in media_items(station.a) if "stream" in i]
    if compilation.RELAY_SUPPORTED:
        assert relays
        assert relays[0]["stream"]["url"] == "https://radio.example.vn/vov1"
        assert relays[0]["duration_ms"] == 60_000
    else:
        assert not relays
        assert "relay_unsupported" in codes(report)


def test_only_operators_of_the_commune_compile_and_the_cli_reports(
    station: Any, people: Any, make_user: Any, other_commune: Any, capsys: Any
) -> None:
    programme(
        people.operator, station.unit, "Sáng", [ItemInput(kind="audio", blob_sha256=station.talk.sha256)]
    )
    outsider = make_user(Role.COMMUNE_OPERATOR, unit=other_commune)
    with pytest.raises(Http404):
        compilation.compile_unit(actor=outsider, unit=station.unit)
    call_command("radio", "compile", "--unit", station.unit.code, "--warnings")
    out = capsys.readouterr().out
    assert f"{station.unit.code} " in out
    assert "3 devices, 3 manifests changed" in out
    call_command("radio", "compile", "--all")
    assert "3 devices, 0 manifests changed" in capsys.readouterr().out
    call_command("radio", "materialise", "--unit", station.unit.code)
    assert "occurrences created, moved or removed" in capsys.readouterr().out


def test_saving_a_programme_recompiles_after_commit(
    station: Any, people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        programme(
            people.operator, station.unit, "Sáng", [ItemInput(kind="audio", blob_sha256=station.talk.sha256)]
        )
    report = CompilationReport.objects.get(unit=station.unit)
    assert report.manifests_changed == 3
    assert AuditEvent.objects.filter(action="radio.compile", actor_label="[radio]").exists()


def test_a_scheduled_bulletin_airs_until_it_is_withdrawn(
    station: Any, people: Any, department: Any, bulletin_input: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from nguon.content.services import workflow
    from nguon.content.services.renditions import audio_blob

    news = approved_bulletin(
        people=people,
        department=department,
        bulletin_input=bulletin_input,
        commune=station.unit,
        capture=django_capture_on_commit_callbacks,
        title="Lịch cắt điện tuần này",
    )
    show = programme(people.operator, station.unit, "Sáng", [ItemInput(kind="bulletin", bulletin_id=news.pk)])
    compilation.compile_unit(actor=SYSTEM, unit=station.unit)
    on_air = Occurrence.objects.filter(programme=show).order_by("starts_at")[0]
    sound = audio_blob(news)
    assert sound is not None
    first = media_items(station.b)[0]
    assert (first["media"]["sha256"], first["source"]) == (
        sound.sha256,
        {"type": "bulletin", "id": str(news.pk)},
    )
    assert first["title"] == news.title

    workflow.withdraw(actor=people.approver, bulletin=news, reason="Lịch đã thay đổi")
    # withdrawn while the first airing is on air: off air at once, that airing included
    report = compilation.compile_unit(
        actor=SYSTEM, unit=station.unit, now=on_air.starts_at + timedelta(seconds=1)
    )
    assert codes(report) == {"withdrawn"}
    assert all("Lịch cắt điện tuần này" in w["message"] for w in report.warnings)
    assert report.manifests_changed == 3
    assert sound.sha256 not in {i["media"]["sha256"] for i in media_items(station.b)}


def test_nightly_task_and_the_reports_as_operators_see_them(station: Any, people: Any) -> None:
    from nguon.radio.selectors import compilation as reports
    from nguon.radio.tasks import compile_all_task, compile_unit_task

    programme(
        people.operator,
        station.unit,
        "Trưa",
        [ItemInput(kind="audio", blob_sha256=station.talk.sha256)],
        start_time=MORNING.replace(hour=11),
    )
    set_broadcast_settings(station.unit, fallback_blob=None)
    result = compile_all_task.enqueue()  # the test settings run tasks at once
    assert result.return_value == [
        {
            "unit": station.unit.code,
            "devices": 3,
            "manifests_changed": 3,
            "items": 3 * 7,
            "download_bytes": 3 * station.talk.size,
            "warnings": 7,  # one empty stretch a day, for a week
        }
    ]
    second = compile_unit_task.enqueue(station.unit.pk).return_value
    assert second is not None
    assert second["manifests_changed"] == 0
    latest = reports.get_latest_report(station.unit)
    assert latest is not None
    assert latest.manifests_changed == 0
    warnings = reports.list_warnings(user=people.operator, unit=station.unit, code="no_fallback")
    assert [w["code"] for w in warnings] == ["no_fallback"] * 7
    assert {w["devices"] for w in warnings} == {3}
    assert reports.list_warnings(user=people.other_operator, unit=station.unit) == []
    assert reports.list_reports(user=people.operator, unit=station.unit).count() == 2


def test_a_slot_on_air_keeps_its_layout_and_the_change_applies_from_the_next(
    station: Any, people: Any
) -> None:
    jingle = ItemInput(kind="jingle", blob_sha256=station.jingle.sha256)
    talk = ItemInput(kind="audio", blob_sha256=station.talk.sha256)
    show = programme(people.operator, station.unit, "Sáng", [jingle, talk])
    compilation.compile_unit(actor=SYSTEM, unit=station.unit)
    first, second = Occurrence.objects.filter(programme=show).order_by("starts_at")[:2]
    programme(people.operator, station.unit, "Sáng", [talk, jingle], programme=show)  # swapped
    on_air = first.starts_at + timedelta(seconds=30)
    report = compilation.compile_unit(actor=SYSTEM, unit=station.unit, now=on_air)
    assert report.manifests_changed == 3
    items = media_items(station.a)
    sha = [i["media"]["sha256"] for i in of(items, first)][:2]
    assert sha == [station.jingle.sha256, station.talk.sha256]  # as the device already plays it
    sha = [i["media"]["sha256"] for i in of(items, second)][:2]
    assert sha == [station.talk.sha256, station.jingle.sha256]
    again = compilation.compile_unit(actor=SYSTEM, unit=station.unit, now=on_air + timedelta(seconds=30))
    assert again.manifests_changed == 0


def test_a_manifest_never_passes_the_protocol_item_limit(station: Any, people: Any) -> None:
    """A short fallback in long slots would make thousands of copies: the latest copies are dropped to stay
    within the schema's ``maxItems``, the operator is told, and the manifest still signs and validates."""
    from nguon.devices.protocol.keys import SigningKey
    from nguon.devices.protocol.manifests import MAX_ITEMS, sign_manifest

    blip = store_audio(station.unit, 1, 660, "ngan.mp3")
    set_broadcast_settings(station.unit, fallback_blob=blip, horizon_days=2)
    programme(
        people.operator,
        station.unit,
        "Chương trình dài",
        [ItemInput(kind="audio", blob_sha256=station.talk.sha256)],
        duration_minutes=40,
    )
    report = compilation.compile_unit(actor=SYSTEM, unit=station.unit)
    assert "too_many_items" in codes(report)
    manifest = get_current_manifest(station.a)
    assert manifest is not None
    items = manifest.body["items"]
    assert len(items) == MAX_ITEMS
    assert all(i["media"]["sha256"] in {blip.sha256, station.talk.sha256} for i in items)
    talks = [i for i in items if i["media"]["sha256"] == station.talk.sha256]
    airings = {i["id"].split("-")[0] for i in items}
    assert len(talks) == len(airings) >= 1  # every airing kept its content; only fallback copies went
    sign_manifest(SigningKey.generate(), manifest.body)  # validates against the schema
