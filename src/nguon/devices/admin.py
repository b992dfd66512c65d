"""Admin of the devices app: read-only. Devices change through the services (API, CLI); telemetry only
through the ingest."""

from __future__ import annotations

from django.contrib import admin

from nguon.core import access
from nguon.core.admin_site import ScopedAdmin, admin_site
from nguon.devices.models import (
    CommandRecord,
    Device,
    DeviceAlert,
    DeviceCredential,
    DeviceEvent,
    DeviceGroup,
    DeviceManifest,
    EmergencyBroadcast,
    PlayReceipt,
    RadioStation,
)


class _DevicesAdmin(ScopedAdmin):
    view_action = access.DEVICES_VIEW


@admin.register(RadioStation, site=admin_site)
class RadioStationAdmin(_DevicesAdmin):
    list_display = ("name", "unit", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "unit__name")


@admin.register(DeviceGroup, site=admin_site)
class DeviceGroupAdmin(_DevicesAdmin):
    list_display = ("name", "unit")


@admin.register(Device, site=admin_site)
class DeviceAdmin(_DevicesAdmin):
    list_display = (
        "device_id",
        "kind",
        "serial",
        "vendor",
        "unit",
        "connectivity",
        "firmware",
        "protocol_level",
    )
    list_filter = ("kind", "connectivity", "protocol_level")
    search_fields = ("device_id", "serial", "name", "unit__name")


@admin.register(DeviceCredential, site=admin_site)
class DeviceCredentialAdmin(_DevicesAdmin):
    list_display = ("device", "issued_at", "issued_by", "revoked_at")
    exclude = ("mqtt_password_hash", "token_hash")


@admin.register(CommandRecord, site=admin_site)
class CommandRecordAdmin(_DevicesAdmin):
    list_display = (
        "device",
        "seq",
        "type",
        "signed_at",
        "published_at",
        "accepted_at",
        "refused_at",
        "refusal_reason",
    )
    list_filter = ("type", "refusal_reason")


@admin.register(DeviceManifest, site=admin_site)
class DeviceManifestAdmin(_DevicesAdmin):
    list_display = ("device", "version", "etag", "created_at", "created_by_label")


@admin.register(PlayReceipt, site=admin_site)
class PlayReceiptAdmin(_DevicesAdmin):
    list_display = ("device", "item_id", "result", "started_at", "ended_at", "received_at")
    list_filter = ("result", "is_emergency")


@admin.register(DeviceEvent, site=admin_site)
class DeviceEventAdmin(_DevicesAdmin):
    list_display = ("device", "kind", "reason", "seq", "occurred_at", "received_at")
    list_filter = ("kind",)


@admin.register(EmergencyBroadcast, site=admin_site)
class EmergencyBroadcastAdmin(_DevicesAdmin):
    list_display = ("title", "unit", "started_at", "started_by", "stopped_at", "stopped_by")


@admin.register(DeviceAlert, site=admin_site)
class DeviceAlertAdmin(_DevicesAdmin):
    list_display = ("device", "kind", "detail", "noticed_at", "opened_at", "closed_at")
    list_filter = ("kind",)
