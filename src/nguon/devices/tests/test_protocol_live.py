"""Stream items and live commands in the protocol: the schemas accept exactly one of media and stream,
http(s) stream URLs without credentials, and live-start / live-stop bodies; the server builds stream items
and keeps them out of the manifest's media list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from nguon.devices.choices import CommandType
from nguon.devices.protocol.commands import COMMAND_TYPES, CommandVerifier, encode, sign_command
from nguon.devices.protocol.keys import SigningKey, VerifyKey
from nguon.devices.protocol.manifests import build_manifest, sign_manifest, verify_manifest
from nguon.devices.protocol.replay import MemorySequenceStore
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.protocol.validation import MessageInvalidError, is_valid, validate
from nguon.devices.services.manifests import ManifestItem, check_stream_url, set_manifest, stream_item

from .conftest import ACTOR

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
DEVICE = "d-abc123def456"
MEDIA = {
    "sha256": "ab" * 32,
    "size": 10,
    "mime": "audio/mpeg",
    "url": "/api/v1/devices/me/media/" + "ab" * 32,
}
STREAM = {"url": "http://127.0.0.1:8010/live-05569-1.mp3", "mime": "audio/mpeg"}


def envelope(type_: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"v": 1, "device": DEVICE, "seq": 1, "ts": format_ts(NOW), "type": type_, "body": body, "sig": "x"}


def scheduled(**members: Any) -> dict[str, Any]:
    return {"id": "tiep-song", "duration_ms": 60_000, "start": format_ts(NOW), **members}


def manifest(items: list[dict[str, Any]]) -> dict[str, Any]:
    body = build_manifest(device=DEVICE, version=1, mode="speaker", items=items, generated_at=NOW)
    return {**body, "sig": "x"}


def test_an_item_carries_exactly_one_of_media_and_stream():
    assert is_valid("manifest", manifest([scheduled(media=MEDIA)]))
    assert is_valid("manifest", manifest([scheduled(stream=STREAM)]))
    assert is_valid("manifest", manifest([scheduled(stream={"url": "https://radio.thainguyen.vn/kenh1"})]))
    assert not is_valid("manifest", manifest([scheduled(media=MEDIA, stream=STREAM)]))
    assert not is_valid("manifest", manifest([scheduled()]))
    play = {"id": "pn-1", "duration_ms": 0}
    assert is_valid("command", envelope("play-now", {"item": {**play, "stream": STREAM}}))
    assert not is_valid("command", envelope("play-now", {"item": {**play, "stream": STREAM, "media": MEDIA}}))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://radio.example/kenh1",
        "rtsp://radio.example/kenh1",
        "http://nguoi:matkhau@radio.example/kenh1",
        "http://radio.example/kênh 1",
        "/live-05569-1.mp3",
        "http://",
        "x" * 501,
    ],
)
def test_stream_urls_are_http_or_https_without_credentials(url):
    with pytest.raises(MessageInvalidError):
        validate("manifest", manifest([scheduled(stream={"url": url})]))
    with pytest.raises(ValidationError):
        check_stream_url(url)


def test_emergencies_stay_on_cached_media():
    alarm = {"id": "em-1", "duration_ms": 1000}
    assert is_valid("command", envelope("emergency-start", {"item": {**alarm, "media": MEDIA}}))
    assert not is_valid("command", envelope("emergency-start", {"item": {**alarm, "stream": STREAM}}))
    block = {"id": "em-1", "item": {**alarm, "stream": STREAM}, "repeat": 1, "since": format_ts(NOW)}
    assert not is_valid("manifest", {**manifest([]), "emergency": block})


def test_live_commands_are_in_the_protocol_and_checked_by_the_device():
    assert {"live-start", "live-stop"} <= set(COMMAND_TYPES)
    assert {CommandType.LIVE_START, CommandType.LIVE_STOP} <= set(CommandType.values)
    assert is_valid("command", envelope("live-start", {"id": "lv-3", "stream": STREAM}))
    assert is_valid(
        "command", envelope("live-start", {"id": "lv-3", "title": "Họp dân", "stream": STREAM, "volume": 80})
    )
    assert is_valid("command", envelope("live-stop", {"id": "lv-3"}))
    assert not is_valid("command", envelope("live-start", {"id": "lv-3"}))
    assert not is_valid("command", envelope("live-start", {"id": "lv-3", "stream": {"url": "ftp://h/x"}}))
    assert not is_valid("command", envelope("live-start", {"id": "lv-3", "stream": STREAM, "media": MEDIA}))
    assert not is_valid("command", envelope("live-stop", {}))
    key = SigningKey.generate()
    check = CommandVerifier(
        device_id=DEVICE,
        public_key=VerifyKey.from_b64(key.public_b64()),
        sequences=MemorySequenceStore(),
        clock=lambda: NOW,
    )
    signed = sign_command(
        key, device=DEVICE, seq=1, type="live-start", body={"id": "lv-3", "stream": STREAM}, ts=NOW
    )
    accepted = check.verify(encode(signed))
    assert (accepted.type, accepted.body["stream"]["url"]) == ("live-start", STREAM["url"])
    with pytest.raises(MessageInvalidError):
        sign_command(key, device=DEVICE, seq=2, type="live-stop", body={"id": "bad id!"}, ts=NOW)


def test_a_signed_manifest_with_a_stream_item_verifies():
    key = SigningKey.generate()
    signed = sign_manifest(key, manifest([scheduled(stream=STREAM)]))
    checked = verify_manifest(VerifyKey.from_b64(key.public_b64()), signed, device_id=DEVICE)
    assert checked["items"][0]["stream"] == STREAM


def test_the_server_builds_stream_items_and_lists_only_media_for_download(device, blob):
    start = datetime.now(UTC) + timedelta(hours=1)
    manifest_row = set_manifest(
        actor=ACTOR,
        device=device,
        items=[
            ManifestItem("ban-tin", blob, start),
            ManifestItem(
                "tiep-song",
                start=start + timedelta(minutes=10),
                stream_url=" https://radio.thainguyen.vn/kenh1 ",
                duration_seconds=1800,
                title="Tiếp sóng Đài tỉnh",
            ),
        ],
    )
    relay = next(i for i in manifest_row.body["items"] if i["id"] == "tiep-song")
    assert relay["stream"] == {"url": "https://radio.thainguyen.vn/kenh1"}
    assert relay["duration_ms"] == 1_800_000
    assert "media" not in relay
    assert manifest_row.media_sha256 == [blob.sha256]
    assert stream_item("http://h:8010/a.mp3", item_id="x", duration_seconds=2.5)["duration_ms"] == 2500


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"stream_url": "http://h/a.mp3"}, "đúng một"),  # with a blob as well
        ({"blob": None}, "đúng một"),  # neither
        ({"blob": None, "stream_url": "http://h/a.mp3"}, "thời lượng"),  # a relay needs a length
        ({"blob": None, "stream_url": "http://u:p@h/a.mp3", "duration_seconds": 60}, "mật khẩu"),
        ({"blob": None, "stream_url": "file:///etc/passwd", "duration_seconds": 60}, "http"),
    ],
)
def test_bad_stream_items_are_refused_in_vietnamese(device, blob, entry, problem):
    fields: dict[str, Any] = {"blob": blob, "start": datetime.now(UTC) + timedelta(hours=1), **entry}
    with pytest.raises(ValidationError) as error:
        set_manifest(actor=ACTOR, device=device, items=[ManifestItem("muc", **fields)])
    assert problem in " ".join(error.value.messages)
