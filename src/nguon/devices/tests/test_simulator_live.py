"""Virtual devices and live broadcasts over a private Mosquitto: every simulated cluster accepts the signed
live-start, "relays" the stream until live-stop and reports an interrupted receipt without media."""

from __future__ import annotations

import pytest

from nguon.devices.models import DeviceState, PlayReceipt
from nguon.devices.services.commands import send_commands
from nguon.devices.services.simulation import ensure_simulated_devices, simulated_bundles
from nguon.devices.simulator import Fleet, SimOptions

from .conftest import ACTOR
from .mosquitto import BINARY, wait_for
from .test_simulator import RunningFleet

STREAM = {"url": "http://127.0.0.1:8010/live-05569-1.mp3", "mime": "audio/mpeg"}


@pytest.mark.mqtt
@pytest.mark.skipif(BINARY is None, reason="mosquitto is not installed (scripts/setup-os.sh)")
def test_virtual_devices_relay_a_live_stream_until_live_stop(
    broker, ingest, tmp_path, django_capture_on_commit_callbacks
):
    devices = ensure_simulated_devices(actor=ACTOR, count=3, province_code="19")
    bundles, _ = simulated_bundles(actor=ACTOR, devices=devices, cache=tmp_path / "bundles.json")
    broker.start()
    loop = ingest()
    wait_for(loop.connected.is_set)
    options = SimOptions(heartbeat_s=0.5, ack_timeout_s=1.0, tick_s=0.1, max_play_s=30, seed=3)
    running = RunningFleet(Fleet(bundles, options))
    try:
        step = loop.process_pending
        online = DeviceState.objects.filter(device__in=devices, is_online=True)
        wait_for(lambda: online.count() == len(devices), step=step)
        with django_capture_on_commit_callbacks(execute=True):
            send_commands(
                actor=ACTOR, devices=devices, type="live-start", body={"id": "lv-1", "stream": STREAM}
            )
        counts = running.fleet.stats.counts
        wait_for(lambda: counts["command:live-start"] == len(devices), step=step)
        receipts = PlayReceipt.objects.filter(device__in=devices, item_id="lv-1")
        assert not receipts.exists()  # still on air: no receipt before the stop
        with django_capture_on_commit_callbacks(execute=True):
            send_commands(actor=ACTOR, devices=devices, type="live-stop", body={"id": "lv-1"})
        wait_for(lambda: receipts.count() == len(devices), step=step, timeout=20)
        assert set(receipts.values_list("result", flat=True)) == {"interrupted"}
        assert set(receipts.values_list("media_sha256", flat=True)) == {""}
    finally:
        running.close()
