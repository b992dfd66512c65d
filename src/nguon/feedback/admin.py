"""Admin of the feedback app: read-only. Feedback, answers and settings change through the services
(handlers' screens, API, CLI). Personal data is not listed here; the handler's detail screen shows it."""

from __future__ import annotations

from django.contrib import admin

from nguon.core.admin_site import AdminSiteOnly, ScopedAdmin, admin_site
from nguon.feedback.models import Answer, ApiClient, Feedback, FeedbackCategory, RoutingRule


class _FeedbackAdmin(ScopedAdmin):
    """Only system administrators open the admin (``admin.site``); the feedback screens serve everyone else."""


@admin.register(FeedbackCategory, site=admin_site)
class FeedbackCategoryAdmin(AdminSiteOnly):  # province-wide, no access_scope
    list_display = ("code", "name", "deadline_days", "active", "position")
    list_filter = ("active",)
    search_fields = ("code", "name")


@admin.register(RoutingRule, site=admin_site)
class RoutingRuleAdmin(_FeedbackAdmin):
    list_display = ("category", "unit", "handling_unit", "handling_organisation", "deadline_days")


@admin.register(ApiClient, site=admin_site)
class ApiClientAdmin(AdminSiteOnly):  # installation-wide, no access_scope
    list_display = ("name", "channel", "key_prefix", "created_at", "revoked_at")
    exclude = ("key_hash",)


@admin.register(Feedback, site=admin_site)
class FeedbackAdmin(_FeedbackAdmin):
    list_display = ("public_id", "title", "category", "channel", "status", "handling_unit", "due_at")
    list_filter = ("status", "channel")
    search_fields = ("public_id", "title")
    exclude = (
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "reporter_ip_hash",
        "phone_hash",
        "tracking_code",
    )


@admin.register(Answer, site=admin_site)
class AnswerAdmin(_FeedbackAdmin):
    list_display = ("feedback", "status", "air_on_radio", "published_at")
    list_filter = ("status",)
