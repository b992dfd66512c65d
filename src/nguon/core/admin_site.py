"""The back-office admin site, open only to people whose grants allow ``admin.site`` (system
administrators in a 2FA-verified session). Every model admin scopes its rows through
:func:`nguon.core.access.scope`; writes go through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse_lazy

from nguon.core import access


class NguonAdminSite(admin.AdminSite):
    site_header = "Nguồn — Quản trị"
    site_title = "Nguồn"
    index_title = "Dữ liệu hệ thống"
    login_url = reverse_lazy("accounts:login")

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and access.has_action(request.user, access.ADMIN_SITE)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        from django.shortcuts import redirect

        return redirect(f"{reverse_lazy('accounts:login')}?next={request.get_full_path()}")


admin_site = NguonAdminSite(name="admin")


class ScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read access follows ``view_action``; the admin never writes behind the services' back."""

    view_action: str = access.ADMIN_SITE

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.scope(request.user, super().get_queryset(request), self.view_action)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.has_action(request.user, access.ADMIN_SITE)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return access.has_action(request.user, access.ADMIN_SITE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class AdminSiteOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Installation-wide data without a unit (voices, dictionaries, failed logins): visible to people
    who may open the admin site; read-only unless a subclass allows more and writes through a service."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.has_action(request.user, access.ADMIN_SITE)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
