"""The portal's pages for anonymous readers: front page, item page, category and commune pages, the
feed links, hostile HTML, dates, the comments slot and the HTTP caching headers."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from nguon.content.models import Bulletin, Category

pytestmark = pytest.mark.django_db

HOSTILE = (
    "<p>Mưa lớn, nước sông Cầu dâng cao.</p><script>alert('xss')</script>"
    '<p onclick="steal()">Bà con không qua ngầm tràn.</p><style>body{display:none}</style>'
    '<img src=x onerror=alert(1)><a href="javascript:alert(2)">Xem thêm</a>'
    '<iframe src="https://example.invalid/"></iframe>'
)


def test_pages_render_for_anonymous_readers(
    client: Client, publish: Any, commune: Any, category: Any
) -> None:
    b = publish(title="Tuyên truyền phòng chống cháy rừng")
    for url in (
        "/portal/",
        "/portal/en/",
        "/portal/zh/",
        f"/portal/tin/{b.pk}/",
        f"/portal/linh-vuc/{category.code}/",
        f"/portal/xa/{commune.code}/",
        "/portal/tim-kiem/",
        "/portal/tim-kiem/?q=chay rung",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert page.count("<h1") == 1, url
        assert '<main id="main"' in page, url
        assert 'href="#main"' in page, url
        assert "csrfmiddlewaretoken" not in page, url  # no per-person content: pages can be shared


def test_unknown_pages_are_404(client: Client) -> None:
    assert client.get("/portal/linh-vuc/khong-co/").status_code == 404
    assert client.get("/portal/xa/99999/").status_code == 404
    assert client.get("/portal/xa/01001/").status_code == 404  # a commune of another province
    assert client.get("/portal/xa/?code=99999").status_code == 404


def test_commune_picker_leads_to_the_commune_page(client: Client, commune: Any) -> None:
    response = client.get("/portal/xa/", {"code": commune.code})
    assert response.status_code == 302
    assert response["Location"] == f"/portal/xa/{commune.code}/"
    province = client.get("/portal/xa/19/")  # the installation's province: its page is the front page
    assert province.status_code == 302
    assert province["Location"] == "/portal/"


def test_front_page_lists_newest_first_paginated_with_categories_feeds_and_feedback(
    client: Client, publish: Any, category: Any
) -> None:
    made = [publish(title=f"Bản tin số {n:02d} về nông thôn mới") for n in range(22)]
    page = client.get("/portal/").content.decode()
    newest_first = [b.title for b in sorted(made, key=lambda b: (b.distributed_at, b.pk), reverse=True)]
    positions = [page.find(title) for title in newest_first[:20]]
    assert -1 not in positions
    assert positions == sorted(positions)
    for title in newest_first[20:]:
        assert title not in page
    assert "Trang 1/2" in page
    second = client.get("/portal/?page=2").content.decode()
    assert all(title in second for title in newest_first[20:])

    # categories of NĐ 49 with their number of public bulletins (counted from the rows)
    count = Bulletin.objects.filter(category=category, pk__in=[b.pk for b in made]).count()
    assert count == 22
    link = f'href="/portal/linh-vuc/{category.code}/"'
    assert re.search(re.escape(link) + r">[^<]+</a> <span class=\"count\">\(22\)</span>", page)
    assert Category.objects.filter(is_active=True).count() == page.count('href="/portal/linh-vuc/')

    # feeds of the Vietnamese section, feedback links
    for name, kind in (
        ("rss.xml", "application/rss+xml"),
        ("atom.xml", "application/atom+xml"),
        ("feed.json", "application/feed+json"),
    ):
        assert f'<link rel="alternate" type="{kind}"' in page
        assert f'href="/feeds/vi/{name}"' in page
    assert 'href="/feedback/"' in page
    assert 'href="/feedback/answers/"' in page


def test_category_and_commune_pages_filter_and_link_filtered_feeds(
    client: Client, publish: Any, commune: Any, other_commune: Any
) -> None:
    other_category = Category.objects.exclude(code="chinh-sach-phap-luat").filter(is_active=True).first()
    assert other_category is not None
    mine = publish(title="Lịch tiếp công dân tháng 12", target_scope="communes", targets=[commune])
    theirs = publish(title="Lịch thu gom rác phường", target_scope="communes", targets=[other_commune])
    elsewhere = publish(title="Mùa vụ đông xuân", category=other_category, target_scope="province")

    page = client.get(f"/portal/xa/{commune.code}/").content.decode()
    assert mine.title in page
    assert elsewhere.title in page
    assert theirs.title not in page
    assert f'href="/feeds/vi/rss.xml?unit={commune.code}"' in page

    listing = client.get(f"/portal/linh-vuc/{other_category.code}/").content.decode()
    assert elsewhere.title in listing
    assert mine.title not in listing
    assert theirs.title not in listing
    assert f'href="/feeds/vi/atom.xml?category={other_category.code}"' in listing


def test_item_page_shows_live_text_dates_unit_category_and_comments_slot(
    client: Client, publish: Any
) -> None:
    b = publish(title="Hướng dẫn đăng ký tạm trú trực tuyến", summary="Thủ tục trên Cổng dịch vụ công.")
    page = client.get(f"/portal/tin/{b.pk}/").content.decode()
    local = timezone.localtime(b.first_distributed_at, ZoneInfo("Asia/Ho_Chi_Minh"))
    assert local.strftime("%d/%m/%Y %H:%M") in page
    assert b.unit.full_name in page
    assert b.category.name in page
    assert "Thủ tục trên Cổng dịch vụ công." in page
    assert f'hx-get="/comments/thread/{b.pk}/"' in page
    assert 'hx-trigger="load"' in page
    assert '<article class="article" lang="vi">' in page
    assert '<html lang="vi">' in page


def test_hostile_html_is_never_executed(client: Client, publish: Any, translate: Any) -> None:
    b = publish(
        title="<b>Cảnh báo</b> lũ quét <script>alert(9)</script>", body=HOSTILE, summary="<i>tóm tắt</i>"
    )
    # a translation row written unsanitised (not through a service) is sanitised when shown, too
    translate(b, "en", "Flash flood warning", body="x")
    from nguon.translations.models import Translation

    Translation.objects.filter(bulletin=b).update(body=HOSTILE.replace("Mưa lớn", "Heavy rain"))
    for url in (f"/portal/tin/{b.pk}/", f"/portal/en/tin/{b.pk}/", "/portal/", "/portal/en/"):
        page = client.get(url).content.decode()
        body = page[page.index("<main") : page.index("</main>")]
        for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style", "<b>", "<i>"):
            assert bad not in body, (url, bad)
    page = client.get(f"/portal/tin/{b.pk}/").content.decode()
    assert "Mưa lớn, nước sông Cầu dâng cao." in page
    assert "&lt;b&gt;Cảnh báo&lt;/b&gt;" in page  # the title is text, shown as typed
    assert "Heavy rain" in client.get(f"/portal/en/tin/{b.pk}/").content.decode()


def test_list_pages_are_cacheable_and_answer_conditional_gets(
    client: Client, publish: Any, commune: Any
) -> None:
    first = publish(title="Tin thứ nhất")
    for url in (
        "/portal/",
        "/portal/en/",
        f"/portal/xa/{commune.code}/",
        "/portal/linh-vuc/chinh-sach-phap-luat/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "public" in response["Cache-Control"]
        assert "max-age=60" in response["Cache-Control"]
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"]
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        assert since.status_code == 304, url

    Bulletin.objects.filter(pk=first.pk).update(distributed_at=first.distributed_at - timedelta(minutes=5))
    before = client.get("/portal/")
    publish(title="Tin thứ hai")
    after = client.get("/portal/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "Tin thứ hai" in after.content.decode()
    assert client.get("/portal/", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200
