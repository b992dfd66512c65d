"""Admin of the content app: vocabularies are edited here (through a service, audited); bulletins,
inboxes, deliveries, campaigns and intake records are read-only here — they change only through the
workflow screens and the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nguon.content.models import (
    Bulletin,
    Campaign,
    CampaignTarget,
    Category,
    CentralIntake,
    Delivery,
    InboxEntry,
    LegacyCategory,
    WorkflowPolicy,
)
from nguon.content.services.taxonomy import save_vocabulary
from nguon.core import access
from nguon.core.admin_site import AdminSiteOnly, ScopedAdmin, admin_site


class _VocabularyAdmin(AdminSiteOnly):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        save_vocabulary(actor=request.user, instance=obj)


@admin.register(Category, site=admin_site)
class CategoryAdmin(_VocabularyAdmin):
    list_display = ("name", "code", "group", "is_active", "sort_order")
    list_filter = ("group", "is_active")
    search_fields = ("name", "code")


@admin.register(LegacyCategory, site=admin_site)
class LegacyCategoryAdmin(_VocabularyAdmin):
    list_display = ("name", "code", "category")


@admin.register(WorkflowPolicy, site=admin_site)
class WorkflowPolicyAdmin(_VocabularyAdmin):
    list_display = (
        "source_level",
        "requires_appraisal",
        "approve_at_province",
        "appraise_hours",
        "approve_hours",
        "inbox_hours",
    )


@admin.register(Bulletin, site=admin_site)
class BulletinAdmin(ScopedAdmin):
    view_action = access.CONTENT_VIEW
    list_display = ("title", "status", "priority", "source_level", "unit", "revision", "updated_at")
    list_filter = ("status", "priority", "source_level", "language")
    search_fields = ("title",)
    readonly_fields = tuple(f.name for f in Bulletin._meta.fields)


@admin.register(InboxEntry, site=admin_site)
class InboxEntryAdmin(ScopedAdmin):
    view_action = access.CONTENT_VIEW
    list_display = ("bulletin", "unit", "priority", "status", "revision", "received_at", "decided_at")
    list_filter = ("status", "priority")
    readonly_fields = tuple(f.name for f in InboxEntry._meta.fields)


@admin.register(Delivery, site=admin_site)
class DeliveryAdmin(ScopedAdmin):
    view_action = access.CONTENT_VIEW
    list_display = ("bulletin", "channel", "unit", "revision", "status", "is_correction", "delivered_at")
    list_filter = ("channel", "status")
    readonly_fields = tuple(f.name for f in Delivery._meta.fields)


@admin.register(Campaign, site=admin_site)
class CampaignAdmin(ScopedAdmin):
    view_action = access.CONTENT_VIEW
    list_display = ("title", "reference", "unit", "status", "deadline", "created_at")
    list_filter = ("status",)
    readonly_fields = tuple(f.name for f in Campaign._meta.fields)


@admin.register(CampaignTarget, site=admin_site)
class CampaignTargetAdmin(ScopedAdmin):
    view_action = access.CONTENT_VIEW
    list_display = ("campaign", "unit", "organisation", "status", "reminder_count", "reported_at")
    list_filter = ("status",)
    readonly_fields = tuple(f.name for f in CampaignTarget._meta.fields)


@admin.register(CentralIntake, site=admin_site)
class CentralIntakeAdmin(AdminSiteOnly):
    list_display = ("external_id", "bulletin", "channel", "contract_version", "times_seen", "received_at")
    readonly_fields = tuple(f.name for f in CentralIntake._meta.fields)
