"""The pure protocol: canonical JSON, signatures, the device's refusal rules, manifests, schemas."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from nguon.devices.protocol.canonical import CanonicalFormError, canonical_json
from nguon.devices.protocol.commands import CommandRefusedError, CommandVerifier, encode, sign_command
from nguon.devices.protocol.keys import SigningKey, VerifyKey
from nguon.devices.protocol.manifests import (
    ManifestInvalidError,
    build_manifest,
    manifest_etag,
    sign_manifest,
    verify_manifest,
)
from nguon.devices.protocol.replay import FileSequenceStore, MemorySequenceStore
from nguon.devices.protocol.timestamps import format_ts, parse_ts
from nguon.devices.protocol.validation import SCHEMA_NAMES, schema

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
DEVICE = "d-abc123def456"
DOCS = Path(__file__).resolve().parents[4] / "docs" / "protocol"


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


def verifier(key: SigningKey, **kwargs) -> CommandVerifier:
    return CommandVerifier(
        device_id=DEVICE,
        public_key=VerifyKey.from_b64(key.public_b64()),
        sequences=kwargs.pop("sequences", MemorySequenceStore()),
        clock=lambda: NOW,
        **kwargs,
    )


def command(key: SigningKey, seq: int = 1, **overrides) -> dict[str, Any]:
    envelope = sign_command(
        key,
        device=overrides.pop("device", DEVICE),
        seq=seq,
        type=overrides.pop("type", "volume"),
        body=overrides.pop("body", {"level": 40}),
        ts=overrides.pop("ts", NOW),
    )
    envelope.update(overrides)
    return envelope


def refusal(check: CommandVerifier, envelope: dict[str, Any] | bytes) -> str:
    payload = envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()
    with pytest.raises(CommandRefusedError) as error:
        check.verify(payload)
    return error.value.reason


def test_canonical_json_is_sorted_compact_utf8_and_refuses_floats():
    assert canonical_json({"b": 1, "a": ["Xã Định Hóa", None, True]}) == (
        '{"a":["Xã Định Hóa",null,true],"b":1}'.encode()
    )
    assert canonical_json({"x": 'tab\there "q"'}) == b'{"x":"tab\\there \\"q\\""}'
    with pytest.raises(CanonicalFormError):
        canonical_json({"volume": 0.5})


def test_timestamps_are_utc_with_z():
    assert format_ts(NOW) == "2026-11-26T07:30:00Z"
    assert parse_ts("2026-11-26T07:30:00.250Z") == NOW + timedelta(milliseconds=250)
    for bad in ("2026-11-26T07:30:00+07:00", "2026-11-26 07:30:00Z", "yesterday"):
        with pytest.raises(ValueError, match="protocol timestamp"):
            parse_ts(bad)


def test_a_signed_command_is_accepted_once(key):
    check = verifier(key)
    accepted = check.verify(encode(command(key, seq=7)))
    assert (accepted.seq, accepted.type, accepted.body) == (7, "volume", {"level": 40})
    assert refusal(check, command(key, seq=7)) == "replayed"
    assert refusal(check, command(key, seq=6)) == "replayed"
    assert check.verify(encode(command(key, seq=8))).seq == 8


def test_forged_unsigned_and_tampered_commands_are_refused(key):
    check = verifier(key)
    other = SigningKey.generate()
    assert refusal(check, command(other)) == "forged"
    tampered = command(key)
    tampered["body"] = {"level": 100}
    assert refusal(check, tampered) == "forged"
    unsigned = command(key)
    del unsigned["sig"]
    assert refusal(check, unsigned) == "unsigned"
    assert refusal(check, {**command(key), "sig": "not base64!"}) == "forged"
    assert check.sequences.last() == 0  # nothing refused moved the sequence


def test_stale_commands_are_refused_but_time_sync_has_a_wider_window(key):
    check = verifier(key)
    assert refusal(check, command(key, ts=NOW - timedelta(seconds=121))) == "stale"
    assert refusal(check, command(key, ts=NOW + timedelta(seconds=121))) == "stale"
    assert check.verify(encode(command(key, ts=NOW - timedelta(seconds=119)))).seq == 1
    late_sync = command(key, seq=2, type="time-sync", body={}, ts=NOW - timedelta(hours=3))
    assert check.verify(encode(late_sync)).type == "time-sync"


def test_misaddressed_malformed_and_unknown_versions_are_refused(key):
    check = verifier(key)
    assert refusal(check, command(key, device="d-someoneelse1")) == "misaddressed"
    assert refusal(check, b"{not json") == "malformed"
    assert refusal(check, b"[1, 2]") == "malformed"
    assert refusal(check, b" " * 20_000) == "malformed"
    assert refusal(check, {**command(key), "v": 2}) == "unsupported-version"
    with pytest.raises(ValueError, match="body"):  # the server cannot even build a bad body
        command(key, body={"level": 101})


def test_the_last_sequence_survives_a_restart(key, tmp_path):
    path = tmp_path / "seq.json"
    first = verifier(key, sequences=FileSequenceStore(path))
    first.verify(encode(command(key, seq=41)))
    restarted = verifier(key, sequences=FileSequenceStore(path))
    assert refusal(restarted, command(key, seq=41)) == "replayed"
    assert json.loads(path.read_text()) == {"last_seq": 41}


GROUP = "g-05881-speaker"


def group_command(key: SigningKey, seq: int = 1, group: str = GROUP, **overrides) -> dict[str, Any]:
    envelope = sign_command(
        key,
        group=group,
        seq=seq,
        type=overrides.pop("type", "volume"),
        body=overrides.pop("body", {"level": 40}),
        ts=overrides.pop("ts", NOW),
    )
    envelope.update(overrides)
    return envelope


def test_a_group_command_is_accepted_by_the_groups_devices_with_its_own_sequence(key):
    check = verifier(key, groups=frozenset({GROUP}))
    accepted = check.verify(encode(group_command(key, seq=3)))
    assert (accepted.device, accepted.group, accepted.seq) == (DEVICE, GROUP, 3)
    # the device's own commands count apart: seq 1 is fresh there, and does not move the group's
    assert check.verify(encode(command(key, seq=1))).group == ""
    assert (check.sequences.last(), check.sequences.last(GROUP)) == (1, 3)
    assert refusal(check, group_command(key, seq=3)) == "replayed"
    assert refusal(check, group_command(key, seq=2)) == "replayed"
    assert check.verify(encode(group_command(key, seq=4))).seq == 4


def test_group_commands_for_other_groups_or_tampered_addresses_are_refused(key):
    check = verifier(key, groups=frozenset({GROUP}))
    assert refusal(check, group_command(key, group="g-05881-eboard")) == "misaddressed"
    assert refusal(verifier(key), group_command(key)) == "misaddressed"  # a level-1 device: no group
    moved = group_command(key)
    moved["group"] = "g-99999-speaker"  # readdressed after signing
    assert refusal(check, moved) == "forged"
    both = group_command(key)
    both["device"] = DEVICE  # a command names a device or a group, never both
    assert refusal(check, both) == "malformed"
    assert refusal(check, group_command(key, ts=NOW - timedelta(seconds=121))) == "stale"
    with pytest.raises(CommandRefusedError) as error:
        check.verify(encode(group_command(key, group="g-05881-eboard", seq=9)))
    assert (error.value.group, error.value.seq) == ("g-05881-eboard", 9)  # what the event reports
    assert check.sequences.last(GROUP) == 0
    with pytest.raises(ValueError, match="device or to a group"):
        sign_command(key, device=DEVICE, group=GROUP, seq=1, type="stop", body={})


def test_group_sequences_survive_a_restart_and_level_1_files_still_read(key, tmp_path):
    path = tmp_path / "seq.json"
    path.write_text('{"last_seq": 5}')  # written by a level-1 agent
    first = verifier(key, sequences=FileSequenceStore(path), groups=frozenset({GROUP}))
    first.verify(encode(group_command(key, seq=12)))
    assert json.loads(path.read_text()) == {"last_seq": 5, "groups": {GROUP: 12}}
    restarted = verifier(key, sequences=FileSequenceStore(path), groups=frozenset({GROUP}))
    assert refusal(restarted, group_command(key, seq=12)) == "replayed"
    assert refusal(restarted, command(key, seq=5)) == "replayed"
    assert restarted.verify(encode(command(key, seq=6))).seq == 6


def _item(item_id: str, start: datetime) -> dict[str, Any]:
    return {
        "id": item_id,
        "title": "Bản tin sáng",
        "media": {
            "sha256": "a" * 64,
            "size": 10,
            "mime": "audio/wav",
            "url": "/api/v1/devices/me/media/" + "a" * 64,
        },
        "duration_ms": 1000,
        "start": format_ts(start),
    }


def test_manifests_are_signed_and_checked(key):
    body = build_manifest(
        device=DEVICE, version=3, mode="speaker", items=[_item("b", NOW), _item("a", NOW)], generated_at=NOW
    )
    assert [i["id"] for i in body["items"]] == ["a", "b"]
    etag = manifest_etag(body)
    assert etag.startswith('"3-')
    signed = sign_manifest(key, body)
    public = VerifyKey.from_b64(key.public_b64())
    assert verify_manifest(public, signed, device_id=DEVICE)["version"] == 3
    assert manifest_etag(signed) == etag  # the signature is not part of the ETag
    with pytest.raises(ManifestInvalidError, match="signature"):
        verify_manifest(public, {**signed, "items": []}, device_id=DEVICE)
    with pytest.raises(ManifestInvalidError, match="for d-"):
        verify_manifest(public, signed, device_id="d-zzzzzzzzzzzz")
    with pytest.raises(ManifestInvalidError):
        verify_manifest(public, {"v": 1}, device_id=DEVICE)


def test_docs_hold_the_same_schemas_and_an_asyncapi_description():
    for name in SCHEMA_NAMES:
        documented = json.loads((DOCS / f"{name}.json").read_text("utf-8"))
        assert documented == schema(name), f"docs/protocol/{name}.json differs: copy it from the package"
    asyncapi = yaml.safe_load((DOCS / "asyncapi.yaml").read_text("utf-8"))
    assert asyncapi["asyncapi"].startswith("3.")
    channels = {c["address"] for c in asyncapi["channels"].values()}
    assert channels == {
        "nguon/v1/d/{device_id}/cmd",
        "nguon/v1/g/{group_id}/cmd",
        "nguon/v1/d/{device_id}/ack",
        "nguon/v1/d/{device_id}/tele/heartbeat",
        "nguon/v1/d/{device_id}/tele/receipt",
        "nguon/v1/d/{device_id}/tele/event",
        "nguon/v1/d/{device_id}/status",
    }
    for message in asyncapi["components"]["messages"].values():
        ref = message["payload"]["$ref"]
        assert (DOCS / ref).exists(), ref
