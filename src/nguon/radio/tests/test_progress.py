"""The progress view of an emergency and of a play-now, from what devices report through the real ingest
(status, command events, heartbeats, receipts): each stage, and a query count that does not grow with
the number of devices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nguon.accounts import services as accounts
from nguon.accounts.choices import Role
from nguon.agent.player import make_receipt
from nguon.core import access
from nguon.devices.models import CommandRecord
from nguon.devices.protocol import topics
from nguon.devices.protocol.commands import encode
from nguon.devices.protocol.telemetry import event_message, status_message
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.publisher import MemoryPublisher, use_publisher
from nguon.devices.services.ingest import handle_message
from nguon.devices.services.registry import register_device
from nguon.devices.tests.conftest import store_blob
from nguon.radio.selectors.progress import order_progress, playnow_progress
from nguon.radio.services.emergencies import approve_emergency, prepare_emergency, stop_order
from nguon.radio.services.playnow import play_now

ACTOR = access.SystemActor("tests")
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def approve(make_user: Any, province: Any, order: Any) -> Any:
    """A provincial approver (a fresh one, with a TOTP device) puts the order on air."""
    approver = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    accounts.set_totp_secret(actor=access.SYSTEM, user=approver, secret=SECRET)
    return approve_emergency(actor=approver, order=order, totp_code=pyotp.TOTP(SECRET).now())


@pytest.fixture
def published() -> Iterator[MemoryPublisher]:
    memory = MemoryPublisher()
    previous = use_publisher(memory)
    yield memory
    use_publisher(previous)


def report(device: Any, leaf: str, message: dict[str, Any]) -> None:
    outcome = handle_message(topics.topic(device.device_id, leaf), encode(message))
    assert outcome.result == "stored", outcome


def accept(record: CommandRecord, *, refuse: str = "") -> None:
    kind = "command-refused" if refuse else "command-accepted"
    report(
        record.device,
        topics.EVENT,
        event_message(
            record.device.device_id, kind, timezone.now(), seq=record.seq, command=record.type, reason=refuse
        ),
    )


def receipt(device: Any, item: dict[str, Any], *, emergency: bool, seconds: float = 1.0) -> None:
    end = timezone.now()
    report(
        device,
        topics.RECEIPT,
        make_receipt(
            device.device_id,
            item,
            manifest_version=1,
            result="played",
            started_at=end - timedelta(seconds=seconds),
            ended_at=end,
            emergency=emergency,
        ),
    )


def heartbeat(device: Any, playing: dict[str, Any] | None) -> None:
    from nguon.devices.protocol import MESSAGE_VERSION, PROTOCOL_LEVEL

    report(
        device,
        topics.HEARTBEAT,
        {
            "v": MESSAGE_VERSION,
            "device": device.device_id,
            "ts": format_ts(timezone.now()),
            "protocol": PROTOCOL_LEVEL,
            "firmware": "test",
            "mode": "speaker",
            "volume": 70,
            "emergency": True,
            "manifest_version": 1,
            "playing": playing,
            "uptime_s": 10,
            "spooled_receipts": 0,
        },
    )


def make_fleet(unit: Any, count: int, prefix: str) -> list[Any]:
    return [
        register_device(actor=ACTOR, kind="speaker_cluster", serial=f"{prefix}-{i}", unit=unit)
        for i in range(count)
    ]


def test_each_device_moves_through_the_stages_from_its_reports(
    published, make_user, province, commune, django_capture_on_commit_callbacks
):
    devices = make_fleet(commune, 5, "P")
    order = prepare_emergency(
        actor=ACTOR, issuer_unit=province, units=[commune], blob=store_blob(), title="Lũ"
    )
    waiting = order_progress(order)
    assert waiting.counts["waiting"] == 5
    with django_capture_on_commit_callbacks(execute=True):
        order = approve(make_user, province, order)
    item = order.broadcast.item
    starts = {
        r.device_id: r for r in CommandRecord.objects.filter(type="emergency-start").select_related("device")
    }
    unsent, published_only, refused, playing, finished = devices
    CommandRecord.objects.filter(pk=starts[unsent.pk].pk).update(published_at=None)  # the broker was down
    accept(starts[refused.pk], refuse="bad-signature")
    for device in (playing, finished):
        report(device, topics.STATUS, status_message(device.device_id, "online", timezone.now()))
        accept(starts[device.pk])
    heartbeat(playing, {"item": item["id"], "started_at": format_ts(timezone.now()), "emergency": True})
    receipt(finished, item, emergency=True)
    receipt(finished, item, emergency=True)  # repeated: two plays
    stages = {d.device_id: d for d in order_progress(order).devices}
    assert stages[unsent.device_id].stage == "pending"
    assert stages[published_only.device_id].stage == "published"
    assert (stages[refused.device_id].stage, stages[refused.device_id].refusal_reason) == (
        "refused",
        "bad-signature",
    )
    assert stages[playing.device_id].stage == "started"
    assert stages[playing.device_id].started_at is not None
    assert stages[playing.device_id].online is True
    assert (stages[finished.device_id].stage, stages[finished.device_id].plays) == ("finished", 2)
    counts = order_progress(order).counts
    assert {k: counts[k] for k in ("pending", "published", "refused", "started", "finished", "online")} == {
        "pending": 1,
        "published": 1,
        "refused": 1,
        "started": 1,
        "finished": 1,
        "online": 2,
    }
    with django_capture_on_commit_callbacks(execute=True):
        order = stop_order(actor=ACTOR, order=order)
    stop = CommandRecord.objects.get(type="emergency-stop", device=finished)
    accept(stop)
    after = {d.device_id: d for d in order_progress(order).devices}
    assert after[finished.device_id].stop_accepted_at is not None
    assert after[playing.device_id].stop_accepted_at is None


def test_progress_reads_one_query_per_table_whatever_the_number_of_devices(
    published, make_user, province, commune, other_commune, django_capture_on_commit_callbacks
):
    def measure(unit: Any, count: int, prefix: str) -> int:
        devices = make_fleet(unit, count, prefix)
        order = prepare_emergency(
            actor=ACTOR, issuer_unit=province, units=[unit], blob=store_blob(), title="Đo"
        )
        with django_capture_on_commit_callbacks(execute=True):
            order = approve(make_user, province, order)
        for record in CommandRecord.objects.filter(device__in=devices, type="emergency-start").select_related(
            "device"
        ):
            accept(record)
            receipt(record.device, order.broadcast.item, emergency=True)
        with CaptureQueriesContext(connection) as queries:
            progress = order_progress(order)
        assert progress.counts["finished"] == count
        return len(queries)

    few, many = measure(commune, 2, "F"), measure(other_commune, 12, "M")
    assert few == many
    assert many <= 6


def test_a_play_now_batch_has_its_own_progress(
    published, make_user, commune, other_commune, django_capture_on_commit_callbacks
):
    devices = make_fleet(commune, 3, "N")
    operator = make_user(Role.COMMUNE_OPERATOR, unit=commune)
    with django_capture_on_commit_callbacks(execute=True):
        records = play_now(actor=operator, unit=commune, blob=store_blob(), title="Họp thôn")
    batch = records[0].body["item"]["id"]
    accept(records[0])
    receipt(records[0].device, records[0].body["item"], emergency=False)
    progress = playnow_progress(user=operator, batch=batch)
    assert progress.counts["total"] == len(devices)
    assert (progress.counts["finished"], progress.counts["published"]) == (1, 2)
    outsider = make_user(Role.COMMUNE_OPERATOR, unit=other_commune)
    assert playnow_progress(user=outsider, batch=batch).devices == []
