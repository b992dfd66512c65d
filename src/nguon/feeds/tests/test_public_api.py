"""The public read API (/api/public/v1/): lists and items against raw rows, pagination, filters, ETags,
and clear 4xx JSON errors for every bad query."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nguon.content.models import Bulletin, Category
from nguon.content.services import workflow
from nguon.feeds import links
from nguon.portal.selectors import list_public
from nguon.units.selectors import list_communes

pytestmark = pytest.mark.django_db
API = "/api/public/v1"


def _get(client: Any, path: str, **query: Any) -> Any:
    return client.get(API + path, query)


def _ok(client: Any, path: str, **query: Any) -> Any:
    response = _get(client, path, **query)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


@pytest.fixture
def five(publish: Callable[..., Any]) -> list[Any]:
    return [publish(title=f"Thông báo số {n} về tiêm chủng", summary=f"Tóm tắt {n}") for n in range(1, 6)]


def test_list_pages_through_the_section_newest_first(client: Any, five: list[Any]) -> None:
    expected = list(list_public(language="vi").values_list("pk", flat=True))
    assert expected == [b.pk for b in reversed(five)]
    first = _ok(client, "/bulletins", page_size=2)
    assert (first["count"], first["pages"], first["page"], first["page_size"]) == (5, 3, 1, 2)
    assert first["previous"] is None
    assert first["next"].startswith("http")
    assert "page=2" in first["next"]
    assert "page_size=2" in first["next"]
    seen = [i["id"] for i in first["items"]]
    seen += [i["id"] for i in _ok(client, "/bulletins", page_size=2, page=2)["items"]]
    last = _ok(client, "/bulletins", page_size=2, page=3)
    seen += [i["id"] for i in last["items"]]
    assert seen == expected
    assert last["next"] is None
    assert "page=2" in last["previous"]
    assert _ok(client, "/bulletins", page_size=2, page=4)["items"] == []
    item = first["items"][0]
    newest = Bulletin.objects.get(pk=expected[0])
    assert item["title"] == newest.title
    assert item["uri"] == links.bulletin_tag(newest.pk)
    assert item["url"] == links.item_url(newest.pk, "vi")
    assert item["unit"] == {"code": "05569", "name": "Xã Định Hóa"}
    assert item["category"]["code"] == newest.category.code
    assert item["revision"] == newest.live_revision == 1
    assert "body_html" not in item


def test_list_filters(
    client: Any,
    publish: Callable[..., Any],
    five: list[Any],
    other_commune: Any,
    translate: Callable[..., Any],
) -> None:
    other = Category.objects.exclude(code=five[0].category.code).filter(is_active=True).first()
    assert other is not None
    odd = publish(title="Tin lĩnh vực khác", category=other)
    assert [i["id"] for i in _ok(client, "/bulletins", category=other.code)["items"]] == [odd.pk]
    assert _ok(client, "/bulletins", unit="05569")["count"] == 6
    assert _ok(client, "/bulletins", unit=other_commune.code)["count"] == 0
    cut = five[2].distributed_at
    since = _ok(client, "/bulletins", since=cut.isoformat())
    assert [i["id"] for i in since["items"]] == [odd.pk, five[4].pk, five[3].pk]
    assert since["count"] == Bulletin.objects.filter(distributed_at__gt=cut).count() == 3
    translate(five[0], "en", "Notice no. 1")
    english = _ok(client, "/bulletins", language="en")
    assert [(i["id"], i["title"], i["is_translation"]) for i in english["items"]] == [
        (five[0].pk, "Notice no. 1", True)
    ]
    # distributed before ``since`` but translated after it: in the English changes since then
    assert _ok(client, "/bulletins", language="en", since=odd.distributed_at.isoformat())["count"] == 1
    assert _ok(client, "/bulletins", language="en", since=(cut + timedelta(days=1)).isoformat())["count"] == 0


def test_detail_in_each_language(client: Any, five: list[Any], translate: Callable[..., Any]) -> None:
    b = five[0]
    vi = _ok(client, f"/bulletins/{b.pk}")
    assert vi["title"] == b.title
    assert vi["body_html"] == b.body
    assert vi["body_text"] == b.body_text
    translate(b, "en", "Notice no. 1", "<p>Vaccination <b>schedule</b>.</p>")
    en = _ok(client, f"/bulletins/{b.pk}", language="en")
    assert (en["language"], en["title"], en["is_translation"], en["original_language"]) == (
        "en",
        "Notice no. 1",
        True,
        "vi",
    )
    assert en["body_html"] == "<p>Vaccination <b>schedule</b>.</p>"
    assert en["uri"] == links.bulletin_tag(b.pk, "en")
    zh = _ok(client, f"/bulletins/{b.pk}", language="zh")  # no translation: the original
    assert zh["language"] == "vi"
    assert zh["title"] == b.title


def test_withdrawn_is_410_and_leaves_the_list(
    client: Any, people: Any, five: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    etag = _get(client, "/bulletins")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):  # bulletin_withdrawn moves the version
        workflow.withdraw(actor=people.commune_approver, bulletin=five[1], reason="Sai thông tin")
    response = _get(client, f"/bulletins/{five[1].pk}")
    assert response.status_code == 410
    assert json.loads(response.content)["error"]["code"] == "withdrawn"
    listing = client.get(API + "/bulletins", HTTP_IF_NONE_MATCH=etag)
    assert listing.status_code == 200
    assert five[1].pk not in [i["id"] for i in json.loads(listing.content)["items"]]
    assert json.loads(listing.content)["count"] == 4


def test_categories_and_communes_match_the_rows(client: Any, db: Any) -> None:
    categories = _ok(client, "/categories")
    assert [c["code"] for c in categories] == list(
        Category.objects.filter(is_active=True).values_list("code", flat=True)
    )
    communes = _ok(client, "/communes")
    rows = list(list_communes(province_code=settings.NGUON_PROVINCE_CODE))
    assert len(communes) == len(rows) > 0
    assert [c["code"] for c in communes] == [u.code for u in rows]
    assert {"code": "05569", "name": "Định Hóa", "full_name": "Xã Định Hóa", "kind": "xa"} in communes


@pytest.mark.parametrize("path", ["/bulletins", "/categories", "/communes", "DETAIL"])
def test_every_endpoint_revalidates(client: Any, five: list[Any], path: str) -> None:
    path = f"/bulletins/{five[0].pk}" if path == "DETAIL" else path
    first = _get(client, path)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"')
    assert len(etag) == 34
    assert first["Cache-Control"] == "public, max-age=60"
    with CaptureQueriesContext(connection) as queries:
        again = client.get(API + path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""
    if path == "/bulletins":
        assert len(queries.captured_queries) == 1
        assert first["Last-Modified"]
    assert client.get(API + path, HTTP_IF_NONE_MATCH=f'{etag}, "other"').status_code == 304
    assert client.get(API + path, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_list_etag_follows_the_query_and_the_data(
    client: Any, publish: Callable[..., Any], five: list[Any]
) -> None:
    etag = _get(client, "/bulletins")["ETag"]
    assert _get(client, "/bulletins", page_size=2)["ETag"] != etag
    assert _get(client, "/bulletins", page=2)["ETag"] != etag
    assert _get(client, "/bulletins")["ETag"] == etag
    publish(title="Tin mới nhất")
    response = client.get(API + "/bulletins", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert json.loads(response.content)["count"] == 6


@pytest.mark.parametrize(
    ("path", "query", "status", "code"),
    [
        ("/bulletins", {"page_size": 101}, 422, "invalid"),
        ("/bulletins", {"page_size": 0}, 422, "invalid"),
        ("/bulletins", {"page": 0}, 422, "invalid"),
        ("/bulletins", {"page": 1001}, 422, "invalid"),
        ("/bulletins", {"page": "abc"}, 422, "invalid"),
        ("/bulletins", {"page": "9" * 400}, 422, "invalid"),
        ("/bulletins", {"since": "hôm qua"}, 422, "invalid"),
        ("/bulletins", {"category": "x" * 65}, 422, "invalid"),
        ("/bulletins", {"language": "x" * 17}, 422, "invalid"),
        ("/bulletins", {"category": "bad code!"}, 400, "invalid"),
        ("/bulletins", {"unit": "05569\x00"}, 400, "invalid"),
        ("/bulletins", {"category": "khong-co"}, 404, "not_found"),
        ("/bulletins", {"unit": "99999"}, 404, "not_found"),
        ("/bulletins", {"language": "xx"}, 404, "not_found"),
        ("/bulletins/0", {}, 422, "invalid"),
        ("/bulletins/99999999999999999999", {}, 422, "invalid"),
        ("/bulletins/abc", {}, 422, "invalid"),
        ("/bulletins/123456", {}, 404, "not_found"),
        ("/bulletins/1", {"language": "xx"}, 404, "not_found"),
    ],
)
def test_bad_queries_are_clear_4xx_json(
    client: Any, category: Any, path: str, query: dict[str, Any], status: int, code: str
) -> None:
    response = _get(client, path, **query)
    assert response.status_code == status, response.content
    body = json.loads(response.content)
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def test_a_draft_is_not_public(client: Any, people: Any, bulletin_input: Callable[..., Any]) -> None:
    from nguon.content.choices import TargetScope
    from nguon.content.services import bulletins

    draft = bulletins.create_bulletin(
        actor=people.commune_editor, data=bulletin_input(target_scope=TargetScope.COMMUNES)
    )
    assert _get(client, f"/bulletins/{draft.pk}").status_code == 404
    assert _ok(client, "/bulletins")["count"] == 0


def test_the_openapi_document_lists_every_endpoint(client: Any, db: Any) -> None:
    document = _ok(client, "/openapi.json")
    assert set(document["paths"]) == {
        "/api/public/v1/bulletins",
        "/api/public/v1/bulletins/{bulletin_id}",
        "/api/public/v1/categories",
        "/api/public/v1/communes",
    }
    assert "security" not in document["paths"]["/api/public/v1/bulletins"]["get"]
