"""Admin of the radio app: read-only. Programmes, orders and settings change through the services (screens,
API, CLI); CAP messages and compilation reports are written by the system."""

from __future__ import annotations

from django.contrib import admin

from nguon.core.admin_site import ScopedAdmin, admin_site
from nguon.radio.models import (
    BroadcastSettings,
    CapMessage,
    CompilationReport,
    EmergencyOrder,
    LiveSession,
    Programme,
)


class _RadioAdmin(ScopedAdmin):
    """Only system administrators open the admin (``admin.site``); the radio screens serve everyone else."""


@admin.register(Programme, site=admin_site)
class ProgrammeAdmin(_RadioAdmin):
    list_display = ("title", "unit", "start_time", "duration_minutes", "rrule", "is_active")
    list_filter = ("is_active", "target_kind")
    search_fields = ("title", "unit__name")


@admin.register(BroadcastSettings, site=admin_site)
class BroadcastSettingsAdmin(_RadioAdmin):
    list_display = ("unit", "quiet_start", "quiet_end", "horizon_days", "emergency_second_approver")


@admin.register(CompilationReport, site=admin_site)
class CompilationReportAdmin(_RadioAdmin):
    list_display = ("unit", "compiled_at", "devices", "manifests_changed", "items", "download_bytes")


@admin.register(EmergencyOrder, site=admin_site)
class EmergencyOrderAdmin(_RadioAdmin):
    list_display = ("title", "issuer_unit", "status", "requested_at", "approved_at", "stopped_at")
    list_filter = ("status",)


@admin.register(CapMessage, site=admin_site)
class CapMessageAdmin(_RadioAdmin):
    list_display = ("identifier", "msg_type", "sent")
    list_filter = ("msg_type",)


@admin.register(LiveSession, site=admin_site)
class LiveSessionAdmin(_RadioAdmin):
    list_display = ("title", "unit", "kind", "status", "started_at", "ended_at")
    list_filter = ("status", "kind")
