"""Admin of the comments app: read-only. Moderation goes through the queue and the API (audited); the
readers' e-mail addresses and address hashes are not shown here."""

from __future__ import annotations

from django.contrib import admin

from nguon.comments.models import BannedWord, Comment, CommentThread
from nguon.core.admin_site import ScopedAdmin, admin_site


@admin.register(CommentThread, site=admin_site)
class CommentThreadAdmin(ScopedAdmin):
    list_display = ("bulletin", "is_enabled", "changed_by", "changed_at")
    list_filter = ("is_enabled",)


@admin.register(Comment, site=admin_site)
class CommentAdmin(ScopedAdmin):
    list_display = ("bulletin", "author_name", "status", "is_held", "created_at", "moderated_by")
    list_filter = ("status", "is_held")
    search_fields = ("author_name", "text")
    exclude = ("email", "ip_hash")


@admin.register(BannedWord, site=admin_site)
class BannedWordAdmin(ScopedAdmin):
    list_display = ("word", "unit", "added_by", "added_at")
    search_fields = ("word",)
