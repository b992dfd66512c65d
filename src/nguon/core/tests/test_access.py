"""The access matrix: roles × units × actions, including denials, organisation grants and the 2FA rule."""

from __future__ import annotations

import pytest
from django.http import Http404

from nguon.accounts.choices import Role
from nguon.core import access
from nguon.core.access import ROLE_ACTIONS, ROLES_REQUIRING_2FA
from nguon.units import services as unit_services
from nguon.units.models import AdministrativeUnit, Organisation

pytestmark = pytest.mark.django_db

ALL_ACTIONS = sorted({action for actions in ROLE_ACTIONS.values() for action in actions})
COMMUNE_ROLES = [Role.COMMUNE_EDITOR, Role.COMMUNE_APPROVER, Role.COMMUNE_OPERATOR, Role.VIEWER]


@pytest.fixture
def residential_a(commune):
    return unit_services.save_residential_unit(
        actor=access.SYSTEM, commune=commune, local_code="TDP01", name="Trung Kiên", kind="to_dan_pho"
    )


@pytest.fixture
def residential_b(other_commune):
    return unit_services.save_residential_unit(
        actor=access.SYSTEM, commune=other_commune, local_code="TDP01", name="Tổ 1", kind="to_dan_pho"
    )


@pytest.fixture
def hanoi_commune(db):
    return AdministrativeUnit.objects.get(path="01/00004/")


@pytest.mark.parametrize("role", COMMUNE_ROLES)
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_commune_grant_reaches_its_subtree_only(
    make_user, role, action, commune, other_commune, residential_a
):
    user = make_user(role, unit=commune)
    allowed = action in ROLE_ACTIONS[role]
    assert access.can(user, action, unit=commune) is allowed
    assert access.can(user, action, unit=residential_a) is allowed
    assert access.can(user, action, unit=other_commune) is False
    assert access.can(user, action, unit=commune.parent) is False  # not upwards to the province


@pytest.mark.parametrize(
    "role", [Role.EDITORIAL_BOARD, Role.PROVINCIAL_APPROVER, Role.TECHNICIAN, Role.AUDITOR]
)
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_province_grant_covers_its_communes_not_other_provinces(
    make_user, role, action, province, commune, other_commune, hanoi_commune
):
    user = make_user(role, unit=province)
    allowed = action in ROLE_ACTIONS[role]
    assert access.can(user, action, unit=commune) is allowed
    assert access.can(user, action, unit=other_commune) is allowed
    assert access.can(user, action, unit=hanoi_commune) is False


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_global_system_admin(make_user, action, commune, hanoi_commune):
    user = make_user(Role.SYSTEM_ADMIN)
    allowed = action in ROLE_ACTIONS[Role.SYSTEM_ADMIN]
    assert access.can(user, action, unit=commune) is allowed
    assert access.can(user, action, unit=hanoi_commune) is allowed


@pytest.mark.parametrize("role", sorted(ROLES_REQUIRING_2FA))
def test_2fa_roles_have_no_power_without_a_verified_session(make_user, role, commune):
    unit = None if role == Role.SYSTEM_ADMIN else commune
    unverified = make_user(role, unit=unit, verified=False)
    verified = make_user(role, unit=unit, verified=True)
    for action in ROLE_ACTIONS[role]:
        assert access.can(verified, action, unit=commune)
        assert not access.can(unverified, action, unit=commune)
    assert access.requires_2fa(unverified)


def test_roles_without_2fa_work_unverified(make_user, commune):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune, verified=False)
    assert access.can(user, access.CONTENT_WRITE, unit=commune)
    assert not access.requires_2fa(user)


def test_organisation_grant_scopes_to_the_organisation(make_user, province):
    sovh = unit_services.create_organisation(
        actor=access.SYSTEM,
        code="so-vh",
        kind="department",
        name="Sở Văn hóa, Thể thao và Du lịch",
        unit=province,
    )
    sokh = unit_services.create_organisation(
        actor=access.SYSTEM, code="so-kh", kind="department", name="Sở Khoa học và Công nghệ", unit=province
    )
    user = make_user(Role.DEPARTMENT_CONTRIBUTOR, organisation=sovh)
    assert access.can(user, access.CONTENT_WRITE, organisation=sovh)
    assert not access.can(user, access.CONTENT_WRITE, organisation=sokh)
    assert not access.can(user, access.CONTENT_APPROVE, organisation=sovh)
    visible = access.scope(user, Organisation.objects.all(), access.ORGANISATIONS_VIEW)
    assert list(visible) == [sovh]


def test_scope_filters_querysets(make_user, commune, residential_a, residential_b):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    rows = access.scope(user, AdministrativeUnit.objects.filter(level="residential"), access.UNITS_VIEW)
    assert list(rows) == [residential_a]
    none = access.scope(user, AdministrativeUnit.objects.all(), access.AUDIT_VIEW)
    assert not none.exists()


def test_missing_and_forbidden_are_the_same_404(make_user, commune, residential_b):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    qs = AdministrativeUnit.objects.all()
    with pytest.raises(Http404) as forbidden:
        access.get_scoped_or_404(user, qs, access.UNITS_VIEW, pk=residential_b.pk)
    with pytest.raises(Http404) as missing:
        access.get_scoped_or_404(user, qs, access.UNITS_VIEW, pk=10**9)
    assert str(forbidden.value) == str(missing.value)


def test_revoked_grant_stops_working(make_user, commune):
    from nguon.accounts import services

    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    assert access.can(user, access.CONTENT_WRITE, unit=commune)
    services.revoke_grant(actor=access.SYSTEM, grant=user.grants.get())
    assert not access.can(user, access.CONTENT_WRITE, unit=commune)


def test_inactive_and_anonymous_people_can_do_nothing(make_user, commune):
    from django.contrib.auth.models import AnonymousUser

    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    user.is_active = False
    assert not access.can(user, access.UNITS_VIEW, unit=commune)
    assert not access.can(AnonymousUser(), access.UNITS_VIEW, unit=commune)
    assert not access.scope(AnonymousUser(), AdministrativeUnit.objects.all(), access.UNITS_VIEW).exists()


def test_services_refuse_writes_outside_scope(make_user, commune, other_commune):
    user = make_user(Role.COMMUNE_EDITOR, unit=commune)
    unit_services.save_residential_unit(
        actor=user, commune=commune, local_code="X1", name="Thôn X", kind="thon"
    )
    with pytest.raises(Http404):
        unit_services.save_residential_unit(
            actor=user, commune=other_commune, local_code="X1", name="Thôn X", kind="thon"
        )
    assert not AdministrativeUnit.objects.filter(parent=other_commune, code__endswith="-X1").exists()


def test_only_global_admins_grant_global_roles(make_user, province):
    from django.core.exceptions import ValidationError

    from nguon.accounts import services

    provincial_admin = make_user(Role.SYSTEM_ADMIN, unit=province)
    target = make_user()
    with pytest.raises(ValidationError):
        services.grant_role(actor=provincial_admin, user=target, role=Role.SYSTEM_ADMIN)
    with pytest.raises(ValidationError):
        services.grant_role(actor=access.SYSTEM, user=target, role=Role.COMMUNE_EDITOR)  # needs a unit
