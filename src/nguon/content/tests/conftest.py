"""Fixtures of the content tests: a department, the people of each workflow step, a category."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from nguon.accounts.choices import Role


@pytest.fixture
def category(db: Any) -> Any:
    from nguon.content.models import Category

    return Category.objects.get(code="chinh-sach-phap-luat")


@pytest.fixture
def department(province: Any) -> Any:
    from nguon.units.models import Organisation

    org, _ = Organisation.objects.get_or_create(
        code="so-vhttdl-test",
        defaults={"kind": "department", "name": "Sở Văn hóa, Thể thao và Du lịch", "unit": province},
    )
    return org


@dataclass
class People:
    contributor: Any  # department contributor
    board: Any  # editorial board (province)
    approver: Any  # provincial approver, 2FA-verified
    commune_editor: Any
    commune_approver: Any  # 2FA-verified
    operator: Any  # commune operator of ``commune``
    other_editor: Any  # commune editor of ``other_commune``
    other_operator: Any


@pytest.fixture
def people(
    make_user: Callable[..., Any], province: Any, commune: Any, other_commune: Any, department: Any
) -> People:
    return People(
        contributor=make_user(Role.DEPARTMENT_CONTRIBUTOR, organisation=department),
        board=make_user(Role.EDITORIAL_BOARD, unit=province),
        approver=make_user(Role.PROVINCIAL_APPROVER, unit=province),
        commune_editor=make_user(Role.COMMUNE_EDITOR, unit=commune),
        commune_approver=make_user(Role.COMMUNE_APPROVER, unit=commune),
        operator=make_user(Role.COMMUNE_OPERATOR, unit=commune),
        other_editor=make_user(Role.COMMUNE_EDITOR, unit=other_commune),
        other_operator=make_user(Role.COMMUNE_OPERATOR, unit=other_commune),
    )


@pytest.fixture
def bulletin_input(category: Any) -> Callable[..., Any]:
    """A valid :class:`BulletinInput` with overrides."""
    from nguon.content.services.bulletins import BulletinInput

    def make(**overrides: Any) -> Any:
        values: dict[str, Any] = {
            "title": "Triển khai Quyết định 614/QĐ-UBND về phát triển báo chí",
            "category": category,
            "summary": "Tóm tắt nội dung Đề án.",
            "body": "<p>Ủy ban nhân dân tỉnh đề nghị các xã tuyên truyền nội dung Quyết định 614.</p>",
        }
        values.update(overrides)
        return BulletinInput(**values)

    return make


@pytest.fixture
def sign_in(client: Any) -> Callable[..., Any]:
    """Sign ``user`` into the test client (a TOTP-verified session unless ``verified=False``)."""

    def do(user: Any, *, verified: bool = True) -> Any:
        client.logout()
        client.force_login(user)
        if verified:
            session = client.session
            session["nguon_2fa_user"] = user.pk
            session.save()
        return client

    return do
