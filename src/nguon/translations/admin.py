"""Admin of the translations app: read-only. Translations change through the services (editor, API)."""

from __future__ import annotations

from django.contrib import admin

from nguon.core.admin_site import ScopedAdmin, admin_site
from nguon.translations.models import Translation


@admin.register(Translation, site=admin_site)
class TranslationAdmin(ScopedAdmin):
    list_display = ("bulletin", "language", "title", "status", "source_revision", "is_machine", "updated_at")
    list_filter = ("language", "status", "is_machine")
    search_fields = ("title",)
