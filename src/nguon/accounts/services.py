"""Writes of the accounts app: people, role grants, two-factor enrolment, sign-in outcomes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from nguon.accounts import throttling, two_factor
from nguon.accounts.choices import Role
from nguon.accounts.models import RoleGrant, TOTPDevice, User
from nguon.core import access, audit, request_context
from nguon.core.text import nfc
from nguon.units.models import AdministrativeUnit, Organisation

logger = logging.getLogger(__name__)

_USER_FIELDS = ("username", "full_name", "email", "phone", "home_unit", "organisation", "is_active")
_GRANT_FIELDS = ("user", "role", "unit", "organisation", "revoked_at", "note")


def _scope_unit(
    *, unit: AdministrativeUnit | None, organisation: Organisation | None
) -> AdministrativeUnit | None:
    return unit if unit is not None else (organisation.unit if organisation is not None else None)


def check_new_username(*, username: str) -> None:
    if User.objects.filter(username=nfc(username).lower()).exists():
        raise ValidationError({"username": f"Tên đăng nhập {nfc(username).lower()} đã có."})


def create_user(
    *,
    actor: Any,
    username: str,
    password: str | None,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    home_unit: AdministrativeUnit | None = None,
    organisation: Organisation | None = None,
) -> User:
    """Create a personal account placed at ``home_unit`` / ``organisation``."""
    place = _scope_unit(unit=home_unit, organisation=organisation)
    access.require(actor, access.ACCOUNTS_MANAGE, unit=place)
    username = nfc(username).lower()
    check_new_username(username=username)
    user = User(
        username=username,
        full_name=nfc(full_name),
        email=email,
        phone=phone,
        home_unit=home_unit,
        organisation=organisation,
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        audit.record(
            actor=actor,
            action="accounts.user.create",
            target=user,
            unit=place,
            after=audit.snapshot(user, _USER_FIELDS),
        )
    return user


def check_grant_shape(
    *, role: str, unit: AdministrativeUnit | None, organisation: Organisation | None
) -> None:
    """Raise ValidationError unless (role, unit, organisation) is a grant that can exist."""
    if role not in Role.values:
        raise ValidationError({"role": "Vai trò không hợp lệ."})
    if unit is not None and organisation is not None:
        raise ValidationError("Một quyền gắn với một đơn vị hoặc một tổ chức, không cả hai.")
    if unit is None and organisation is None and role not in access.ROLES_ALLOWED_GLOBAL:
        raise ValidationError("Vai trò này phải gắn với một đơn vị hoặc tổ chức.")
    if unit is not None and not unit.is_current:
        raise ValidationError("Không cấp quyền trên đơn vị đã hết hiệu lực (trước 2025).")


def grant_role(
    *,
    actor: Any,
    user: User,
    role: str,
    unit: AdministrativeUnit | None = None,
    organisation: Organisation | None = None,
    note: str = "",
) -> RoleGrant:
    """Give ``user`` ``role`` over ``unit``'s subtree or ``organisation`` (or everything, for admins)."""
    check_grant_shape(role=role, unit=unit, organisation=organisation)
    place = _scope_unit(unit=unit, organisation=organisation)
    if place is None:
        if not isinstance(actor, access.SystemActor) and not any(
            g.is_global for g in access.grants_for(actor, access.ACCOUNTS_MANAGE)
        ):
            raise ValidationError("Chỉ quản trị toàn hệ thống mới cấp được quyền toàn hệ thống.")
    else:
        access.require(actor, access.ACCOUNTS_MANAGE, unit=place)
    with transaction.atomic():
        existing = RoleGrant.objects.filter(
            user=user, role=role, unit=unit, organisation=organisation, revoked_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        grant = RoleGrant.objects.create(
            user=user,
            role=role,
            unit=unit,
            organisation=organisation,
            note=nfc(note),
            granted_by=actor if isinstance(actor, User) else None,
        )
        audit.record(
            actor=actor,
            action="accounts.grant.create",
            target=grant,
            unit=place,
            after=audit.snapshot(grant, _GRANT_FIELDS),
        )
    access.forget_grants(user)
    return grant


def revoke_grant(*, actor: Any, grant: RoleGrant) -> RoleGrant:
    place = _scope_unit(unit=grant.unit, organisation=grant.organisation)
    access.require(actor, access.ACCOUNTS_MANAGE, unit=place)
    if grant.revoked_at is not None:
        return grant
    with transaction.atomic():
        before = audit.snapshot(grant, _GRANT_FIELDS)
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="accounts.grant.revoke",
            target=grant,
            unit=place,
            before=before,
            after=audit.snapshot(grant, _GRANT_FIELDS),
        )
    access.forget_grants(grant.user)
    return grant


# -- sign-in ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    """The outcome of the password step."""

    user: User | None = None
    locked_for_seconds: int = 0
    needs_totp: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None


def check_password_step(*, request: HttpRequest, username: str, password: str) -> SignIn:
    """Check the password, honouring throttling; record the failure or success."""
    ip = request_context.client_ip(request)
    lock = throttling.check(username=username, ip_address=ip)
    if lock.locked:
        return SignIn(locked_for_seconds=lock.retry_after_seconds)
    user = authenticate(request, username=nfc(username).lower(), password=password)
    if not isinstance(user, User):
        with transaction.atomic():
            throttling.record_failure(username=username, ip_address=ip)
            known = User.objects.filter(username=nfc(username).lower()).first()
            audit.record(
                actor=None,
                action="accounts.login.failed",
                target=known,
                unit=_home(known),
                target_label=username[:150],
                after={"stage": "password"},
            )
        return SignIn()
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    return SignIn(user=user, needs_totp=device is not None)


def check_totp_step(*, request: HttpRequest, user: User, code: str) -> SignIn:
    """Check a TOTP code for a person who passed the password step."""
    ip = request_context.client_ip(request)
    lock = throttling.check(username=user.username, ip_address=ip)
    if lock.locked:
        return SignIn(locked_for_seconds=lock.retry_after_seconds)
    if verify_totp(user=user, code=code):
        return SignIn(user=user)
    with transaction.atomic():
        throttling.record_failure(username=user.username, ip_address=ip, stage="totp")
        audit.record(
            actor=None, action="accounts.login.failed", target=user, unit=_home(user), after={"stage": "totp"}
        )
    return SignIn()


def _home(user: User | None) -> AdministrativeUnit | None:
    """Where a person's sign-in events are placed, so auditors of that unit see them."""
    if user is None:
        return None
    return _scope_unit(unit=user.home_unit, organisation=user.organisation)


def record_sign_in(*, user: User, two_factor_verified: bool) -> None:
    throttling.clear(username=user.username)
    with transaction.atomic():
        audit.record(
            actor=user,
            action="accounts.login",
            target=user,
            unit=_home(user),
            after={"two_factor": two_factor_verified},
        )


def record_sign_out(*, user: User) -> None:
    with transaction.atomic():
        audit.record(actor=user, action="accounts.logout", target=user, unit=_home(user))


# -- two-factor enrolment --------------------------------------------------------------------------------


def start_totp_enrolment(*, user: User) -> str:
    """Create (or replace an unconfirmed) TOTP device for ``user``; return the plain secret to show once."""
    secret = two_factor.new_secret()
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user).first()
        if device is not None and device.confirmed_at is not None:
            raise ValidationError("Tài khoản đã có ứng dụng xác thực; liên hệ quản trị để cấp lại.")
        TOTPDevice.objects.update_or_create(
            user=user, defaults={"encrypted_secret": two_factor.encrypt_secret(secret), "last_used_step": 0}
        )
    return secret


def confirm_totp_enrolment(*, user: User, code: str) -> bool:
    """Confirm enrolment with a first code from the authenticator."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
        if device is None:
            return False
        step = two_factor.matching_step(
            two_factor.decrypt_secret(device.encrypted_secret), code, after_step=0
        )
        if step is None:
            return False
        device.confirmed_at, device.last_used_step = timezone.now(), step
        device.save(update_fields=["confirmed_at", "last_used_step"])
        audit.record(actor=user, action="accounts.totp.enrol", target=user)
    return True


def verify_totp(*, user: User, code: str) -> bool:
    """True for a valid, not yet used code of ``user``'s confirmed device."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
        if device is None:
            return False
        try:
            secret = two_factor.decrypt_secret(device.encrypted_secret)
        except two_factor.UnreadableSecretError:
            logger.warning("TOTP secret of %s unreadable (secret key changed?); an admin must reset it", user)
            return False
        step = two_factor.matching_step(secret, code, after_step=device.last_used_step)
        if step is None:
            return False
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])
    return True


def reset_totp(*, actor: Any, user: User) -> None:
    """Remove ``user``'s authenticator (lost phone); they enrol again at next sign-in."""
    access.require(
        actor, access.ACCOUNTS_MANAGE, unit=_scope_unit(unit=user.home_unit, organisation=user.organisation)
    )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit.record(actor=actor, action="accounts.totp.reset", target=user)


def set_totp_secret(*, actor: Any, user: User, secret: str) -> None:
    """Install a known, confirmed TOTP secret (demo accounts only; the CLI runs it as SYSTEM)."""
    if not isinstance(actor, access.SystemActor):
        raise ValidationError("Chỉ dùng cho dữ liệu trình diễn.")
    with transaction.atomic():
        TOTPDevice.objects.update_or_create(
            user=user,
            defaults={
                "encrypted_secret": two_factor.encrypt_secret(secret),
                "confirmed_at": timezone.now(),
                "last_used_step": 0,
            },
        )
        audit.record(actor=actor, action="accounts.totp.enrol", target=user, after={"demo": True})
