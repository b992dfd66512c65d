from __future__ import annotations

from django.contrib import admin

from nguon.core.admin_site import ScopedAdmin, admin_site
from nguon.core.models import AuditEvent


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(ScopedAdmin):
    list_display = ("seq", "occurred_at", "actor_label", "action", "target_label", "unit_label", "ip_address")
    list_filter = ("action", "occurred_at")
    search_fields = ("action", "actor_label", "target_label", "target_id", "unit_label", "request_id")
    date_hierarchy = "occurred_at"
    ordering = ("-seq",)
    readonly_fields = tuple(f.name for f in AuditEvent._meta.fields)
