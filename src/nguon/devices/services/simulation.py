"""Simulated devices in the registry (``nguon simulate``): serials ``SIM-00001``…, spread over the
province's communes, placed near each commune's centre so that they show on a map."""

from __future__ import annotations

import json
import os
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from nguon.devices.choices import Connectivity, DeviceKind
from nguon.devices.models import Device
from nguon.devices.protocol.bundle import Bundle
from nguon.devices.selectors.registry import get_device_by_token
from nguon.devices.services.provisioning import provision_device
from nguon.devices.services.registry import register_device
from nguon.units.selectors import list_communes

SERIAL_PREFIX = "SIM-"


def ensure_simulated_devices(*, actor: Any, count: int, province_code: str) -> list[Device]:
    """The first ``count`` simulated devices, registering the missing ones round-robin over communes."""
    existing = {d.serial: d for d in Device.objects.filter(serial__startswith=SERIAL_PREFIX)}
    communes = list(list_communes(province_code=province_code).order_by("code"))
    if not communes:
        raise ValueError(f"no current communes in province {province_code}; run `nguon units import`")
    rng = random.Random(province_code)  # noqa: S311 — stable placement, not security
    devices = []
    for index in range(count):
        serial = f"{SERIAL_PREFIX}{index + 1:05d}"
        device = existing.get(serial)
        if device is None:
            commune = communes[index % len(communes)]
            lat = lon = None
            if commune.latitude is not None and commune.longitude is not None:
                lat = (commune.latitude + Decimal(rng.uniform(-0.01, 0.01))).quantize(Decimal("0.000001"))
                lon = (commune.longitude + Decimal(rng.uniform(-0.01, 0.01))).quantize(Decimal("0.000001"))
            device = register_device(
                actor=actor,
                kind=DeviceKind.SPEAKER_CLUSTER,
                serial=serial,
                unit=commune,
                vendor="Nguồn",
                model="simulated",
                name=f"Cụm loa mô phỏng {index + 1}",
                latitude=lat,
                longitude=lon,
                connectivity=Connectivity.G4,
            )
        devices.append(device)
    return devices


def simulated_bundles(*, actor: Any, devices: list[Device], cache: Path) -> tuple[list[Bundle], int]:
    """Bundles for ``devices``: reused from ``cache`` (mode 0600) while their credentials are active,
    provisioned anew otherwise. Returns the bundles and how many were newly provisioned."""
    known: dict[str, Any] = json.loads(cache.read_text("utf-8")) if cache.exists() else {}
    bundles, fresh = [], 0
    for device in devices:
        data = known.get(device.device_id)
        bundle = Bundle.from_dict(data) if data else None
        if bundle is None or get_device_by_token(token=bundle.token) != device:
            bundle = provision_device(actor=actor, device=device)
            known[device.device_id] = bundle.to_dict()
            fresh += 1
        bundles.append(bundle)
    cache.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(cache, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(known, handle)
    return bundles, fresh
