"""Models of the devices app, one module per concern."""

from nguon.devices.models.alerts import DeviceAlert
from nguon.devices.models.commands import CommandGroup, CommandRecord
from nguon.devices.models.emergencies import EmergencyBroadcast
from nguon.devices.models.manifests import DeviceManifest
from nguon.devices.models.registry import Device, DeviceCredential, DeviceGroup, RadioStation
from nguon.devices.models.screenshots import ScreenshotRequest
from nguon.devices.models.telemetry import DeviceEvent, DeviceState, HeartbeatSample, PlayReceipt

__all__ = [
    "CommandGroup",
    "CommandRecord",
    "Device",
    "DeviceAlert",
    "DeviceCredential",
    "DeviceEvent",
    "DeviceGroup",
    "DeviceManifest",
    "DeviceState",
    "EmergencyBroadcast",
    "HeartbeatSample",
    "PlayReceipt",
    "RadioStation",
    "ScreenshotRequest",
]
