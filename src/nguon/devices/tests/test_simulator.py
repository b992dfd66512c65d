"""The simulator: virtual devices over the real protocol against a private Mosquitto, with telemetry
loss; and the registry side of ``nguon simulate``."""

from __future__ import annotations

import asyncio
import stat
import threading

import pytest

from nguon.devices.models import Device, DeviceState, PlayReceipt
from nguon.devices.services.commands import send_command
from nguon.devices.services.manifests import playable_item
from nguon.devices.services.simulation import ensure_simulated_devices, simulated_bundles
from nguon.devices.simulator import Fleet, SimOptions

from .conftest import ACTOR, store_blob
from .mosquitto import BINARY, wait_for


def test_simulated_devices_are_spread_over_communes_and_keep_their_bundles(db, tmp_path, publisher):
    devices = ensure_simulated_devices(actor=ACTOR, count=5, province_code="19")
    assert [d.serial for d in devices] == [f"SIM-0000{i}" for i in range(1, 6)]
    assert len({d.unit_id for d in devices}) == 5
    assert ensure_simulated_devices(actor=ACTOR, count=5, province_code="19") == devices  # reused
    cache = tmp_path / "bundles.json"
    first, fresh = simulated_bundles(actor=ACTOR, devices=devices, cache=cache)
    assert fresh == 5
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    again, fresh = simulated_bundles(actor=ACTOR, devices=devices, cache=cache)
    assert fresh == 0
    assert [b.token for b in again] == [b.token for b in first]


class RunningFleet:
    def __init__(self, fleet: Fleet) -> None:
        self.fleet = fleet
        self.loop = asyncio.new_event_loop()
        self.stop = asyncio.Event()
        self.thread = threading.Thread(
            target=self.loop.run_until_complete, args=(fleet.run(self.stop),), daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(15)


@pytest.mark.mqtt
@pytest.mark.skipif(BINARY is None, reason="mosquitto is not installed (scripts/setup-os.sh)")
def test_an_emergency_reaches_every_virtual_device_and_every_receipt_arrives_despite_loss(
    broker, ingest, tmp_path, django_capture_on_commit_callbacks
):
    devices = ensure_simulated_devices(actor=ACTOR, count=6, province_code="19")
    bundles, _ = simulated_bundles(actor=ACTOR, devices=devices, cache=tmp_path / "bundles.json")
    broker.start()
    loop = ingest()
    wait_for(loop.connected.is_set)
    options = SimOptions(heartbeat_s=0.5, loss=0.3, ack_timeout_s=1.0, tick_s=0.1, max_play_s=0.2, seed=7)
    running = RunningFleet(Fleet(bundles, options))
    try:
        step = loop.process_pending
        online = DeviceState.objects.filter(device__in=devices, is_online=True)
        wait_for(lambda: online.count() == len(devices), step=step)
        item = playable_item(store_blob(0.2), item_id="canh-bao-lu")
        with django_capture_on_commit_callbacks(execute=True):
            for device in devices:
                send_command(actor=ACTOR, device=device, type="emergency-start", body={"item": item})
        receipts = PlayReceipt.objects.filter(device__in=devices, is_emergency=True, item_id="canh-bao-lu")
        wait_for(lambda: receipts.count() == len(devices), step=step, timeout=20)
        summary = running.fleet.summary()
        assert summary["counts"]["command:emergency-start"] == len(devices)
        assert summary["counts"]["dropped_on_purpose"] > 0  # loss happened, and nothing was lost
        assert summary["command_latency_s"]["emergency-start"]["n"] == len(devices)
        wait_for(lambda: running.fleet.stats.counts["receipts_acked"] == len(devices), step=step)
        assert sorted(receipts.values_list("device_id", flat=True)) == sorted(d.pk for d in devices)
    finally:
        running.close()
    assert Device.objects.filter(
        pk__in=[d.pk for d in devices], firmware__endswith="(simulated)"
    ).count() == len(devices)
