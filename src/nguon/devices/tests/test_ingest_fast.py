"""The PostgreSQL fast path of the batched ingest (COPY + set-based statements, the rewritten schema
checks) stores exactly what the ORM path stores, drops exactly what the reference parser drops, and
stays idempotent."""

from __future__ import annotations

import copy
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from nguon.devices.models import CommandRecord, Device, DeviceEvent, DeviceState, HeartbeatSample, PlayReceipt
from nguon.devices.protocol import topics
from nguon.devices.protocol.telemetry import TelemetryRejectedError, parse_telemetry
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.protocol.validation import is_valid
from nguon.devices.services.commands import send_command
from nguon.devices.services.ingest import Outcome, handle_message
from nguon.devices.services.ingest_batch import handle_batch, prepare
from nguon.devices.services.ingest_decode import decode_heartbeat, decode_receipt
from nguon.devices.services.ingest_parse import equivalent_schema, is_valid_fast, parse_fast
from nguon.devices.services.registry import register_device

from .conftest import ACTOR
from .test_ingest import NOW, heartbeat, receipt

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path is PostgreSQL's")


def _m(device: Any, leaf: str, message: dict[str, Any]) -> tuple[str, bytes]:
    return (topics.topic(device.device_id, leaf), json.dumps(message).encode())


def _snapshot() -> dict[str, list[Any]]:
    """Every row the ingest writes, without surrogate keys; lists in insertion (id) order."""
    return {
        "devices": list(Device.objects.order_by("pk").values_list("device_id", "firmware", "protocol_level")),
        "states": list(
            DeviceState.objects.order_by("device_id").values_list(
                "device__device_id", "is_online", "online_changed_at", "last_heartbeat_at", "heartbeat"
            )
        ),
        "samples": list(
            HeartbeatSample.objects.order_by("device_id", "bucket_start").values_list(
                "device__device_id", "bucket_start", "received_at", "data"
            )
        ),
        "receipts": list(
            PlayReceipt.objects.order_by("id").values_list(
                "device__device_id",
                "receipt_id",
                "item_id",
                "media_sha256",
                "manifest_version",
                "scheduled_at",
                "started_at",
                "ended_at",
                "result",
                "is_emergency",
                "detail",
                "received_at",
            )
        ),
        "events": list(
            DeviceEvent.objects.order_by("id").values_list(
                "device__device_id",
                "kind",
                "occurred_at",
                "received_at",
                "seq",
                "command",
                "reason",
                "detail",
            )
        ),
        "commands": list(
            CommandRecord.objects.order_by("id").values_list(
                "device__device_id", "seq", "accepted_at", "refused_at", "refusal_reason"
            )
        ),
    }


def _outcomes(outcomes: list[Outcome]) -> list[tuple[Any, ...]]:
    return [(o.result, o.leaf, o.device_id, o.reason, o.ack_ids) for o in outcomes]


def _run(batches: list[list[tuple[str, bytes]]], *, fast: bool) -> tuple[list[Any], dict[str, list[Any]]]:
    """Run the batches through one path, snapshot, and roll everything back."""
    sid = transaction.savepoint()
    outcomes = [
        _outcomes(handle_batch(b, now=NOW + timedelta(seconds=n), fast=fast)) for n, b in enumerate(batches)
    ]
    rows = _snapshot()
    transaction.savepoint_rollback(sid)
    return outcomes, rows


@pytest.fixture
def other(device: Any) -> Any:
    return register_device(
        actor=ACTOR, kind="speaker_cluster", serial="SN-0002", unit=device.unit, vendor="Thử"
    )


def _mixed_batch(device: Any, other: Any) -> list[tuple[str, bytes]]:
    accepted = send_command(actor=ACTOR, device=device, type="volume", body={"level": 20})
    refused = send_command(actor=ACTOR, device=other, type="reboot", body={})
    handle_message(*_m(device, topics.RECEIPT, receipt(device, "r-already-1")), now=NOW - timedelta(hours=1))
    handle_message(*_m(other, topics.HEARTBEAT, heartbeat(other, volume=1)), now=NOW)  # same bucket, earlier
    event = {"v": 1, "device": device.device_id, "ts": format_ts(NOW)}
    unknown = "d-999999999999"
    return [
        _m(device, topics.HEARTBEAT, heartbeat(device, volume=10)),
        _m(device, topics.RECEIPT, receipt(device, "r-new-00001")),
        _m(device, topics.RECEIPT, receipt(device, "r-new-00001", result="failed")),  # same id: first wins
        _m(device, topics.RECEIPT, receipt(device, "r-already-1")),  # stored before
        _m(other, topics.RECEIPT, receipt(other, "r-new-00001", media=None, detail="tab\tand\nnewline \\ ✓")),
        _m(
            other,
            topics.RECEIPT,
            receipt(other, "r-other-0002", scheduled_at=None, started_at=None, ended_at=None, emergency=True),
        ),
        _m(
            device,
            topics.RECEIPT,
            {**receipt(device, "r-other-0003"), "started_at": "2026-11-26T08:00:00.123456Z"},
        ),
        (topics.topic(device.device_id, topics.HEARTBEAT), b"{oops"),
        (topics.topic(device.device_id, topics.HEARTBEAT), b"[" * 4000 + b"]" * 4000),  # too deep for json
        (topics.topic(device.device_id, topics.RECEIPT), b"{" + b" " * 9000 + b"}"),  # oversized
        (
            topics.topic(unknown, topics.HEARTBEAT),
            json.dumps({**heartbeat(device), "device": unknown}).encode(),
        ),
        _m(device, topics.HEARTBEAT, {**heartbeat(device), "volume": 400}),  # schema
        _m(device, topics.RECEIPT, {**receipt(device, "r-bad-media1"), "media": "XYZ"}),  # schema, in a oneOf
        (topics.topic(other.device_id, topics.RECEIPT), json.dumps(receipt(device, "r-mismatch1")).encode()),
        _m(
            device,
            topics.EVENT,
            {**event, "kind": "command-accepted", "seq": accepted.seq, "command": "volume"},
        ),
        _m(
            other,
            topics.EVENT,
            {
                **event,
                "device": other.device_id,
                "kind": "command-refused",
                "seq": refused.seq,
                "reason": "x",
            },
        ),
        _m(device, topics.STATUS, {"v": 1, "device": device.device_id, "state": "online"}),
        _m(other, topics.HEARTBEAT, heartbeat(other, firmware="nguon-agent 0.2.0", protocol=1, volume=33)),
        _m(
            device,
            topics.HEARTBEAT,
            heartbeat(device, volume=55, playing={"item": "a", "started_at": format_ts(NOW)}),
        ),
    ]


def test_the_fast_path_stores_what_the_orm_path_stores_on_a_mixed_batch(device, other, caplog):
    batch = _mixed_batch(device, other)
    caplog.set_level(logging.WARNING, logger="nguon.devices.ingest")
    slow_outcomes, slow_rows = _run([batch], fast=False)
    slow_log = [r.getMessage() for r in caplog.records]
    caplog.clear()
    fast_outcomes, fast_rows = _run([batch], fast=True)
    assert [r.getMessage() for r in caplog.records] == slow_log  # the same drops, the same log lines
    assert "one by one" not in caplog.text  # the fast path itself, not its fallback
    assert fast_outcomes == slow_outcomes
    assert fast_rows == slow_rows
    # and what that is, checked against the rows themselves
    (outcomes,) = fast_outcomes
    assert [o[0] for o in outcomes] == [
        "stored",
        "stored",
        "duplicate",
        "duplicate",
        "stored",
        "stored",
        "stored",
    ] + ["dropped"] * 7 + ["stored"] * 5
    assert [o[3] for o in outcomes[7:14]] == [
        "not-json",
        "not-json",
        "too-large",
        "unknown-device",
        "schema",
        "schema",
        "device-mismatch",
    ]
    receipts = {(r[0], r[1]): r for r in fast_rows["receipts"]}
    assert len(receipts) == 5  # r-already-1 (before), r-new-00001 twice (two devices), r-other-0002, -0003
    assert receipts[(device.device_id, "r-new-00001")][8] == "played"
    assert receipts[(other.device_id, "r-new-00001")][3] == ""
    assert receipts[(other.device_id, "r-new-00001")][10] == "tab\tand\nnewline \\ ✓"
    assert receipts[(other.device_id, "r-other-0002")][5:8] == (None, None, None)
    assert receipts[(other.device_id, "r-other-0002")][9] is True
    assert receipts[(device.device_id, "r-other-0003")][6].microsecond == 123456
    states = {s[0]: s for s in fast_rows["states"]}
    assert states[device.device_id][4]["volume"] == 55
    assert states[device.device_id][1] is True  # the status message
    assert states[other.device_id][4]["volume"] == 33
    samples = {s[0]: s for s in fast_rows["samples"]}
    assert samples[other.device_id][3]["volume"] == 1  # the bucket already had its sample
    assert {d: (f, p) for d, f, p in fast_rows["devices"]}[other.device_id] == ("nguon-agent 0.2.0", 1)
    assert [c[2:] for c in fast_rows["commands"]] == [(NOW, None, ""), (None, NOW, "x")]


def test_the_fast_path_matches_the_message_by_message_reference(device, other):
    """With one message per device and kind, batch and single-message semantics coincide: compare them."""
    batch = [
        _m(device, topics.HEARTBEAT, heartbeat(device, volume=10)),
        _m(other, topics.HEARTBEAT, heartbeat(other, firmware="x 1")),
        _m(device, topics.RECEIPT, receipt(device, "r-ref-00001")),
        _m(device, topics.RECEIPT, receipt(device, "r-ref-00001")),
        _m(other, topics.RECEIPT, receipt(other, "r-ref-00002", media=None, emergency=True)),
        (topics.topic(device.device_id, topics.RECEIPT), b"\xff\xfe"),
    ]
    sid = transaction.savepoint()
    reference = _outcomes([handle_message(*m, now=NOW) for m in batch])
    reference_rows = _snapshot()
    transaction.savepoint_rollback(sid)
    outcomes = _outcomes(handle_batch(batch, now=NOW, fast=True))
    assert outcomes == reference
    assert _snapshot() == reference_rows
    assert PlayReceipt.objects.count() == 2


def test_a_message_the_database_refuses_costs_only_itself(device, caplog):
    caplog.set_level(logging.WARNING, logger="nguon.devices.ingest")
    batch = [
        _m(device, topics.RECEIPT, receipt(device, "r-good-0001")),
        _m(device, topics.RECEIPT, receipt(device, "r-bad-date1", started_at="2026-02-30T08:00:00Z")),
        _m(device, topics.RECEIPT, receipt(device, "r-too-big01", manifest_version=2**40)),
        _m(device, topics.HEARTBEAT, heartbeat(device, volume=42)),
        _m(device, topics.RECEIPT, receipt(device, "r-leap-sec1", ended_at="2026-12-31T23:59:60Z")),
        _m(device, topics.RECEIPT, receipt(device, "r-hour-24-1", scheduled_at="2026-12-31T24:00:00Z")),
        _m(device, topics.RECEIPT, receipt(device, "r-good-0002")),
    ]
    outcomes = handle_batch(batch, now=NOW, fast=True)
    assert [(o.result, o.reason) for o in outcomes] == [
        ("stored", ""),
        ("dropped", "bad-value"),
        ("dropped", "bad-value"),
        ("stored", ""),
        ("dropped", "bad-value"),  # PostgreSQL would read these as the next minute and day
        ("dropped", "bad-value"),
        ("stored", ""),
    ]
    assert "storing its messages one by one" in caplog.text
    assert sorted(PlayReceipt.objects.values_list("receipt_id", flat=True)) == ["r-good-0001", "r-good-0002"]
    assert DeviceState.objects.get(device=device).heartbeat["volume"] == 42


def test_receipts_are_idempotent_across_batches(device, other):
    first = [
        _m(device, topics.RECEIPT, receipt(device, "r-idem-0001")),
        _m(device, topics.RECEIPT, receipt(device, "r-idem-0002")),
    ]
    second = [
        _m(device, topics.RECEIPT, receipt(device, "r-idem-0002", result="failed")),
        _m(other, topics.RECEIPT, receipt(other, "r-idem-0002")),
        _m(device, topics.RECEIPT, receipt(device, "r-idem-0003")),
    ]
    assert [o.result for o in handle_batch(first, now=NOW)] == ["stored", "stored"]
    assert [o.result for o in handle_batch(second, now=NOW)] == ["duplicate", "stored", "stored"]
    before = _snapshot()
    again = handle_batch(first + second, now=NOW + timedelta(minutes=1))
    assert [o.result for o in again] == ["duplicate"] * 5
    assert [o.ack_ids for o in again] == [
        ["r-idem-0001"],
        ["r-idem-0002"],
        ["r-idem-0002"],
        ["r-idem-0002"],
        ["r-idem-0003"],
    ]
    assert _snapshot() == before
    rows = list(PlayReceipt.objects.order_by("id").values_list("device__device_id", "receipt_id", "result"))
    assert rows == [
        (device.device_id, "r-idem-0001", "played"),
        (device.device_id, "r-idem-0002", "played"),
        (other.device_id, "r-idem-0002", "played"),
        (device.device_id, "r-idem-0003", "played"),
    ]


def test_two_batches_in_one_transaction_do_not_see_each_others_staged_rows(device):
    with transaction.atomic():
        handle_batch([_m(device, topics.RECEIPT, receipt(device, "r-tx-000001"))], now=NOW)
        outcomes = handle_batch([_m(device, topics.RECEIPT, receipt(device, "r-tx-000002"))], now=NOW)
    assert [o.result for o in outcomes] == ["stored"]
    assert PlayReceipt.objects.count() == 2


# -- the rewritten schema checks -------------------------------------------------------------------------
def _variants(message: dict[str, Any]) -> list[Any]:
    """The message, and many broken or edge-case copies of it."""
    odd_values: list[Any] = [
        None,
        "",
        "x",
        "XYZ",
        "b" * 64,
        "B" * 64,
        0,
        -1,
        1.0,
        1.5,
        True,
        [],
        {},
        "2026-11-26T08:00:00Z",
    ]
    odd_values += [
        "2026-11-26T08:00:00+07:00",
        {"item": "a", "started_at": "2026-11-26T08:00:00Z"},
        {"item": "a"},
    ]
    odd_values += [{"item": "a", "started_at": "2026-11-26T08:00:00Z", "x": 1}, "a" * 501, 2**70]
    out: list[Any] = [message, [], None, "text", {**message, "extra": 1}]
    for key in message:
        out.append({k: v for k, v in message.items() if k != key})
        for value in odd_values:
            out.append({**message, key: value})
    for key in (
        "media",
        "scheduled_at",
        "emergency",
        "detail",
        "command",
        "reason",
        "playing",
        "signal_dbm",
        "mode",
    ):
        for value in odd_values:
            out.append({**message, key: value})
    return out


@pytest.mark.parametrize("name", ["heartbeat", "receipt", "event", "status"])
def test_the_rewritten_schemas_accept_exactly_what_the_protocol_schemas_accept(name, device):
    samples = {
        "heartbeat": heartbeat(device),
        "receipt": receipt(device),
        "event": {"v": 1, "device": device.device_id, "ts": format_ts(NOW), "kind": "error", "seq": 3},
        "status": {"v": 1, "device": device.device_id, "state": "online", "ts": format_ts(NOW)},
    }
    answers = []
    for message in _variants(samples[name]):
        answer = is_valid(name, copy.deepcopy(message))
        assert is_valid_fast(name, copy.deepcopy(message)) == answer, message
        answers.append(answer)
    assert len(answers) > 250
    assert 3 < answers.count(True) < len(answers) - 100  # both sides of the line were exercised


def test_the_rewriting_removes_the_costly_null_or_branches():
    for name in ("heartbeat", "receipt", "event"):
        assert "oneOf" not in json.dumps(equivalent_schema(name)), name


def test_parse_fast_gives_the_reference_answer_or_error(device):
    hb = topics.topic(device.device_id, topics.HEARTBEAT)
    cases = [
        (hb, json.dumps(heartbeat(device)).encode()),
        (topics.topic(device.device_id, topics.RECEIPT), json.dumps(receipt(device)).encode()),
        ("nguon/v1/d/not-a-device/tele/heartbeat", b"{}"),
        ("nguon/v1/d/d-abcdef123/tele/unknown", b"{}"),
        ("elsewhere/d-abcdef123/tele/heartbeat", b"{}"),
        (topics.topic(device.device_id, topics.COMMAND), b"{}"),
        (hb, b"{" + b" " * 9000 + b"}"),
        (hb, b"\xff"),
        (hb, b"NaN"),
        (hb, json.dumps({**heartbeat(device), "volume": 400}).encode()),
        (hb, json.dumps({**heartbeat(device), "device": "d-000000000000"}).encode()),
        (hb, json.dumps(heartbeat(device, playing={"item": "a"})).encode()),
    ]
    for topic, body in cases:
        try:
            expected: Any = parse_telemetry(topic, body)
        except TelemetryRejectedError as error:
            expected = (error.reason, error.detail)
        try:
            got: Any = parse_fast(topic, body)
        except TelemetryRejectedError as error:
            got = (error.reason, error.detail)
        assert got == expected, topic


# -- the msgspec decoder (services/ingest_decode.py) -----------------------------------------------------
def _integral_float(value: Any) -> bool:
    """Somewhere in it a float with an integral value (1.0): JSON Schema's integer, not msgspec's."""
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, dict):
        return any(_integral_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_integral_float(v) for v in value)
    return False


def _documented_difference(text: str) -> bool:
    """The cases ingest_decode's docstring lists: the schema accepts them, msgspec does not."""
    loaded = json.loads(text)
    repeated = any(text.count(f'"{key}"') > 1 for key in loaded)
    unicode_digits = any(c.isdigit() and not c.isascii() for c in text)  # the schema's \d in a timestamp
    surrogate = any(0xD800 <= ord(c) <= 0xDFFF for v in loaded.values() if isinstance(v, str) for c in v)
    return _integral_float(loaded) or repeated or unicode_digits or surrogate


def _decoded(leaf: str, payload: bytes) -> Any:
    """What the msgspec decoder makes of a payload, as the rows the fast path stores; None if it refuses."""
    if leaf == topics.HEARTBEAT:
        got = decode_heartbeat(payload)
        return None if got is None else (json.loads(got[1]), got[0].firmware, got[0].protocol, got[0].device)
    r = decode_receipt(payload)
    if r is None:
        return None
    columns = (r.item, r.media, r.manifest_version, r.scheduled_at, r.started_at, r.ended_at, r.result)
    return (r.id, r.device, *columns, r.emergency, r.detail)


def _reference(leaf: str, payload: bytes, device: Any) -> Any:
    """The same from the reference parser (json.loads + the protocol schema); None if it refuses."""
    try:
        m = parse_telemetry(topics.topic(device.device_id, leaf), payload).message
    except (TelemetryRejectedError, RecursionError):
        return None
    if leaf == topics.HEARTBEAT:
        return (m, m["firmware"], m["protocol"], m["device"])
    columns = (
        m["item"], m.get("media"), m["manifest_version"], m.get("scheduled_at"), m["started_at"], m["ended_at"],
        m["result"],
    )  # fmt: skip
    return (m["id"], m["device"], *columns, bool(m.get("emergency", False)), m.get("detail", ""))


def _raw_edge_cases(device: Any, leaf: str) -> list[bytes]:
    """Payloads json.dumps would never write: duplicate keys, odd numbers and strings, not-quite-JSON."""
    base = json.dumps(heartbeat(device) if leaf == topics.HEARTBEAT else receipt(device))[1:-1]
    field, good, bad = (
        ("volume", "50", "500") if leaf == topics.HEARTBEAT else ("manifest_version", "1", "-1")
    )
    ts_field = "ts" if leaf == topics.HEARTBEAT else "started_at"
    text_field = "firmware" if leaf == topics.HEARTBEAT else "detail"
    return [
        f'{{{base}, "{field}": {good}}}'.encode(),  # duplicate key, both copies valid
        f'{{{base}, "{field}": {bad}}}'.encode(),  # the last copy breaks the schema
        f'{{"{field}": {bad}, {base}}}'.encode(),  # the first copy breaks it, the last one is kept
        f'{{{base}, "{field}": 1.0}}'.encode(),
        f'{{{base}, "{field}": 1e0}}'.encode(),
        f'{{{base}, "{field}": -0}}'.encode(),
        f'{{{base}, "{field}": true}}'.encode(),
        f'{{{base}, "{field}": NaN}}'.encode(),
        f'{{{base}, "{field}": Infinity}}'.encode(),
        f'{{{base}, "{field}": 100000000000000000000000000}}'.encode(),
        f'{{{base}, "{ts_field}": "2026-11-26T08:00:00Z\\n"}}'.encode(),
        f'{{{base}, "{ts_field}": "٢٠٢٦-11-26T08:00:00Z"}}'.encode(),
        f'{{{base}, "{ts_field}": "2026-11-26T08:00:00.1234567Z"}}'.encode(),
        f'{{{base}, "{text_field}": "\\u00e9\\ud83d\\ude00 \\" \\\\ \\t"}}'.encode(),
        f'{{{base}, "{text_field}": "\\ud800"}}'.encode(),
        f'{{{base}, "{text_field}": "{"é" * 64}"}}'.encode(),
        f'{{{base}, "{text_field}": "{"é" * 501}"}}'.encode(),
        f'{{{base}, "{text_field}": "\\u0000"}}'.encode(),
        f"  {{{base}}}\n".encode(),
        f"\ufeff{{{base}}}".encode(),
        f"{{{base}}}".encode("utf-16"),
        f"{{{base}}} x".encode(),
        f'{{{base}, "v": 2}}'.encode(),
        f'{{{base}, "v": 1.0}}'.encode(),
        f'{{{base}, "extra": null}}'.encode(),
    ]


@pytest.mark.parametrize("leaf", [topics.HEARTBEAT, topics.RECEIPT])
def test_the_msgspec_decoder_never_accepts_more_than_the_schema_and_reads_the_same(leaf, device):
    """It accepts a subset of what the schema accepts, and what it accepts it reads exactly as json.loads
    does. What it refuses and the schema accepts goes the reference way (next test): only the documented
    cases (an integral float where an integer is required, a bad earlier copy of a repeated key, non-ASCII
    digits in a timestamp, a lone surrogate)."""
    sample = heartbeat(device) if leaf == topics.HEARTBEAT else receipt(device)
    payloads = [json.dumps(m).encode() for m in _variants(sample)] + _raw_edge_cases(device, leaf)
    answers = {"both": 0, "neither": 0, "reference only": 0}
    for payload in payloads:
        fast, reference = _decoded(leaf, payload), _reference(leaf, payload, device)
        if fast is not None:
            assert fast == reference, payload
            answers["both"] += 1
        elif reference is None:
            answers["neither"] += 1
        else:
            assert _documented_difference(payload.decode()), payload
            answers["reference only"] += 1
    assert answers["both"] > 20
    assert answers["neither"] > 150
    assert 0 < answers["reference only"] < 20


def test_the_fast_path_checks_give_the_reference_answers_and_log_lines(device, caplog):
    """prepare(fast=True) (msgspec first, then the reference) and prepare(fast=False) (the reference)
    accept and drop the same messages, for the same reasons, with the same log lines."""
    caplog.set_level(logging.WARNING, logger="nguon.devices.ingest")
    batch: list[tuple[str, bytes]] = []
    for leaf, sample in ((topics.HEARTBEAT, heartbeat(device)), (topics.RECEIPT, receipt(device))):
        topic = topics.topic(device.device_id, leaf)
        batch += [(topic, json.dumps(m).encode()) for m in _variants(sample)]
        batch += [(topic, p) for p in _raw_edge_cases(device, leaf)]
        batch.append((topics.topic("d-000000000000", leaf), json.dumps(sample).encode()))  # device-mismatch
    fast = prepare(batch, fast=True)
    fast_log = [r.getMessage() for r in caplog.records]
    caplog.clear()
    slow = prepare(batch, fast=False)
    assert [r.getMessage() for r in caplog.records] == fast_log
    dropped_fast = [(n, o.reason) for n, o in enumerate(fast.outcomes) if o.result == "dropped"]
    dropped_slow = [(n, o.reason) for n, o in enumerate(slow.outcomes) if o.reason]
    assert dropped_fast == dropped_slow
    accepted = sorted([b[0] for b in fast.beats] + [r[0] for r in fast.receipts])
    assert accepted == [n for n, _ in slow.others]
    assert len(accepted) > 40


def test_the_fast_path_stores_edge_case_payloads_as_the_orm_path_does(device, other):
    """Payloads the decoder reads itself and payloads it leaves to the reference: the same rows."""
    hb, rc = topics.topic(device.device_id, topics.HEARTBEAT), topics.topic(other.device_id, topics.RECEIPT)
    beat = json.dumps(heartbeat(device))[1:-1]
    other_beat = json.dumps(heartbeat(other))[1:-1]
    batches = [
        [
            (hb, f'{{{beat}, "volume": 7, "firmware": "x\\u00e9\\t\\"y\\"", "volume": 8}}'.encode()),
            (topics.topic(other.device_id, topics.HEARTBEAT), f'{{{other_beat}, "volume": 9.0}}'.encode()),
            (rc, json.dumps(receipt(other, "r-edge-00001", detail='a\\b\tc\nd\re "f"')).encode()),
            (rc, json.dumps(receipt(other, "r-edge-00002", media=None, scheduled_at=None)).encode()),
        ],
        [(rc, f'{{{json.dumps(receipt(other, "r-edge-00003"))[1:-1]}, "manifest_version": 3.0}}'.encode())],
    ]
    slow_outcomes, slow_rows = _run(batches, fast=False)
    fast_outcomes, fast_rows = _run(batches, fast=True)
    assert fast_outcomes == slow_outcomes
    assert fast_rows == slow_rows
    assert [o[0] for o in fast_outcomes[0]] == ["stored"] * 4
    states = {s[0]: s for s in fast_rows["states"]}
    assert states[device.device_id][4]["volume"] == 8
    assert states[device.device_id][4]["firmware"] == 'xé\t"y"'
    receipts = {r[1]: r for r in fast_rows["receipts"]}
    assert receipts["r-edge-00001"][10] == 'a\\b\tc\nd\re "f"'
    assert receipts["r-edge-00003"][4] == 3
