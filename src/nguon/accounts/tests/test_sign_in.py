"""Sign-in: password step, TOTP step, throttling, 2FA enforcement for approvers, Argon2, sessions."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings

from nguon.accounts import services, two_factor
from nguon.accounts.choices import Role
from nguon.accounts.models import LoginFailure, TOTPDevice
from nguon.core import access
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-thu-nghiem-2026"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def login(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def enrol(user, secret=SECRET):
    services.set_totp_secret(actor=access.SYSTEM, user=user, secret=secret)


def test_login_page_is_vietnamese(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="vi"' in page
    assert "Đăng nhập" in page
    assert 'autocomplete="current-password"' in page


def test_password_login_for_a_role_without_2fa(client, make_user, commune):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    response = login(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.login", actor_id=user.pk).exists()


def test_wrong_password_is_refused_and_recorded(client, make_user, commune):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    response = login(client, user.username, "sai-mat-khau")
    assert response.status_code == 400
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert LoginFailure.objects.filter(username_key=user.username).count() == 1
    assert AuditEvent.objects.filter(action="accounts.login.failed").exists()


@override_settings(NGUON_LOGIN_MAX_FAILURES=3, NGUON_LOGIN_LOCKOUT_MINUTES=15)
def test_throttling_locks_the_account_even_for_the_right_password(client, make_user, commune):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    for _ in range(3):
        assert login(client, user.username, "sai").status_code == 400
    response = login(client, user.username)
    assert response.status_code == 429
    assert "thử lại sau 15 phút" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(NGUON_LOGIN_MAX_FAILURES=2, NGUON_LOGIN_LOCKOUT_MINUTES=15)
def test_throttling_per_address_across_accounts(client, make_user, commune):
    users = [make_user(Role.COMMUNE_EDITOR, unit=commune) for _ in range(5)]
    # 2 × 4 = 8 failures from one address lock that address for every account.
    for i in range(8):
        login(client, users[i % 4].username, "sai", REMOTE_ADDR="198.51.100.7")
    assert login(client, users[4].username, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert login(client, users[4].username, REMOTE_ADDR="198.51.100.8").status_code == 302


@override_settings(NGUON_LOGIN_MAX_FAILURES=2, NGUON_LOGIN_LOCKOUT_MINUTES=1)
def test_lockout_expires(client, make_user, commune):
    from datetime import timedelta

    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    login(client, user.username, "sai")
    login(client, user.username, "sai")
    assert login(client, user.username).status_code == 429
    LoginFailure.objects.update(occurred_at=LoginFailure.objects.first().occurred_at - timedelta(minutes=2))
    assert login(client, user.username).status_code == 302
    assert not LoginFailure.objects.filter(username_key=user.username).exists()  # cleared on success


def test_approver_must_enrol_before_doing_anything(client, make_user, commune):
    approver = make_user(Role.COMMUNE_APPROVER, unit=commune, verified=False)
    response = login(client, approver.username)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"
    # Every other page sends them back to enrolment; the API answers with a structured error.
    assert client.get("/")["Location"] == "/accounts/two-factor/"
    assert client.get("/units/")["Location"] == "/accounts/two-factor/"
    api = client.get("/api/v1/me")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "two_factor_required"
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    secret = client.session["nguon_enrol_secret"]
    assert "<svg" in page.content.decode()
    bad = client.post("/accounts/two-factor/", {"code": "000000"})
    assert bad.status_code == 400
    good = client.post("/accounts/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert good["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").json()["two_factor_verified"] is True
    assert TOTPDevice.objects.get(user=approver).confirmed_at is not None


def test_enrolled_user_passes_the_totp_step(client, make_user, commune):
    approver = make_user(Role.COMMUNE_APPROVER, unit=commune, verified=False)
    enrol(approver)
    response = login(client, approver.username)
    assert response["Location"] == "/accounts/login/verify/"
    assert "_auth_user_id" not in client.session  # not signed in before the second factor
    assert client.post("/accounts/login/verify/", {"code": "123456"}).status_code == 400
    response = client.post("/accounts/login/verify/", {"code": pyotp.TOTP(SECRET).now()})
    assert response["Location"] == "/"
    me = client.get("/api/v1/me").json()
    assert me["two_factor_verified"] is True
    assert access.CONTENT_APPROVE in me["actions"]


def test_a_totp_code_cannot_be_replayed(make_user, commune):
    approver = make_user(Role.COMMUNE_APPROVER, unit=commune)
    enrol(approver)
    code = pyotp.TOTP(SECRET).now()
    assert services.verify_totp(user=approver, code=code)
    assert not services.verify_totp(user=approver, code=code)


def test_totp_secret_is_encrypted_at_rest(make_user, commune):
    approver = make_user(Role.COMMUNE_APPROVER, unit=commune)
    enrol(approver)
    stored = TOTPDevice.objects.get(user=approver).encrypted_secret
    assert SECRET not in stored
    assert two_factor.decrypt_secret(stored) == SECRET


def test_totp_window_accepts_neighbouring_steps_only():
    now = time.time()
    totp = pyotp.TOTP(SECRET)
    assert two_factor.matching_step(SECRET, totp.at(now - 30), after_step=0, now=now) is not None
    assert two_factor.matching_step(SECRET, totp.at(now - 120), after_step=0, now=now) is None
    assert two_factor.matching_step(SECRET, "12345", after_step=0, now=now) is None


def test_session_cookie_and_safe_redirects(client, make_user, commune, settings):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == "/"
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_logout_requires_post_and_is_recorded(client, make_user, commune):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.logout", actor_id=user.pk).exists()


@pytest.mark.real_password_hashing
def test_passwords_are_hashed_with_argon2(make_user, commune):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    assert identify_hasher(user.password).algorithm == "argon2"


def test_admin_site_needs_a_verified_system_admin(client, make_user, commune):
    admin = make_user(Role.SYSTEM_ADMIN, verified=False)
    enrol(admin)
    editor = make_user(Role.COMMUNE_EDITOR, unit=commune)
    client.force_login(editor)
    assert client.get("/admin/").status_code == 302
    client.logout()
    login(client, admin.username)
    client.post("/accounts/login/verify/", {"code": pyotp.TOTP(SECRET).now()})
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/auditevent/").status_code == 200
