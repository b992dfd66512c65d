"""Content admin: vocabularies edited through the audited service; workflow data read-only."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.content.models import Category, WorkflowPolicy
from nguon.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user: Any, sign_in: Any) -> Any:
    return sign_in(make_user(Role.SYSTEM_ADMIN))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/content/category/",
        "/admin/content/legacycategory/",
        "/admin/content/workflowpolicy/",
        "/admin/content/bulletin/",
        "/admin/content/inboxentry/",
        "/admin/content/delivery/",
        "/admin/content/campaign/",
        "/admin/content/campaigntarget/",
        "/admin/content/centralintake/",
    ],
)
def test_admin_pages_open(admin_client: Any, path: str) -> None:
    assert admin_client.get(path).status_code == 200


def test_policy_change_goes_through_the_service_and_is_audited(admin_client: Any) -> None:
    policy = WorkflowPolicy.objects.get(source_level="commune")
    response = admin_client.post(
        f"/admin/content/workflowpolicy/{policy.pk}/change/",
        {
            "source_level": "commune",
            "requires_appraisal": "on",
            "appraise_hours": "12",
            "approve_hours": "24",
            "revise_hours": "48",
            "inbox_hours": "24",
        },
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.requires_appraisal is True
    assert policy.approve_at_province is False
    event = AuditEvent.objects.filter(action="content.workflowpolicy.update").latest("seq")
    assert event.before["requires_appraisal"] is False
    assert event.after["appraise_hours"] == 12


def test_new_category_is_stored_in_nfc(admin_client: Any) -> None:
    name = "Chuyển đổi số"
    response = admin_client.post(
        "/admin/content/category/add/",
        {
            "code": "chuyen-doi-so",
            "name": unicodedata.normalize("NFD", name),
            "group": "2",
            "sort_order": "20",
        },
    )
    assert response.status_code == 302
    assert Category.objects.get(code="chuyen-doi-so").name == unicodedata.normalize("NFC", name)
    assert AuditEvent.objects.filter(action="content.category.create").exists()


def test_bulletins_are_read_only_in_admin(admin_client: Any) -> None:
    assert admin_client.get("/admin/content/bulletin/add/").status_code == 403
