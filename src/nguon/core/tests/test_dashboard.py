"""Each role sees a dashboard and navigation that match what it may do."""

from __future__ import annotations

import pytest

from nguon.accounts.choices import Role
from nguon.core.access import ADMIN_SITE, AUDIT_VIEW, ROLE_ACTIONS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_dashboard_per_role(client, make_user, role, commune, province):
    unit = None if role == Role.SYSTEM_ADMIN else commune
    if role in (Role.DEPARTMENT_CONTRIBUTOR,):
        from nguon.core import access
        from nguon.units import services

        org = services.create_organisation(
            actor=access.SYSTEM,
            code="so-x",
            kind="department",
            name="Sở Văn hóa, Thể thao và Du lịch",
            unit=province,
        )
        user = make_user(role, organisation=org)
    else:
        user = make_user(role, unit=unit)
    client.force_login(user)
    session = client.session
    session["nguon_2fa_user"] = user.pk  # as after the TOTP step
    session.save()
    page = client.get("/").content.decode()
    assert str(role.label) in page
    assert ("Nhật ký kiểm toán" in page) is (AUDIT_VIEW in ROLE_ACTIONS[role])
    assert ('href="/admin/"' in page) is (ADMIN_SITE in ROLE_ACTIONS[role])
    assert "Đơn vị hành chính" in page


def test_anonymous_people_are_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_health_check(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_unit_search_page_with_htmx_partial(client, make_user, commune):
    client.force_login(make_user(Role.VIEWER, unit=commune))
    full = client.get("/units/", {"q": "dinh hoa"})
    assert "<html" in full.content.decode()
    assert "Xã Định Hóa" in full.content.decode()
    partial = client.get("/units/", {"q": "dinh hoa"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert "Xã Định Hóa" in partial
    listing = client.get("/units/").content.decode()
    assert listing.count("<tr>") == 93  # header + 92 communes and wards of Thái Nguyên
