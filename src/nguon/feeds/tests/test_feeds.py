"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the public sections: parsing, entries, escaping, filters,
conditional GET, corrections, withdrawals and stale translations."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date

from nguon.content.models import Category
from nguon.content.services import workflow
from nguon.feeds import links
from nguon.feeds.models import PublicVersion
from nguon.portal.selectors import list_public

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = "Cảnh báo lũ quét <script>alert('tiêu đề')</script> tại Định Hóa\x01\x0b"
HOSTILE_BODY = (
    "<p>Đề nghị nhân dân <strong>không</strong> qua ngầm tràn.</p>"
    "<script>alert('nội dung')</script><p onclick=\"x()\">Trạm y tế xã trực 24/24.</p>"
)
FORMATS = ("rss", "atom", "json")


def _url(kind: str, lang: str = "vi") -> str:
    return reverse(f"feeds:{kind}", kwargs={"lang": lang})


def _parse(client: Any, kind: str, lang: str = "vi", **query: str) -> Any:
    response = client.get(_url(kind, lang), query)
    assert response.status_code == 200, response.content
    return response, feedparser.parse(response.content)


def _json(client: Any, lang: str = "vi", **query: str) -> dict[str, Any]:
    response = client.get(_url("json", lang), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/feed+json")
    return dict(json.loads(response.content))


def _ids(client: Any, lang: str = "vi", **query: str) -> dict[str, list[str]]:
    """The entry ids of each format of a section."""
    found = {}
    for kind in ("rss", "atom"):
        _, parsed = _parse(client, kind, lang, **query)
        found[kind] = [e.id for e in parsed.entries]
    found["json"] = [i["id"] for i in _json(client, lang, **query)["items"]]
    return found


@pytest.fixture
def two(publish: Callable[..., Any]) -> tuple[Any, Any]:
    first = publish(title="Thông báo lịch tiêm chủng mở rộng tháng 12", summary="Tiêm tại trạm y tế xã.")
    second = publish(title=HOSTILE_TITLE, body=HOSTILE_BODY, summary="Mưa lớn <b>kéo dài</b>.")
    return first, second


def test_every_format_parses_with_the_public_bulletins_newest_first(
    client: Any, two: tuple[Any, Any]
) -> None:
    first, second = two
    expected = [links.bulletin_tag(b.pk) for b in list_public(language="vi")]
    assert expected == [links.bulletin_tag(second.pk), links.bulletin_tag(first.pk)]
    for kind in ("rss", "atom"):
        response, parsed = _parse(client, kind)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.version == ("rss20" if kind == "rss" else "atom10")
        assert [e.id for e in parsed.entries] == expected
        assert parsed.entries[1].title == "Thông báo lịch tiêm chủng mở rộng tháng 12"
        assert parsed.entries[1].link == links.item_url(first.pk, "vi")
        assert parsed.entries[1].link.startswith("http")
        # control characters were stripped; the Vietnamese text is intact
        assert "Cảnh báo lũ quét" in parsed.entries[0].title
        assert "\x01" not in parsed.entries[0].title
        body = parsed.entries[0].content[0].value
        assert "Trạm y tế xã trực 24/24." in body
        assert "alert" not in body
        self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert self_links == [links.absolute(_url(kind))]
        assert response["Content-Type"].startswith(f"application/{kind}+xml")
        stamp = "published_parsed" if kind == "rss" else "updated_parsed"
        assert parsed.entries[0].get(stamp)[:6] == second.distributed_at.utctimetuple()[:6]
        assert parsed.feed.language == "vi"


def test_no_format_carries_hostile_markup_or_control_characters(client: Any, two: tuple[Any, Any]) -> None:
    _first, second = two
    urls = [_url(kind) for kind in FORMATS] + [
        reverse("feeds:ninjs-list", kwargs={"lang": "vi"}),
        reverse("feeds:ninjs-item", kwargs={"pk": second.pk}),
        f"/api/public/v1/bulletins/{second.pk}",
        "/api/public/v1/bulletins",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        raw = response.content.lower()
        assert b"<script" not in raw, url
        assert b"onclick" not in raw, url
        assert b"\x01" not in raw, url
        assert b"\x0b" not in raw, url
        assert "Định Hóa".encode() in response.content or b"\\u0110\\u1ecbnh H\\u00f3a" in response.content, (
            url
        )


def test_json_feed_follows_version_1_1(client: Any, two: tuple[Any, Any]) -> None:
    first, second = two
    feed = _json(client)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str)
    assert feed["title"]
    assert feed["feed_url"].startswith("http")
    assert feed["feed_url"].endswith(_url("json"))
    assert feed["home_page_url"].startswith("http")
    assert feed["language"] == "vi"
    assert len(feed["items"]) == list_public(language="vi").count() == 2
    for item in feed["items"]:
        assert isinstance(item["id"], str)
        assert item["id"].startswith("tag:")
        assert isinstance(item["content_html"], str)
        assert item["content_html"]
        assert item["url"].startswith("http")
        datetime.fromisoformat(item["date_published"])
        datetime.fromisoformat(item["date_modified"])
        assert all(not key.startswith("_") or key[1].isalpha() for key in item)
    by_id = {item["_nguon"]["bulletin_id"]: item for item in feed["items"]}
    assert by_id[first.pk]["title"] == "Thông báo lịch tiêm chủng mở rộng tháng 12"
    assert by_id[first.pk]["summary"] == "Tiêm tại trạm y tế xã."
    assert "<script" not in by_id[second.pk]["content_html"]
    assert "Trạm y tế xã trực 24/24." in by_id[second.pk]["content_html"]


def test_feed_ids_are_stable_across_a_correction_and_the_entry_is_updated(
    client: Any, publish: Callable[..., Any], correct: Callable[..., Any]
) -> None:
    b = publish(title="Lịch tiếp công dân tháng 11")
    _, before = _parse(client, "atom")
    old_updated = before.entries[0].updated
    corrected = correct(b, title="Lịch tiếp công dân tháng 11 (đính chính)")
    assert corrected.live_revision == 2
    for kind in ("rss", "atom"):
        _, parsed = _parse(client, kind)
        assert len(parsed.entries) == 1
        assert parsed.entries[0].id == links.bulletin_tag(b.pk)
        assert parsed.entries[0].title == "Lịch tiếp công dân tháng 11 (đính chính)"
    _, after = _parse(client, "atom")
    assert after.entries[0].updated != old_updated
    assert after.entries[0].published == before.entries[0].published
    assert _json(client)["items"][0]["_nguon"]["revision"] == 2


def test_a_withdrawn_bulletin_leaves_every_feed(client: Any, people: Any, two: tuple[Any, Any]) -> None:
    first, second = two
    workflow.withdraw(actor=people.commune_approver, bulletin=second, reason="Thông tin chưa chính xác")
    expected = [links.bulletin_tag(first.pk)]
    assert _ids(client) == {"rss": expected, "atom": expected, "json": expected}


def test_a_stale_translation_leaves_the_english_feed(
    client: Any, publish: Callable[..., Any], correct: Callable[..., Any], translate: Callable[..., Any]
) -> None:
    b = publish(title="Phòng chống sốt xuất huyết")
    only_vi = publish(title="Chỉ có tiếng Việt")
    translate(b, "en", "Dengue fever prevention")
    ids = _ids(client, "en")
    assert ids["json"] == [links.bulletin_tag(b.pk, "en")]
    assert ids["rss"] == ids["atom"] == ids["json"]
    _, parsed = _parse(client, "rss", "en")
    assert parsed.entries[0].title == "Dengue fever prevention"
    assert parsed.entries[0].link == links.item_url(b.pk, "en")
    assert "/en/tin/" in parsed.entries[0].link
    correct(b, title="Phòng chống sốt xuất huyết (bổ sung)")
    assert _ids(client, "en") == {"rss": [], "atom": [], "json": []}
    vi_ids = _ids(client, "vi")["json"]
    assert set(vi_ids) == {links.bulletin_tag(b.pk), links.bulletin_tag(only_vi.pk)}


def test_filters_by_category_and_unit(
    client: Any, publish: Callable[..., Any], commune: Any, other_commune: Any, province: Any
) -> None:
    other = Category.objects.exclude(code="chinh-sach-phap-luat").filter(is_active=True).first()
    assert other is not None
    law = publish(title="Tin pháp luật")
    disaster = publish(title="Tin khác lĩnh vực", category=other)
    by_category = _ids(client, category=other.code)
    assert by_category["json"] == [links.bulletin_tag(disaster.pk)]
    assert by_category["rss"] == by_category["atom"] == by_category["json"]
    assert set(_ids(client, unit=commune.code)["json"]) == {
        links.bulletin_tag(law.pk),
        links.bulletin_tag(disaster.pk),
    }
    assert set(_ids(client, unit=province.code)["json"]) == {
        links.bulletin_tag(law.pk),
        links.bulletin_tag(disaster.pk),
    }
    assert _ids(client, unit=other_commune.code)["json"] == []
    feed = _json(client, category=other.code, unit=commune.code)
    assert feed["feed_url"].endswith(f"?category={other.code}&unit={commune.code}")
    assert other.name in feed["title"]


@pytest.mark.parametrize(
    ("path", "query", "status", "message"),
    [
        ("/feeds/xx/rss.xml", {}, 404, "Không có chuyên mục ngôn ngữ"),
        ("/feeds/VI/atom.xml", {}, 404, "Không có chuyên mục ngôn ngữ"),
        ("/feeds/vi/rss.xml", {"category": "khong-co"}, 404, "Không có lĩnh vực mã 'khong-co'"),
        ("/feeds/vi/feed.json", {"unit": "99999"}, 404, "Không có đơn vị hành chính"),
        ("/feeds/vi/feed.json", {"unit": "05569\x00"}, 400, "không hợp lệ"),
        ("/feeds/vi/atom.xml", {"category": "x" * 65}, 400, "không hợp lệ"),
        ("/feeds/vi/atom.xml", {"category": "<script>"}, 400, "không hợp lệ"),
        ("/feeds/ninjs/zz/", {}, 404, "Không có chuyên mục ngôn ngữ"),
        ("/feeds/ninjs/item/1.json", {"lang": "klingon"}, 404, "Không có chuyên mục ngôn ngữ"),
        ("/feeds/ninjs/item/99999999999999999999999.json", {}, 404, "Không có tin này"),
    ],
)
def test_bad_queries_are_clear_4xx(
    client: Any, path: str, query: dict[str, str], status: int, message: str
) -> None:
    response = client.get(path, query)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/plain")
    assert message in response.content.decode()


def test_two_category_filters_are_refused(client: Any, category: Any) -> None:
    response = client.get("/feeds/vi/rss.xml?category=a&category=b")
    assert response.status_code == 400


def test_conditional_get_costs_one_query_and_changes_with_the_section(
    client: Any, publish: Callable[..., Any], two: tuple[Any, Any]
) -> None:
    for kind in FORMATS:
        first = client.get(_url(kind))
        etag = first["ETag"]
        assert etag.startswith('"')
        assert not etag.startswith("W/")
        assert first["Cache-Control"] == "public, max-age=60"
        changed_at = PublicVersion.objects.get().changed_at
        assert changed_at >= max(b.distributed_at for b in two)
        assert first["Last-Modified"] == http_date(changed_at.timestamp())
        with CaptureQueriesContext(connection) as queries:
            again = client.get(_url(kind), HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]
        assert client.get(_url(kind), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
        assert client.get(_url(kind), HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
        assert client.get(_url(kind), {"category": "chinh-sach-phap-luat"})["ETag"] != etag
    etags = {kind: client.get(_url(kind))["ETag"] for kind in FORMATS}
    assert len(set(etags.values())) == 3  # each format has its own
    publish(title="Một tin mới")
    for kind in FORMATS:
        response = client.get(_url(kind), HTTP_IF_NONE_MATCH=etags[kind])
        assert response.status_code == 200
        assert response["ETag"] != etags[kind]


def test_same_etag_means_same_bytes_whatever_the_reader_ui_language(
    client: Any, two: tuple[Any, Any]
) -> None:
    vi = client.get(_url("rss"))
    client.cookies["django_language"] = "en"
    en = client.get(_url("rss"), HTTP_ACCEPT_LANGUAGE="en")
    assert vi["ETag"] == en["ETag"]
    assert vi.content == en.content


def test_withdrawal_changes_the_etag(
    client: Any, people: Any, two: tuple[Any, Any], django_capture_on_commit_callbacks: Any
) -> None:
    etag = client.get(_url("atom"))["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(actor=people.commune_approver, bulletin=two[0], reason="Trùng lặp")
    response = client.get(_url("atom"), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert len(feedparser.parse(response.content).entries) == 1


def test_an_empty_section_is_a_valid_feed(client: Any, category: Any) -> None:
    for kind in ("rss", "atom"):
        _, parsed = _parse(client, kind, "tay")
        assert parsed.bozo == 0
        assert parsed.entries == []
    assert _json(client, "tay")["items"] == []
    assert client.get(_url("rss", "tay")).content == client.get(_url("rss", "tay")).content
