"""Back-office forms and edge cases: bad input gives form errors (never a 500), proxies, key rotation."""

from __future__ import annotations

import pyotp
import pytest
from django.test import override_settings

from nguon.accounts import services
from nguon.accounts.choices import Role
from nguon.accounts.models import RoleGrant, TOTPDevice, User
from nguon.core import access, audit
from nguon.core.models import AuditEvent
from nguon.units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    client.force_login(admin)
    session = client.session
    session["nguon_2fa_user"] = admin.pk
    session.save()
    return client


def test_admin_creates_a_user_through_the_service(admin_client, commune):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "Nguoi.Moi",
            "full_name": "Người Mới",
            "password": "Mot-mat-khau-dai-2026",
            "home_unit": commune.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="nguoi.moi")
    assert user.check_password("Mot-mat-khau-dai-2026")
    assert AuditEvent.objects.filter(action="accounts.user.create", target_id=str(user.pk)).exists()


def test_admin_weak_password_is_a_form_error(admin_client):
    response = admin_client.post("/admin/accounts/user/add/", {"username": "yeu", "password": "123"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not User.objects.filter(username="yeu").exists()


def test_admin_grant_on_a_historical_unit_is_a_form_error(admin_client, make_user):
    target = make_user()
    cho_chu = AdministrativeUnit.objects.get(full_name="Thị trấn Chợ Chu")
    response = admin_client.post(
        "/admin/accounts/rolegrant/add/", {"user": target.pk, "role": Role.COMMUNE_EDITOR, "unit": cho_chu.pk}
    )
    assert response.status_code == 200
    assert "trước 2025" in response.content.decode()
    assert not RoleGrant.objects.filter(user=target).exists()


def test_admin_grant_and_revoke(admin_client, make_user, commune):
    target = make_user()
    response = admin_client.post(
        "/admin/accounts/rolegrant/add/", {"user": target.pk, "role": Role.COMMUNE_EDITOR, "unit": commune.pk}
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=target)
    admin_client.post("/admin/accounts/rolegrant/", {"action": "revoke", "_selected_action": [grant.pk]})
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert AuditEvent.objects.filter(action="accounts.grant.revoke").exists()


@override_settings(NGUON_BEHIND_PROXY=True)
def test_client_address_from_the_trusted_proxy(client, make_user, commune):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    client.post(
        "/accounts/login/",
        {"username": user.username, "password": "sai"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50",
    )
    event = AuditEvent.objects.get(action="accounts.login.failed")
    assert event.ip_address == "203.0.113.50"  # the hop the proxy appended, not the client-supplied one


def test_without_proxy_setting_forwarded_headers_are_ignored(client, make_user, commune):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    client.post(
        "/accounts/login/",
        {"username": user.username, "password": "sai"},
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert AuditEvent.objects.get(action="accounts.login.failed").ip_address == "192.0.2.10"


def test_sign_in_events_are_visible_to_the_units_auditor(client, make_user, commune):
    editor = make_user(Role.COMMUNE_EDITOR, unit=commune)
    client.post("/accounts/login/", {"username": editor.username, "password": "Mat-khau-thu-nghiem-2026"})
    auditor = make_user(Role.AUDITOR, unit=commune)
    events = audit_events_for(auditor)
    assert "accounts.login" in events


def audit_events_for(user):
    from nguon.core.selectors import list_audit_events

    return set(list_audit_events(user=user).values_list("action", flat=True))


def test_rotated_secret_key_gives_a_clear_failure_not_a_crash(client, make_user, commune, settings):
    approver = make_user(Role.COMMUNE_APPROVER, unit=commune, verified=False)
    services.set_totp_secret(actor=access.SYSTEM, user=approver, secret=SECRET)
    settings.SECRET_KEY = "a-completely-different-secret-key-after-rotation-0123456789"
    client.post("/accounts/login/", {"username": approver.username, "password": "Mat-khau-thu-nghiem-2026"})
    response = client.post("/accounts/login/verify/", {"code": pyotp.TOTP(SECRET).now()})
    assert response.status_code == 400
    services.reset_totp(actor=access.SYSTEM, user=approver)
    assert not TOTPDevice.objects.filter(user=approver).exists()


def test_deleting_a_person_leaves_the_trail_intact(make_user, commune):
    from nguon.units.services import save_residential_unit

    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    save_residential_unit(actor=user, commune=commune, local_code="D1", name="Thôn Dấu", kind="thon")
    label = user.username
    user.delete()
    assert AuditEvent.objects.filter(actor_label=label).exists()
    assert audit.verify().ok


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/speech/voice/",
        "/admin/speech/abbreviation/",
        "/admin/accounts/loginfailure/",
        "/admin/units/administrativeunit/?q=dinh",
        "/admin/units/organisation/",
        "/admin/core/auditevent/",
    ],
)
def test_admin_pages_open_for_the_system_admin(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_admin_edits_a_voice_through_the_service(admin_client):
    from nguon.speech.models import Voice

    voice = Voice.objects.get(code="espeak-vi-bac")
    page = admin_client.get(f"/admin/speech/voice/{voice.pk}/change/")
    assert page.status_code == 200
    response = admin_client.post(
        f"/admin/speech/voice/{voice.pk}/change/",
        {
            "code": voice.code,
            "label": "Giọng Bắc",
            "engine": "espeak",
            "engine_voice": "vi",
            "reading_style": "northern",
            "default_speed": "1.10",
            "default_pitch": "50",
            "http_url": "",
            "is_active": "on",
            "sort_order": "1",
            "api_key": "",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="speech.voice.save", target_id=str(voice.pk)).exists()
