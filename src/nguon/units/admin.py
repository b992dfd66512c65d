from __future__ import annotations

from django.contrib import admin

from nguon.core.admin_site import ScopedAdmin, admin_site
from nguon.units.models import AdministrativeUnit, Organisation, OrganisationName, UnitSuccession


@admin.register(AdministrativeUnit, site=admin_site)
class AdministrativeUnitAdmin(ScopedAdmin):
    list_display = ("code", "full_name", "level", "province_code", "is_current")
    list_filter = ("level", "is_current", "kind")
    search_fields = ("code", "full_name", "search_key")
    readonly_fields = tuple(f.name for f in AdministrativeUnit._meta.fields)


@admin.register(UnitSuccession, site=admin_site)
class UnitSuccessionAdmin(ScopedAdmin):
    list_display = ("predecessor", "successor", "is_default", "effective_on")
    search_fields = ("predecessor__full_name", "successor__full_name", "predecessor__code", "successor__code")
    list_select_related = ("predecessor", "successor")


class OrganisationNameInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OrganisationName
    extra = 0
    can_delete = False
    readonly_fields = ("name", "short_name", "valid_from", "valid_until", "reason")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(ScopedAdmin):
    list_display = ("code", "name", "kind", "unit", "is_active", "successor")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name")
    inlines = (OrganisationNameInline,)
    readonly_fields = tuple(f.name for f in Organisation._meta.fields)
