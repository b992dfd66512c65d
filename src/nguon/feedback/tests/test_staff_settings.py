"""Settings for ``feedback.configure``: categories with deadlines, routing rules; refusals in Vietnamese."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.feedback.models import FeedbackCategory, RoutingRule
from nguon.feedback.tests.fixtures import OTHER_COMMUNE, commune, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def configurer(make_user: Any, province: Any, client: Any) -> Any:
    user = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    client.force_login(user)
    session = client.session
    session["nguon_2fa_user"] = user.pk
    session.save()
    return user


def test_category_is_created_edited_and_its_code_kept_once_used(client: Any, configurer: Any) -> None:
    page = client.get(reverse("feedback:settings"))
    assert page.status_code == 200
    assert "moi-truong" in page.content.decode()
    bad = client.post(
        reverse("feedback:category-new"), {"code": "moi-truong", "name": "", "deadline_days": 0}
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "Mã này đã có." in html
    assert "Trường này không được để trống." in html
    created = client.post(
        reverse("feedback:category-new"),
        {"code": "nuoc-sach", "name": "Nước sạch", "deadline_days": 7, "active": "on", "position": 11},
    )
    assert created.status_code == 302
    category = FeedbackCategory.objects.get(code="nuoc-sach")
    assert category.deadline_days == 7
    assert AuditEvent.objects.filter(action="feedback.category.create", target_id=str(category.pk)).exists()
    used = FeedbackCategory.objects.get(code="moi-truong")
    submit()
    renamed = client.post(
        reverse("feedback:category-edit", args=[used.pk]),
        {"code": "moi-truong-2", "name": used.name, "deadline_days": 5, "active": "on", "position": 0},
    )
    assert renamed.status_code == 422
    assert "không đổi mã được" in renamed.content.decode()


def test_rules_are_added_refused_and_deleted(client: Any, configurer: Any, province: Any) -> None:
    category = FeedbackCategory.objects.get(code="giao-thong")
    added = client.post(
        reverse("feedback:rule-create"),
        {"category": category.pk, "unit": commune().pk, "handling_unit": province.pk, "deadline_days": 15},
    )
    assert added.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.unit, rule.handling_unit, rule.deadline_days) == (commune(), province, 15)
    routed = submit(category=category)
    assert routed.handling_unit == province
    assert (routed.due_at - routed.received_at).days == 15
    twice = client.post(
        reverse("feedback:rule-create"),
        {"category": category.pk, "unit": commune().pk, "handling_unit": province.pk},
    )
    assert twice.status_code == 422
    assert "Đã có quy tắc" in twice.content.decode()
    client.post(reverse("feedback:rule-delete", args=[rule.pk]))
    assert not RoutingRule.objects.exists()
    assert AuditEvent.objects.filter(action="feedback.rule.delete").count() == 1


def test_handlers_cannot_configure(client: Any, handler: Any) -> None:
    client.force_login(handler)
    assert client.get(reverse("feedback:settings")).status_code == 404
    assert client.post(reverse("feedback:category-new"), {"code": "x", "name": "X"}).status_code == 404
    other = commune(OTHER_COMMUNE)
    assert (
        client.post(
            reverse("feedback:rule-create"), {"unit": other.pk, "handling_unit": other.pk}
        ).status_code
        == 404
    )
    assert not FeedbackCategory.objects.filter(code="x").exists()


def test_admin_lists_feedback_read_only_without_personal_data(client: Any, make_user: Any) -> None:
    admin = make_user(Role.SYSTEM_ADMIN)
    client.force_login(admin)
    session = client.session
    session["nguon_2fa_user"] = admin.pk
    session.save()
    feedback = submit()
    for model in ("feedback", "feedbackcategory", "routingrule", "apiclient", "answer"):
        page = client.get(f"/admin/feedback/{model}/")
        assert page.status_code == 200, model
    detail = client.get(f"/admin/feedback/feedback/{feedback.pk}/change/").content.decode()
    assert feedback.public_id in detail
    assert "0912345678" not in detail
    assert "hoa@example.vn" not in detail
    assert client.get("/admin/feedback/feedback/add/").status_code == 403
