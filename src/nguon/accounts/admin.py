"""Back-office for people and grants. Adding and revoking go through the accounts services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.password_validation import validate_password
from django.db.models import QuerySet
from django.http import HttpRequest

from nguon.accounts import services
from nguon.accounts.models import LoginFailure, RoleGrant, User
from nguon.core import access
from nguon.core.admin_site import AdminSiteOnly, ScopedAdmin, admin_site


class UserCreateForm(forms.ModelForm):  # type: ignore[type-arg]
    password = forms.CharField(
        label="Mật khẩu ban đầu",
        widget=forms.PasswordInput,
        help_text="Giao cho người dùng qua kênh an toàn; người dùng nên đổi sau lần đăng nhập đầu.",
    )

    class Meta:
        model = User
        fields = ("username", "full_name", "email", "phone", "home_unit", "organisation")

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        validate_password(password, User(username=self.cleaned_data.get("username", "")))
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        services.check_new_username(username=data.get("username", ""))
        return data


@admin.register(User, site=admin_site)
class UserAdmin(ScopedAdmin):
    view_action = access.ACCOUNTS_VIEW
    list_display = ("username", "full_name", "home_unit", "organisation", "is_active", "last_login")
    search_fields = ("username", "full_name", "email")
    list_filter = ("is_active",)
    raw_id_fields = ("home_unit", "organisation")
    actions = ("reset_two_factor",)
    exclude = ("password", "user_permissions", "groups")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.has_action(request.user, access.ACCOUNTS_MANAGE)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = UserCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return [f.name for f in User._meta.fields if f.name != "password"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            return
        # The form already ran the checks the service repeats, so a ValidationError cannot surface here.
        created = services.create_user(
            actor=request.user,
            username=obj.username,
            password=form.cleaned_data["password"],
            full_name=obj.full_name,
            email=obj.email,
            phone=obj.phone,
            home_unit=obj.home_unit,
            organisation=obj.organisation,
        )
        obj.pk = created.pk
        obj._state.adding = False

    @admin.action(description="Cấp lại xác thực hai lớp (mất điện thoại)")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.reset_totp(actor=request.user, user=user)
        self.message_user(request, f"Đã xóa ứng dụng xác thực của {queryset.count()} người dùng.")


class GrantForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RoleGrant
        fields = ("user", "role", "unit", "organisation", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        services.check_grant_shape(
            role=data.get("role", ""), unit=data.get("unit"), organisation=data.get("organisation")
        )
        return data


@admin.register(RoleGrant, site=admin_site)
class RoleGrantAdmin(ScopedAdmin):
    view_action = access.ACCOUNTS_VIEW
    form = GrantForm
    list_display = ("user", "role", "unit", "organisation", "granted_at", "revoked_at")
    list_filter = ("role", "revoked_at")
    search_fields = ("user__username", "user__full_name", "unit__full_name", "organisation__name")
    raw_id_fields = ("user", "unit", "organisation")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.has_action(request.user, access.ACCOUNTS_MANAGE)

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        if change:
            return
        grant = services.grant_role(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            unit=obj.unit,
            organisation=obj.organisation,
            note=obj.note,
        )
        obj.pk = grant.pk
        obj._state.adding = False

    @admin.action(description="Thu hồi quyền đã chọn")
    def revoke(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        for grant in queryset.select_related("unit", "organisation__unit", "user"):
            services.revoke_grant(actor=request.user, grant=grant)
        self.message_user(request, "Đã thu hồi.")


@admin.register(LoginFailure, site=admin_site)
class LoginFailureAdmin(AdminSiteOnly):
    list_display = ("occurred_at", "username_key", "ip_address", "stage")
    search_fields = ("username_key", "ip_address")

    def has_module_permission(self, request: HttpRequest) -> bool:
        # Failed logins are not placed at a unit: only installation-wide administrators see them.
        return any(g.is_global for g in access.grants_for(request.user, access.ADMIN_SITE))
