"""Portal search: public bulletins only, their public text, content's folding rules, language sections."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from django.test import Client

from nguon.portal.search import parse, search_public

pytestmark = pytest.mark.django_db


def _titles(client: Client, query: str, lang: str = "vi") -> str:
    response = client.get("/portal/tim-kiem/", {"q": query, "lang": lang})
    assert response.status_code == 200
    return response.content.decode()


def test_search_folds_like_content_and_needs_every_word(client: Client, publish: Any) -> None:
    fever = publish(title="Phòng, chống sốt xuất huyết", body="<p>Diệt bọ gậy quanh nhà.</p>")
    fire = publish(title="Phòng cháy, chữa cháy mùa khô", body="<p>Kiểm tra điện trước khi ra khỏi nhà.</p>")
    for query in (
        "sot xuat huyet",
        "Sốt XUẤT huyết",
        unicodedata.normalize("NFD", "sốt xuất huyết"),
        "bo gay",  # in the body
        "xuat huy",  # the last word may be the start of a word
    ):
        found = [i.bulletin_id for i in search_public(query)]
        assert found == [fever.pk], query
    assert {i.bulletin_id for i in search_public("phong nha")} == {fever.pk, fire.pk}
    assert search_public("phong khong-co-tu-nay") == []
    assert search_public("   ") == []
    page = _titles(client, "chua chay")
    assert fire.title in page
    assert fever.title not in page
    assert "Số bản tin tìm thấy: 1" in page


def test_search_never_finds_drafts_withdrawn_or_non_portal_bulletins(
    client: Client, publish: Any, draft: Any, withdraw: Any
) -> None:
    public = publish(title="Hội thi nhà nông đua tài")
    unpublished = draft(title="Hội thi nhà nông bản nháp")
    radio_only = publish(title="Hội thi nhà nông trên loa", channels=["radio"])
    gone = publish(title="Hội thi nhà nông đã hủy")
    withdraw(gone)
    assert [i.bulletin_id for i in search_public("hoi thi nha nong")] == [public.pk]
    page = _titles(client, "hội thi nhà nông")
    assert public.title in page
    for hidden in (unpublished, radio_only, gone):
        assert hidden.title not in page


def test_search_in_a_section_reads_the_translations(client: Client, publish: Any, translate: Any) -> None:
    b = publish(title="Chợ phiên vùng cao Định Hóa")
    translate(b, "en", "Highland market day in Dinh Hoa", body="<p>Every Sunday morning.</p>")
    translate(b, "zh", "定化高原集市日", body="<p>每逢星期日上午。</p>")
    assert [i.bulletin_id for i in search_public("sunday festival", language="en")] == []  # every word…
    assert [i.bulletin_id for i in search_public("sunday morning", language="en")] == [b.pk]
    assert search_public("sunday morning", language="vi") == []
    assert [i.bulletin_id for i in search_public("集市", language="zh")] == [b.pk]
    assert search_public("集市 不存在", language="zh") == []
    page = _titles(client, "highland", lang="en")
    assert f'href="/portal/en/tin/{b.pk}/"' in page
    assert '<html lang="en">' in page
    assert parse("集市 Định").literal == ["集市"]
    assert parse("集市 Định").folded == ["dinh"]


def test_unknown_section_in_search_falls_back_to_vietnamese(client: Client, publish: Any) -> None:
    b = publish(title="Tập huấn chuyển đổi số cho tổ công nghệ số cộng đồng")
    page = _titles(client, "chuyen doi so", lang="fr")
    assert b.title in page
    assert '<html lang="vi">' in page
