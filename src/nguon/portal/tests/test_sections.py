"""The English and Chinese sections: translated items only while their translation is published and up to
date, bulletins written in the language, the section's interface language and ``lang`` attributes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_sections_hold_fresh_published_translations_and_bulletins_in_their_language(
    client: Client, publish: Any, translate: Any
) -> None:
    both = publish(title="Lễ hội Lồng Tồng xã Định Hóa")
    translate(both, "en", "Long Tong festival in Dinh Hoa", body="<p>The festival opens on 12 January.</p>")
    translate(both, "zh", "定化乡下田节", body="<p>节日于一月十二日开幕。</p>")
    draft_only = publish(title="Hướng dẫn thủ tục cấp căn cước")
    translate(draft_only, "en", "Identity card procedure", status="review")
    english = publish(title="Visa-free entry for tourists", language="en", body="<p>From 1 March.</p>")

    en = client.get("/portal/en/")
    assert en.status_code == 200
    page = en.content.decode()
    assert '<html lang="en">' in page
    assert "Long Tong festival in Dinh Hoa" in page
    assert "Visa-free entry for tourists" in page
    assert "Identity card procedure" not in page  # not published
    assert both.title not in page
    assert draft_only.title not in page
    assert f'href="/portal/en/tin/{both.pk}/"' in page
    assert 'href="/feeds/en/rss.xml"' in page
    assert "Latest news" in page  # English interface (the portal's catalogue)

    zh = client.get("/portal/zh/").content.decode()
    assert '<html lang="zh-Hans">' in zh
    assert "定化乡下田节" in zh
    assert "最新消息" in zh  # Chinese interface
    assert "Long Tong festival" not in zh
    assert "Visa-free" not in zh
    assert 'href="/feeds/zh/json"' not in zh
    assert 'href="/feeds/zh/feed.json"' in zh

    item = client.get(f"/portal/en/tin/{both.pk}/").content.decode()
    assert '<article class="article" lang="en">' in item
    assert "The festival opens on 12 January." in item
    assert "Readers&#x27; comments" in item or "Readers' comments" in item
    assert f'href="/portal/tin/{both.pk}/"' in item
    assert f'href="/portal/zh/tin/{both.pk}/"' in item
    vi_item = client.get(f"/portal/tin/{both.pk}/").content.decode()
    assert f'href="/portal/en/tin/{both.pk}/"' in vi_item
    assert client.get(f"/portal/en/tin/{draft_only.pk}/").status_code == 404
    assert client.get(f"/portal/zh/tin/{english.pk}/").status_code == 404


def test_other_language_codes_are_404(client: Client, publish: Any) -> None:
    b = publish(title="Thông báo lịch nghỉ Tết")
    for code in ("vi", "fr", "vie", "EN", "xx"):
        assert client.get(f"/portal/{code}/").status_code == 404, code
        assert client.get(f"/portal/{code}/tin/{b.pk}/").status_code == 404, code


def test_a_stale_translation_leaves_the_section_until_updated(
    client: Client, publish: Any, translate: Any, correct: Any
) -> None:
    b = publish(title="Lịch tiêm chủng mở rộng tháng 12", body="<p>Ngày 5/12.</p>")
    translation = translate(b, "en", "Vaccination schedule for December", body="<p>On 5 December.</p>")
    assert "Vaccination schedule for December" in client.get("/portal/en/").content.decode()

    correct(b, approve=True, title="Lịch tiêm chủng mở rộng tháng 12", body="<p>Ngày 8/12.</p>")
    page = client.get("/portal/en/").content.decode()
    assert "Vaccination schedule" not in page
    assert client.get(f"/portal/en/tin/{b.pk}/").status_code == 404
    assert "On 5 December" not in client.get("/portal/tim-kiem/?q=vaccination&lang=en").content.decode()
    vi_item = client.get(f"/portal/tin/{b.pk}/").content.decode()
    assert "Ngày 8/12." in vi_item
    assert f"/portal/en/tin/{b.pk}/" not in vi_item

    b.refresh_from_db()
    translation.source_revision = b.live_revision
    translation.body = "<p>On 8 December.</p>"
    translation.body_text = "On 8 December."
    translation.save()
    item = client.get(f"/portal/en/tin/{b.pk}/").content.decode()
    assert "On 8 December." in item


def test_withdrawn_bulletins_leave_every_section(
    client: Client, publish: Any, translate: Any, withdraw: Any
) -> None:
    b = publish(title="Phân luồng giao thông cầu Gia Bảy")
    translate(b, "en", "Traffic diversion at Gia Bay bridge")
    translate(b, "zh", "嘉拜桥交通分流")
    assert "Traffic diversion" in client.get("/portal/en/").content.decode()
    withdraw(b)
    assert "Traffic diversion" not in client.get("/portal/en/").content.decode()
    assert "嘉拜桥" not in client.get("/portal/zh/").content.decode()
    for url in (f"/portal/en/tin/{b.pk}/", f"/portal/zh/tin/{b.pk}/", f"/portal/tin/{b.pk}/"):
        assert client.get(url).status_code == 404, url
