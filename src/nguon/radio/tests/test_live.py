"""Live sessions: who may start one, its own mount and sealed source password, the speaker clusters it
reaches, no going on air without sound, signed live-start / live-stop to exactly those devices, Icecast
told about the mount, and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from lxml import etree

from nguon.accounts.choices import Role
from nguon.content.tests.conftest import sign_in  # noqa: F401 — fixture
from nguon.core import access
from nguon.core.models import AuditEvent
from nguon.devices.models import CommandRecord
from nguon.devices.protocol.commands import signing_input
from nguon.devices.protocol.keys import VerifyKey
from nguon.devices.services.registry import register_device
from nguon.devices.signing import server_key
from nguon.devices.tests.conftest import publisher  # noqa: F401 — fixture
from nguon.radio import icecast
from nguon.radio.choices import LiveKind, LiveStatus
from nguon.radio.models import LiveSession
from nguon.radio.services.live import end_live, go_on_air, protocol_id, source_password, start_live
from nguon.units.services import save_residential_unit

from .live_helpers import feed_mount, running_icecast

ACTOR = access.SystemActor("tests")


@pytest.fixture
def clusters(db: Any, commune: Any, other_commune: Any, publisher: Any) -> dict[str, Any]:  # noqa: F811
    hamlet = save_residential_unit(
        actor=ACTOR, commune=commune, local_code="T1", name="Thôn Một", kind="thon"
    )
    return {
        "hamlet": hamlet,
        "c1": register_device(actor=ACTOR, kind="speaker_cluster", serial="L1", unit=commune),
        "c2": register_device(
            actor=ACTOR, kind="speaker_cluster", serial="L2", unit=commune, residential_unit=hamlet
        ),
        "board": register_device(actor=ACTOR, kind="eboard", serial="LB", unit=commune),
        "elsewhere": register_device(actor=ACTOR, kind="speaker_cluster", serial="LX", unit=other_commune),
    }


@pytest.fixture
def operator(make_user: Any, commune: Any) -> Any:
    return make_user(Role.COMMUNE_OPERATOR, unit=commune)


@pytest.fixture
def ice(settings, monkeypatch):
    yield from running_icecast(settings, monkeypatch)


def verify(record: CommandRecord) -> bool:
    key = VerifyKey.from_b64(server_key().public_b64())
    return key.verify_b64(record.envelope["sig"], signing_input(record.envelope))


def test_an_operator_starts_a_session_with_its_own_mount_and_sealed_password(clusters, operator, commune):
    session = start_live(actor=operator, unit=commune, title="  Họp dân khẩn  ", kind=LiveKind.MICROPHONE)
    assert (session.status, session.title) == (LiveStatus.WAITING, "Họp dân khẩn")
    assert session.mount == f"/live-{commune.code}-1.mp3"
    password = source_password(session)
    assert len(password) >= 20
    assert password not in session.source_password_sealed
    assert sorted(d.serial for d in session.devices.all()) == ["L1", "L2"]  # clusters only, this commune
    assert not CommandRecord.objects.filter(type__startswith="live").exists()  # nothing on air yet
    second = start_live(actor=operator, unit=commune, title="Lần hai", kind=LiveKind.ENCODER)
    assert second.mount == f"/live-{commune.code}-2.mp3"
    assert source_password(second) != password
    assert AuditEvent.objects.filter(action="radio.live.start").count() == 2
    only_hamlet = start_live(
        actor=operator,
        unit=commune,
        title="Thôn Một",
        kind=LiveKind.ENCODER,
        residential_units=[clusters["hamlet"]],
    )
    assert [d.serial for d in only_hamlet.devices.all()] == ["L2"]


def test_start_is_refused_outside_the_operators_commune_and_for_bad_input(
    clusters, operator, other_commune, commune
):
    with pytest.raises(Http404):
        start_live(actor=operator, unit=other_commune, title="Không được", kind=LiveKind.MICROPHONE)
    for title, kind, message in [
        ("  ", LiveKind.MICROPHONE, "Nhập tiêu đề"),
        ("x" * 301, LiveKind.MICROPHONE, "300 ký tự"),
        ("Đúng", "radio", "nguồn phát"),
    ]:
        with pytest.raises(ValidationError) as error:
            start_live(actor=operator, unit=commune, title=title, kind=kind)
        assert message in " ".join(error.value.messages)


def test_no_going_on_air_without_sound_on_the_mount(
    clusters, operator, commune, settings, monkeypatch, tmp_path
):
    monkeypatch.setenv("NGUON_ICECAST_PORT", "9")  # nothing listens there
    session = start_live(actor=operator, unit=commune, title="Chưa có tiếng", kind=LiveKind.ENCODER)
    with pytest.raises(ValidationError) as error:
        go_on_air(actor=operator, session=session)
    assert "Chưa có tín hiệu" in " ".join(error.value.messages)
    assert not CommandRecord.objects.filter(type="live-start").exists()


def test_on_air_sends_signed_live_start_then_end_sends_live_stop(
    clusters, operator, commune, ice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = start_live(actor=operator, unit=commune, title="Trực tiếp họp dân", kind=LiveKind.ENCODER)
    tree = etree.parse(str(ice.config_path))
    assert [m.findtext("mount-name") for m in tree.findall("mount")] == [session.mount]
    source = feed_mount(
        ice, session.mount, source_password(session)
    )  # the encoder, with the session's password
    try:
        with django_capture_on_commit_callbacks(execute=True):
            on_air = go_on_air(actor=operator, session=session)
        assert on_air.status == LiveStatus.ON_AIR
        starts = list(CommandRecord.objects.filter(type="live-start").select_related("device"))
        assert sorted(r.device.serial for r in starts) == ["L1", "L2"]
        for record in starts:
            assert verify(record)
            assert record.body["id"] == protocol_id(session)
            assert record.body["stream"]["url"] == ice.listen_url + session.mount
            assert record.published_at is not None  # handed to the (memory) publisher after the commit
        assert go_on_air(actor=operator, session=session).status == LiveStatus.ON_AIR  # idempotent
        assert CommandRecord.objects.filter(type="live-start").count() == 2
        with django_capture_on_commit_callbacks(execute=True):
            ended = end_live(actor=operator, session=session)
    finally:
        source.terminate()
        source.wait(10)
    assert ended.status == LiveStatus.ENDED
    assert ended.ended_at is not None
    stops = list(CommandRecord.objects.filter(type="live-stop").select_related("device"))
    assert sorted(r.device.serial for r in stops) == ["L1", "L2"]
    assert all(verify(r) and r.body == {"id": protocol_id(session)} for r in stops)
    assert etree.parse(str(ice.config_path)).findall("mount") == []  # the mount is gone
    assert end_live(actor=operator, session=session).status == LiveStatus.ENDED  # idempotent
    assert CommandRecord.objects.filter(type="live-stop").count() == 2
    with pytest.raises(ValidationError):
        go_on_air(actor=operator, session=session, check_signal=False)
    actions = list(
        AuditEvent.objects.filter(action__startswith="radio.live").values_list("action", flat=True)
    )
    assert sorted(actions) == ["radio.live.end", "radio.live.on_air", "radio.live.start"]


def test_the_api_starts_lists_and_ends_sessions(
    clusters,
    operator,
    commune,
    client,
    sign_in,  # noqa: F811 — fixture
    make_user,
    other_commune,
):
    sign_in(operator)
    created = client.post(
        "/api/v1/radio/live",
        {"unit_code": commune.code, "title": "Qua API", "kind": "encoder"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["mount"] == f"/live-{commune.code}-1.mp3"
    assert body["stream_url"] == icecast.current_settings().listen_url + body["mount"]
    assert len(body["devices"]) == 2
    assert [s["id"] for s in client.get("/api/v1/radio/live").json()] == [body["id"]]
    refused = client.post(
        f"/api/v1/radio/live/{body['id']}/chunks/0", b"webm", content_type="application/octet-stream"
    )
    assert refused.status_code == 422
    assert "bộ mã hóa" in refused.json()["error"]["details"][0]["message"]
    ended = client.post(f"/api/v1/radio/live/{body['id']}/end", content_type="application/json")
    assert ended.json()["status"] == "ended"
    stranger = make_user(Role.COMMUNE_OPERATOR, unit=other_commune)
    sign_in(stranger)
    assert client.get(f"/api/v1/radio/live/{body['id']}").status_code == 404
    assert (
        client.post(
            "/api/v1/radio/live",
            {"unit_code": commune.code, "title": "Không", "kind": "encoder"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_the_screens_start_a_session_and_show_the_encoder_settings(
    clusters,
    operator,
    commune,
    client,
    sign_in,  # noqa: F811 — fixture
    make_user,
    other_commune,
    monkeypatch,
):
    monkeypatch.setenv("NGUON_ICECAST_PUBLIC_URL", "https://live.nguon.example")
    monkeypatch.setenv("NGUON_ICECAST_PORT", "9")  # no Icecast: nothing can be on the mount
    sign_in(operator)
    page = client.get("/radio/live/")
    assert page.status_code == 200
    assert "Bắt đầu buổi phát trực tiếp" in page.content.decode()
    refused = client.post("/radio/live/", {"unit": commune.pk, "title": " ", "kind": "encoder"})
    assert refused.status_code == 200
    assert LiveSession.objects.count() == 0
    created = client.post(
        "/radio/live/", {"unit": commune.pk, "title": "Bộ mã hóa hội trường", "kind": "encoder"}
    )
    session = LiveSession.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/radio/live/{session.pk}/"
    detail = client.get(created["Location"]).content.decode()
    for shown in ("live.nguon.example", "443", session.mount, source_password(session), "Lên sóng"):
        assert shown in detail
    # without JavaScript: on air is refused while there is no sound, with the reason in Vietnamese
    followed = client.post(f"/radio/live/{session.pk}/on-air", follow=True).content.decode()
    assert "Chưa có tín hiệu trên điểm phát" in followed
    ended = client.post(f"/radio/live/{session.pk}/end", follow=True).content.decode()
    assert "Đã kết thúc buổi phát trực tiếp" in ended
    assert source_password(session) not in ended  # an ended session no longer shows its password
    sign_in(make_user(Role.COMMUNE_OPERATOR, unit=other_commune))
    assert client.get(f"/radio/live/{session.pk}/").status_code == 404
    sign_in(make_user(Role.VIEWER, unit=commune))
    assert client.get("/radio/live/").status_code == 404
