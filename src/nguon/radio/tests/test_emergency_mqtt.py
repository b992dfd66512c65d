"""Integration over a private Mosquitto with simulated devices (the real protocol, manifests over HTTP):
an emergency to three communes out of six preempts every targeted cluster and none elsewhere, the
progress view follows it from receipts, and after the stop each targeted cluster plays its next
scheduled item."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from nguon.accounts import services as accounts
from nguon.accounts.choices import Role
from nguon.core import access
from nguon.devices.models import CommandRecord, DeviceState, PlayReceipt
from nguon.devices.services.manifests import ManifestItem, set_manifest
from nguon.devices.services.simulation import ensure_simulated_devices, simulated_bundles
from nguon.devices.simulator import Fleet, SimOptions
from nguon.devices.tests.conftest import broker, ingest, store_blob  # noqa: F401 — fixtures
from nguon.devices.tests.mosquitto import BINARY, wait_for
from nguon.devices.tests.test_simulator import RunningFleet
from nguon.radio.choices import EmergencyStatus
from nguon.radio.selectors.progress import order_progress
from nguon.radio.services.emergencies import request_emergency, stop_order

ACTOR = access.SystemActor("tests")
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.mark.mqtt
@pytest.mark.skipif(BINARY is None, reason="mosquitto is not installed (scripts/setup-os.sh)")
def test_an_emergency_to_three_communes_preempts_them_only_and_each_resumes_its_schedule(
    broker,  # noqa: F811
    ingest,  # noqa: F811
    tmp_path: Any,
    make_user: Any,
    province: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    approver = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    accounts.set_totp_secret(actor=access.SYSTEM, user=approver, secret=SECRET)
    devices = ensure_simulated_devices(actor=ACTOR, count=6, province_code="19")
    assert len({d.unit_id for d in devices}) == 6
    targeted, elsewhere = devices[:3], devices[3:]
    bundles, _ = simulated_bundles(actor=ACTOR, devices=devices, cache=tmp_path / "bundles.json")
    broker.start()
    loop = ingest()
    wait_for(loop.connected.is_set)
    options = SimOptions(heartbeat_s=0.5, loss=0.0, ack_timeout_s=1.0, tick_s=0.1, max_play_s=0.3, seed=3)
    running = RunningFleet(Fleet(bundles, options))
    step = loop.process_pending
    try:
        online = DeviceState.objects.filter(device__in=devices, is_online=True)
        wait_for(lambda: online.count() == len(devices), step=step)

        # 1. the emergency, to the three communes of the first three clusters
        alarm = store_blob(0.3, 880)
        with django_capture_on_commit_callbacks(execute=True):
            order = request_emergency(
                actor=approver,
                issuer_unit=province,
                units=[d.unit for d in targeted],
                blob=alarm,
                title="Cảnh báo lũ quét",
                totp_code=str(pyotp.TOTP(SECRET).now()),
            )
        assert order.status == EmergencyStatus.ON_AIR
        item_id = order.broadcast.protocol_id
        emergency = PlayReceipt.objects.filter(is_emergency=True, item_id=item_id)
        wait_for(lambda: emergency.count() == len(targeted), step=step, timeout=20)
        accepted = CommandRecord.objects.filter(type="emergency-start", accepted_at__isnull=False)
        wait_for(lambda: accepted.count() == len(targeted), step=step)
        progress = order_progress(order)
        assert sorted(d.device_id for d in progress.devices) == sorted(d.device_id for d in targeted)
        assert progress.counts["finished"] == len(targeted)
        assert all(d.accepted_at and d.started_at and d.finished_at for d in progress.devices)

        # 2. a schedule for everyone while it is on air: "during" now, "after" a little later
        schedule = store_blob(0.2, 440)
        start = timezone.now()
        during_until = start + timedelta(seconds=4)
        with django_capture_on_commit_callbacks(execute=True):  # publishes the manifest-changed commands
            for device in devices:
                set_manifest(
                    actor=ACTOR,
                    device=device,
                    items=[
                        ManifestItem(
                            "during", schedule, start + timedelta(seconds=2), start_until=during_until
                        ),
                        ManifestItem(
                            "after",
                            schedule,
                            start + timedelta(seconds=8),
                            start_until=start + timedelta(seconds=60),
                        ),
                    ],
                )
        during = PlayReceipt.objects.filter(item_id="during", is_emergency=False)
        wait_for(lambda: during.count() == len(elsewhere), step=step, timeout=20)
        wait_for(lambda: timezone.now() > during_until + timedelta(seconds=0.5), step=step)
        assert sorted(during.values_list("device_id", flat=True)) == sorted(d.pk for d in elsewhere)
        assert not PlayReceipt.objects.filter(is_emergency=True, device__in=elsewhere).exists()

        # 3. stop: each targeted cluster resumes its schedule and plays "after"
        with django_capture_on_commit_callbacks(execute=True):
            stopped = stop_order(actor=approver, order=order)
        stopped_at = stopped.stopped_at
        assert stopped_at is not None
        after = PlayReceipt.objects.filter(item_id="after", is_emergency=False)
        wait_for(lambda: after.count() == len(devices), step=step, timeout=30)
        for receipt in after.filter(device__in=targeted):
            assert receipt.started_at is not None
            assert receipt.started_at > stopped_at
        stops = CommandRecord.objects.filter(type="emergency-stop", accepted_at__isnull=False)
        wait_for(lambda: stops.count() == len(targeted), step=step)
        assert sorted(stops.values_list("device_id", flat=True)) == sorted(d.pk for d in targeted)
        final = order_progress(stopped)
        assert all(d.stop_accepted_at is not None for d in final.devices)
    finally:
        running.close()
