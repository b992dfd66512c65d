"""People, their scoped role grants, two-factor devices and failed logins."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from nguon.accounts.choices import Role
from nguon.core.access import Scope


class User(AbstractUser):
    """A person with a personal account (guidance 2455: no shared accounts)."""

    access_scope: ClassVar[Scope] = Scope(unit_path="home_unit__path", organisation="organisation_id")

    full_name = models.CharField("họ và tên", max_length=200, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    home_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name="đơn vị công tác",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="cơ quan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )

    #: Set per request by the accounts middleware: did this session pass the TOTP step?
    is_2fa_verified: bool = False

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


class RoleGrant(models.Model):
    """A role held by a person over a unit subtree, an organisation, or (administrators) everything.

    Grants are revoked, never deleted, so the audit trail and history can say who could do what when.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path", organisation="organisation_id")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField("vai trò", max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name="phạm vi đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="phạm vi tổ chức",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người cấp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField("thời điểm cấp", auto_now_add=True)
    revoked_at = models.DateTimeField("thời điểm thu hồi", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        ordering = ("user", "role")
        constraints = (
            models.CheckConstraint(
                condition=~Q(unit__isnull=False, organisation__isnull=False),
                name="grant_unit_or_organisation",
            ),
        )

    def __str__(self) -> str:
        where = self.unit or self.organisation or "toàn hệ thống"
        return f"{self.user} — {self.get_role_display()} — {where}"


class TOTPDevice(models.Model):
    """A person's authenticator app (RFC 6238 TOTP). The secret is stored encrypted with a key derived
    from NGUON_SECRET_KEY; ``last_used_step`` stops a code being used twice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    encrypted_secret = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thiết bị xác thực hai lớp"
        verbose_name_plural = "thiết bị xác thực hai lớp"

    def __str__(self) -> str:
        return f"TOTP {self.user}"


class LoginFailure(models.Model):
    """A failed sign-in, kept for throttling (per account and per address) and for the security review."""

    username_key = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    occurred_at = models.DateTimeField(db_index=True)
    stage = models.CharField(max_length=16, default="password")

    class Meta:
        verbose_name = "đăng nhập thất bại"
        verbose_name_plural = "đăng nhập thất bại"

    def __str__(self) -> str:
        return f"{self.username_key} @ {self.ip_address} {self.occurred_at:%Y-%m-%d %H:%M}"
