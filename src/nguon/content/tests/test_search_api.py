"""Search through the API (``/api/v1/content/search``) and the page (``/content/search/``): shape, filters,
errors in the project's shape, who sees what, highlighting and paging."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from nguon.accounts.choices import Role
from nguon.content.choices import Priority, TargetScope
from nguon.content.models import Category
from nguon.content.services import bulletins, workflow
from nguon.content.views.search import highlight

pytestmark = pytest.mark.django_db

API = "/api/v1/content/search"
PAGE = "/content/search/"


def commune_bulletin(people: Any, commune: Any, bulletin_input: Any, **overrides: Any) -> Any:
    overrides.setdefault("target_scope", TargetScope.COMMUNES)
    return bulletins.create_bulletin(
        actor=people.commune_editor, unit=commune, data=bulletin_input(**overrides)
    )


def test_api_returns_count_and_items(client, people, commune, bulletin_input):
    b = commune_bulletin(people, commune, bulletin_input, priority=Priority.PRIORITY)
    client.force_login(people.commune_editor)

    body = client.get(API, {"q": "quyet dinh 614"}).json()
    assert body["count"] == 1
    assert body["is_count_exact"] is True
    (item,) = body["items"]
    assert set(item) == {"kind", "id", "title", "snippet", "status", "language", "priority", "dated", "url"}
    assert item["kind"] == "bulletin"
    assert item["id"] == b.pk
    assert item["title"] == "Triển khai Quyết định 614/QĐ-UBND về phát triển báo chí"
    assert item["snippet"] == "Tóm tắt nội dung Đề án."
    assert (item["status"], item["language"], item["priority"]) == ("draft", "vi", "priority")
    assert item["url"] == reverse("content:bulletin", args=[b.pk])

    assert client.get(API, {"q": "Quyết định 614"}).json()["count"] == 1
    assert client.get(API, {"q": '"*NEAR(-'}).json() == {"count": 0, "is_count_exact": True, "items": []}
    assert client.get(API).json()["count"] == 0  # no words: nothing


def test_api_filters(client, people, commune, bulletin_input):
    disaster = Category.objects.get(code="thien-tai-dich-benh")
    flood = commune_bulletin(people, commune, bulletin_input, title="Cảnh báo lũ quét", category=disaster)
    commune_bulletin(people, commune, bulletin_input, title="Thông báo lũ quét")
    client.force_login(people.commune_editor)
    today = timezone.localdate()

    def ids(params: dict[str, Any] | None = None, **more: Any) -> set[int]:
        response = client.get(API, {"q": "lu quet", **(params or {}), **more})
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert len(ids()) == 2
    assert ids(category="thien-tai-dich-benh") == {flood.pk}
    assert ids(category=str(disaster.pk)) == {flood.pk}
    assert len(ids(unit="05569")) == 2
    assert len(ids(unit="19/05569")) == 2
    assert ids(unit="05443") == set()
    assert len(ids(kind="bulletin", status="draft", language="vi", priority="normal")) == 2
    assert len(ids({"from": today.isoformat(), "to": today.isoformat()})) == 2
    assert ids({"to": (today - timedelta(days=1)).isoformat()}) == set()
    assert len(ids(limit=1)) == 1
    assert len(ids(limit=1, offset=1)) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "news"}, "kind"),
        ({"status": "lost"}, "status"),
        ({"language": "fr"}, "language"),
        ({"priority": "urgent"}, "priority"),
        ({"unit": "99999"}, "unit"),
        ({"category": "khong-co"}, "category"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to"),
    ],
)
def test_api_bad_filters_use_the_error_shape(client, people, params, field):
    client.force_login(people.commune_editor)
    response = client.get(API, {"q": "lu", **params})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in {d["field"] for d in error["details"]}


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"from": "2026-13-01"}])
def test_api_bad_paging_and_dates_are_422(client, people, params):
    client.force_login(people.commune_editor)
    response = client.get(API, {"q": "lu", **params})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_api_needs_a_session_and_content_view(client, make_user, commune):
    assert client.get(API, {"q": "lu"}).status_code == 401
    client.force_login(make_user(Role.TECHNICIAN, unit=commune))
    response = client.get(API, {"q": "lu"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_scoping(client, people, department, commune, bulletin_input):
    draft = commune_bulletin(people, commune, bulletin_input, title="Dự thảo quy chế họp thôn")
    client.force_login(people.other_editor)
    assert client.get(API, {"q": "quy che hop thon"}).json()["count"] == 0
    client.force_login(people.commune_editor)
    assert [i["id"] for i in client.get(API, {"q": "quy che hop thon"}).json()["items"]] == [draft.pk]

    whole = bulletins.create_bulletin(
        actor=people.contributor, organisation=department, data=bulletin_input(title="Cảnh báo nắng nóng")
    )
    workflow.submit(actor=people.contributor, bulletin=whole)
    workflow.appraise(actor=people.board, bulletin=whole)
    workflow.approve(actor=people.approver, bulletin=whole)
    client.force_login(people.operator)
    assert [i["id"] for i in client.get(API, {"q": "nang nong"}).json()["items"]] == [whole.pk]


# -- the page --------------------------------------------------------------------------------------------
def test_highlight_marks_folded_matches_and_escapes():
    assert highlight("Quyết định 614/QĐ-UBND", ["quyet", "dinh", "614"]) == (
        "<mark>Quyết</mark> <mark>định</mark> <mark>614</mark>/QĐ-UBND"
    )
    assert highlight("Tiêm chủng mở rộng", ["tiem", "ch"]) == "<mark>Tiêm</mark> <mark>chủng</mark> mở rộng"
    assert highlight("<b>Lũ</b> & mưa", ["lu"]) == "&lt;b&gt;<mark>Lũ</mark>&lt;/b&gt; &amp; mưa"
    assert highlight("Định Hóa", []) == "Định Hóa"


def test_page_lists_highlighted_results(client, people, commune, bulletin_input):
    b = commune_bulletin(people, commune, bulletin_input, title="<i>Lịch</i> tiếp công dân xã Định Hóa")
    client.force_login(people.commune_editor)

    response = client.get(PAGE, {"q": "dinh hoa"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tìm kiếm bản tin và chiến dịch" in html
    assert "<mark>Định</mark> <mark>Hóa</mark>" in html
    assert "&lt;i&gt;Lịch&lt;/i&gt;" in html  # the title is escaped
    assert reverse("content:bulletin", args=[b.pk]) in html
    assert "1 kết quả" in html
    assert "Bản nháp" in html  # the status label

    assert "Nhập từ khóa để tìm." in client.get(PAGE, {"q": "  ", "kind": ""}).content.decode()
    assert "Không tìm thấy kết quả nào" in client.get(PAGE, {"q": "khong co dau"}).content.decode()


def test_page_scoping_and_access(client, people, commune, make_user, bulletin_input):
    commune_bulletin(people, commune, bulletin_input, title="Dự thảo quy chế họp thôn")
    client.force_login(people.other_editor)
    html = client.get(PAGE, {"q": "quy che hop thon"}).content.decode()
    assert "Dự thảo quy chế họp thôn" not in html
    assert "Không tìm thấy kết quả nào" in html

    client.force_login(make_user(Role.TECHNICIAN, unit=commune))
    assert client.get(PAGE, {"q": "quy che"}).status_code == 404
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_page_reports_bad_filters(client, people):
    client.force_login(people.commune_editor)
    response = client.get(PAGE, {"q": "lu", "date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert response.status_code == 400
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()
    assert client.get(PAGE, {"q": "lu", "kind": "news"}).status_code == 400


def test_page_says_at_least_when_the_count_is_capped(client, people, commune, bulletin_input, monkeypatch):
    from nguon.content.selectors import search as selectors

    for i in range(4):
        commune_bulletin(people, commune, bulletin_input, title=f"Tin vắn số {i}")
    monkeypatch.setattr(selectors, "CANDIDATE_LIMIT", 3)
    client.force_login(people.commune_editor)
    assert "Có ít nhất 3 kết quả" in client.get(PAGE, {"q": "tin van"}).content.decode()
    body = client.get(API, {"q": "tin van"}).json()
    assert (body["count"], body["is_count_exact"]) == (3, False)


def test_page_pages_through_results(client, people, commune, bulletin_input):
    for i in range(21):
        commune_bulletin(people, commune, bulletin_input, title=f"Tin vắn số {i}")
    client.force_login(people.commune_editor)

    first = client.get(PAGE, {"q": "tin van"}).content.decode()
    assert "21 kết quả" in first
    assert "Trang 1/2" in first
    assert "page=2" in first
    second = client.get(PAGE, {"q": "tin van", "page": "2"}).content.decode()
    assert "Trang 2/2" in second
    assert second.count('<li class="result">') == 1
    assert first.count('<li class="result">') == 20
    assert client.get(PAGE, {"q": "tin van", "page": "x"}).status_code == 200
