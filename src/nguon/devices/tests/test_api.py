"""The HTTP side: registry and provisioning for people (scoped), manifests (ETag/304) and media (Range)
for devices (bearer token)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.devices.credentials import check_mosquitto_hash
from nguon.devices.models import CommandRecord, DeviceCredential
from nguon.devices.protocol.keys import VerifyKey
from nguon.devices.protocol.manifests import verify_manifest
from nguon.devices.services.manifests import ManifestItem, set_manifest
from nguon.devices.services.provisioning import provision_device, revoke_credentials

from .conftest import ACTOR, store_blob

START = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
BASE = "/api/v1/devices"


def bearer(token: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def technician(client, make_user, commune):
    user = make_user(Role.TECHNICIAN, unit=commune)
    client.force_login(user)
    return user


def test_people_register_and_provision_devices_of_their_commune_only(
    client, technician, other_commune, publisher
):
    created = client.post(
        f"{BASE}/",
        {"kind": "speaker_cluster", "serial": "TN-LOA-01", "unit_code": "05569", "vendor": "VNPT"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    device_id = created.json()["device_id"]
    assert created.json()["status"]["connected"] is None
    elsewhere = client.post(
        f"{BASE}/",
        {"kind": "speaker_cluster", "serial": "X-1", "unit_code": other_commune.code},
        content_type="application/json",
    )
    assert elsewhere.status_code == 404
    bundle = client.post(f"{BASE}/{device_id}/provision").json()
    assert bundle["device"] == device_id
    assert bundle["mqtt"]["username"] == device_id
    credential = DeviceCredential.objects.get(device__device_id=device_id, revoked_at__isnull=True)
    assert check_mosquitto_hash(bundle["mqtt"]["password"], credential.mqtt_password_hash)
    assert bundle["https"]["token"] not in json.dumps(
        list(AuditEvent.objects.values("before", "after")), default=str
    )
    assert [d["device_id"] for d in client.get(f"{BASE}/").json()] == [device_id]
    again = client.post(f"{BASE}/{device_id}/provision").json()
    assert again["https"]["token"] != bundle["https"]["token"]
    assert DeviceCredential.objects.filter(device__device_id=device_id, revoked_at__isnull=True).count() == 1
    sent = client.post(
        f"{BASE}/{device_id}/commands",
        {"type": "volume", "body": {"level": 55}},
        content_type="application/json",
    )
    assert sent.status_code == 201
    assert sent.json()["seq"] == 1
    bad = client.post(
        f"{BASE}/{device_id}/commands",
        {"type": "volume", "body": {"level": 555}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    internal = client.post(
        f"{BASE}/{device_id}/commands",
        {"type": "manifest-changed", "body": {}},
        content_type="application/json",
    )
    assert internal.status_code == 422


def test_commands_are_signed_recorded_and_published_after_commit(
    device, publisher, django_capture_on_commit_callbacks
):
    from nguon.devices.services.commands import send_command
    from nguon.devices.signing import server_key

    with django_capture_on_commit_callbacks(execute=True):
        record = send_command(actor=ACTOR, device=device, type="power", body={"state": "off"})
    topic, payload = publisher.sent[-1]
    assert topic == f"nguon/v1/d/{device.device_id}/cmd"
    envelope = json.loads(payload)
    assert envelope == record.envelope
    assert envelope["seq"] == 1
    record.refresh_from_db()
    assert record.published_at is not None
    from nguon.devices.protocol.commands import CommandVerifier
    from nguon.devices.protocol.replay import MemorySequenceStore

    check = CommandVerifier(
        device_id=device.device_id,
        public_key=VerifyKey.from_b64(server_key().public_b64()),
        sequences=MemorySequenceStore(),
    )
    assert check.verify(payload).body == {"state": "off"}


def test_a_large_manifest_is_sent_gzipped_to_devices_that_accept_it(client, device, blob, publisher):
    import gzip

    token = provision_device(actor=ACTOR, device=device).token
    items = [
        ManifestItem(f"muc-{n:03d}", blob, START + timedelta(minutes=n), title="Nhạc nền") for n in range(60)
    ]
    set_manifest(actor=ACTOR, device=device, items=items)
    plain = client.get(f"{BASE}/me/manifest", **bearer(token))
    packed = client.get(f"{BASE}/me/manifest", HTTP_ACCEPT_ENCODING="gzip, deflate", **bearer(token))
    refused = client.get(f"{BASE}/me/manifest", HTTP_ACCEPT_ENCODING="gzip;q=0", **bearer(token))
    assert "Content-Encoding" not in plain
    assert "Content-Encoding" not in refused
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert packed["ETag"] == plain["ETag"]
    unpacked = json.loads(gzip.decompress(packed.content))
    assert unpacked["version"] == json.loads(plain.content)["version"]
    assert unpacked["items"] == json.loads(plain.content)["items"]
    assert len(packed.content) * 5 < len(plain.content)
    again = client.get(
        f"{BASE}/me/manifest", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"], **bearer(token)
    )
    assert again.status_code == 304


def test_manifest_has_an_etag_and_answers_304(client, device, blob, publisher):
    token = provision_device(actor=ACTOR, device=device).token
    assert client.get(f"{BASE}/me/manifest").status_code == 401
    assert client.get(f"{BASE}/me/manifest", **bearer("wrong-token-" * 3)).status_code == 401
    assert client.get(f"{BASE}/me/manifest", **bearer(token)).status_code == 404  # nothing yet
    set_manifest(actor=ACTOR, device=device, items=[ManifestItem("sang", blob, START, title="Bản tin sáng")])
    assert CommandRecord.objects.filter(device=device, type="manifest-changed").count() == 1
    first = client.get(f"{BASE}/me/manifest", **bearer(token))
    assert first.status_code == 200
    etag = first["ETag"]
    body = json.loads(first.content)
    from nguon.devices.signing import server_key

    verify_manifest(VerifyKey.from_b64(server_key().public_b64()), body, device_id=device.device_id)
    assert body["items"][0]["media"]["sha256"] == blob.sha256
    assert "Content-Encoding" not in first  # small: sent as it is
    again = client.get(f"{BASE}/me/manifest", HTTP_IF_NONE_MATCH=etag, **bearer(token))
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""
    same = set_manifest(
        actor=ACTOR, device=device, items=[ManifestItem("sang", blob, START, title="Bản tin sáng")]
    )
    assert same.version == 1  # unchanged items: no new version, no command
    assert CommandRecord.objects.filter(device=device, type="manifest-changed").count() == 1
    set_manifest(actor=ACTOR, device=device, items=[ManifestItem("chieu", blob, START)])
    changed = client.get(f"{BASE}/me/manifest", HTTP_IF_NONE_MATCH=etag, **bearer(token))
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed["ETag"].startswith('"2-')
    revoke_credentials(actor=ACTOR, device=device)
    assert client.get(f"{BASE}/me/manifest", **bearer(token)).status_code == 401


def test_media_downloads_support_ranges_and_only_what_the_manifest_uses(client, device, blob, publisher):
    token = provision_device(actor=ACTOR, device=device).token
    other = store_blob(seconds=0.3, frequency=880)
    set_manifest(actor=ACTOR, device=device, items=[ManifestItem("sang", blob, START)])
    url = f"{BASE}/me/media/{blob.sha256}"
    with blob.file.open("rb") as handle:
        data = handle.read()
    full = client.get(url, **bearer(token))
    assert full.status_code == 200
    assert b"".join(full.streaming_content) == data
    assert full["Accept-Ranges"] == "bytes"
    assert full["Content-Length"] == str(len(data))
    part = client.get(url, HTTP_RANGE="bytes=10-99", **bearer(token))
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-99/{len(data)}"
    assert b"".join(part.streaming_content) == data[10:100]
    tail = client.get(url, HTTP_RANGE="bytes=-16", **bearer(token))
    assert b"".join(tail.streaming_content) == data[-16:]
    rest = client.get(url, HTTP_RANGE=f"bytes={len(data) - 5}-", **bearer(token))
    assert b"".join(rest.streaming_content) == data[-5:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(data)}-", **bearer(token))
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(data)}"
    assert client.get(f"{BASE}/me/media/{other.sha256}", **bearer(token)).status_code == 404
    assert client.get(url).status_code == 401


def test_one_command_to_every_device_of_a_commune(
    client, technician, commune, other_commune, publisher, django_capture_on_commit_callbacks
):
    from nguon.core.models import AuditEvent
    from nguon.devices.models import Device
    from nguon.devices.protocol.commands import CommandVerifier
    from nguon.devices.protocol.replay import MemorySequenceStore
    from nguon.devices.services.registry import register_device
    from nguon.devices.signing import server_key

    mine = [
        register_device(actor=ACTOR, kind="speaker_cluster", serial=f"FAN-{i}", unit=commune)
        for i in range(3)
    ]
    elsewhere = register_device(actor=ACTOR, kind="speaker_cluster", serial="FAN-X", unit=other_commune)
    body = {
        "item": {
            "id": "canh-bao",
            "media": {"sha256": "c" * 64, "size": 1, "mime": "audio/mpeg", "url": "/x"},
            "duration_ms": 1000,
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{BASE}/commands",
            {"type": "emergency-start", "body": body, "unit_code": "19"},
            content_type="application/json",
        )
    assert response.status_code == 201
    assert response.json() == {
        "sent": 3
    }  # the province was asked; the technician's commune is what they may command
    assert len(publisher.sent) == 3
    public = VerifyKey.from_b64(server_key().public_b64())
    sent = dict(publisher.sent)
    assert set(sent) == {f"nguon/v1/d/{d.device_id}/cmd" for d in mine}
    for device in mine:
        check = CommandVerifier(
            device_id=device.device_id, public_key=public, sequences=MemorySequenceStore()
        )
        assert check.verify(sent[f"nguon/v1/d/{device.device_id}/cmd"]).body == body
    assert Device.objects.get(pk=elsewhere.pk).last_command_seq == 0
    assert AuditEvent.objects.filter(action="devices.command.fanout", unit_path=commune.path).count() == 1
    bad = client.post(
        f"{BASE}/commands",
        {"type": "volume", "body": {"level": 500}, "unit_code": commune.code},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert CommandRecord.objects.filter(type="volume").count() == 0


def test_a_device_is_placed_in_a_residential_unit_of_its_commune(client, technician, commune, publisher):
    from nguon.units.services import save_residential_unit

    save_residential_unit(
        actor=ACTOR, commune=commune, local_code="TDP01", name="Tổ dân phố 1", kind="to_dan_pho"
    )
    placed = client.post(
        f"{BASE}/",
        {
            "kind": "eboard",
            "serial": "BANG-1",
            "unit_code": commune.code,
            "residential_unit_code": "tdp01",
            "panel": "led",
        },
        content_type="application/json",
    )
    assert placed.status_code == 201
    from nguon.devices.models import Device

    assert Device.objects.get(serial="BANG-1").residential_unit.path == f"{commune.path}TDP01/"
    unknown = client.post(
        f"{BASE}/",
        {"kind": "eboard", "serial": "BANG-2", "unit_code": commune.code, "residential_unit_code": "TDP99"},
        content_type="application/json",
    )
    assert unknown.status_code == 422


def test_the_agent_asks_for_gzip_and_reads_the_signed_manifest(device, blob, publisher):
    import dataclasses

    from nguon.agent.fetch import ServerClient

    from .mosquitto import http_server

    bundle = provision_device(actor=ACTOR, device=device)
    items = [
        ManifestItem(f"muc-{n:03d}", blob, START + timedelta(minutes=n), title="Nhạc nền") for n in range(60)
    ]
    set_manifest(actor=ACTOR, device=device, items=items)
    with http_server() as base_url:
        client = ServerClient(dataclasses.replace(bundle, base_url=base_url))
        fetched = client.manifest()
        assert fetched.status == 200
        assert fetched.etag
        assert client.manifest(fetched.etag).status == 304
    from nguon.devices.signing import server_key

    assert fetched.manifest is not None
    verify_manifest(
        VerifyKey.from_b64(server_key().public_b64()), fetched.manifest, device_id=device.device_id
    )
    assert [i["id"] for i in fetched.manifest["items"]] == [f"muc-{n:03d}" for n in range(60)]
