"""Organisations are data attached to units; renames and mergers keep their history."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from nguon.accounts.choices import Role
from nguon.core import access
from nguon.core.models import AuditEvent
from nguon.units import services
from nguon.units.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(province):
    return services.create_organisation(
        actor=access.SYSTEM,
        code="so-tttt",
        kind="department",
        name="Sở Thông tin và Truyền thông",
        short_name="Sở TT&TT",
        unit=province,
        valid_from=date(2008, 8, 1),
    )


def test_rename_keeps_the_old_name(department):
    services.rename_organisation(
        actor=access.SYSTEM,
        organisation=department,
        name="Sở Khoa học và Công nghệ",
        effective_on=date(2025, 3, 1),
        reason="Hợp nhất theo Nghị quyết của HĐND tỉnh",
    )
    department.refresh_from_db()
    assert department.name == "Sở Khoa học và Công nghệ"
    names = list(department.names.values_list("name", "valid_from", "valid_until"))
    assert names == [
        ("Sở Thông tin và Truyền thông", date(2008, 8, 1), date(2025, 3, 1)),
        ("Sở Khoa học và Công nghệ", date(2025, 3, 1), None),
    ]
    event = AuditEvent.objects.get(action="organisations.rename")
    assert event.before["name"] == "Sở Thông tin và Truyền thông"


def test_rename_cannot_go_back_in_time(department):
    with pytest.raises(ValidationError):
        services.rename_organisation(
            actor=access.SYSTEM, organisation=department, name="Tên khác", effective_on=date(2000, 1, 1)
        )


def test_merger_keeps_sources_as_history(province, department):
    newspaper = services.create_organisation(
        actor=access.SYSTEM, code="bao", kind="press", name="Báo Thái Nguyên", unit=province
    )
    merged = services.create_organisation(
        actor=access.SYSTEM,
        code="bao-ptth",
        kind="press",
        name="Báo và Phát thanh, Truyền hình Thái Nguyên",
        unit=province,
    )
    services.merge_organisations(
        actor=access.SYSTEM, sources=[newspaper], into=merged, effective_on=date(2025, 7, 1)
    )
    newspaper.refresh_from_db()
    assert (newspaper.is_active, newspaper.successor, newspaper.dissolved_on) == (
        False,
        merged,
        date(2025, 7, 1),
    )
    assert list(merged.predecessors.all()) == [newspaper]
    assert newspaper.names.get().valid_until == date(2025, 7, 1)


def test_names_are_stored_in_nfc(province):
    import unicodedata

    org = services.create_organisation(
        actor=access.SYSTEM,
        code="x",
        kind="other",
        name=unicodedata.normalize("NFD", "Hội Nông dân"),
        unit=province,
    )
    assert org.name == unicodedata.normalize("NFC", "Hội Nông dân")


def test_commune_staff_cannot_create_provincial_organisations(make_user, commune, province):
    approver = make_user(Role.COMMUNE_APPROVER, unit=commune)
    with pytest.raises(Http404):
        services.create_organisation(
            actor=approver, code="y", kind="department", name="Sở Giả", unit=province
        )
    assert not Organisation.objects.filter(code="y").exists()


def test_organisation_pages_are_scoped(client, make_user, commune, other_commune, province):
    mine = services.create_organisation(
        actor=access.SYSTEM,
        code="vhxh-a",
        kind="commune_office",
        name="Phòng Văn hóa - Xã hội xã Định Hóa",
        unit=commune,
    )
    theirs = services.create_organisation(
        actor=access.SYSTEM,
        code="vhxh-b",
        kind="commune_office",
        name="Phòng Văn hóa - Xã hội phường Phan Đình Phùng",
        unit=other_commune,
    )
    client.force_login(make_user(Role.COMMUNE_EDITOR, unit=commune))
    listing = client.get("/units/organisations/").content.decode()
    assert mine.name in listing
    assert theirs.name not in listing
    assert client.get(f"/units/organisations/{mine.code}/").status_code == 200
    assert client.get(f"/units/organisations/{theirs.code}/").status_code == 404
    assert client.get("/units/organisations/khong-co/").status_code == 404
    api = client.get("/api/v1/units/organisations").json()
    assert [o["code"] for o in api] == ["vhxh-a"]
