"""The sections of the province's ethnic languages (Tày, Nùng, Dao, H'Mông, Sán Chay, Sán Dìu): bulletins
written in the language and fresh published translations into it, a Vietnamese interface, the ``lang`` of
the text, the footer's list of sections holding something, links between language versions, the feeds
and the audio of the live text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from nguon.radio.tests.compile_helpers import approved_bulletin, needs_audio_tools

pytestmark = pytest.mark.django_db

ETHNIC = ("tay", "nung", "dao", "hmong", "sanchay", "sandiu")


def _footer(page: str) -> str:
    return page[page.index('<footer class="foot">') :]


def _section_hrefs(html: str) -> set[str]:
    return {code for code in ETHNIC if f'href="/portal/{code}/"' in html}


def test_a_bulletin_written_in_tay_is_in_the_tay_section_only(client: Client, publish: Any) -> None:
    tay = publish(
        title="Pjạ bản slẳng lồng tồng",
        language="tay",
        summary="",
        body="<p>Vằn slíp slam pây mừa lồng tồng.</p>",
    )
    vi = publish(title="Lịch tiêm phòng cho đàn gia súc")

    section = client.get("/portal/tay/")
    assert section.status_code == 200
    page = section.content.decode()
    assert '<html lang="vi">' in page  # the interface is Vietnamese
    assert "Tin mới" in page
    assert "Tiếng Tày" in page
    assert (
        f'<article class="card" lang="tyz">\n      <h3><a href="/portal/tay/tin/{tay.pk}/">{tay.title}</a>'
        in page
    )
    assert vi.title not in page
    assert section["Content-Language"] == "vi, tyz"
    for kind, href in (
        ("application/rss+xml", "/feeds/tay/rss.xml"),
        ("application/atom+xml", "/feeds/tay/atom.xml"),
        ("application/feed+json", "/feeds/tay/feed.json"),
    ):
        assert re.search(
            rf'<link rel="alternate" type="{re.escape(kind)}"[^>]* href="{href}" hreflang="tyz">', page
        )
        assert f'href="{href}" type="{kind}"' in _footer(page)

    front = client.get("/portal/").content.decode()
    assert vi.title in front
    assert tay.title not in front  # the front page lists Vietnamese bulletins only
    assert f"/portal/tay/tin/{tay.pk}/" not in front
    assert 'href="/portal/tay/"' in _footer(front)  # the section is listed

    item = client.get(f"/portal/tay/tin/{tay.pk}/")
    assert item.status_code == 200
    text = item.content.decode()
    assert '<html lang="vi">' in text
    assert '<article class="article" lang="tyz">' in text
    assert "Vằn slíp slam pây mừa lồng tồng." in text
    assert "Đăng lúc" in text  # Vietnamese interface
    assert client.get(f"/portal/tay/tin/{vi.pk}/").status_code == 404  # not in that section
    assert client.get(f"/portal/nung/tin/{tay.pk}/").status_code == 404

    # the feeds serve the section and link to its item pages
    rss = client.get("/feeds/tay/rss.xml").content.decode()
    assert tay.title in rss
    assert f"/portal/tay/tin/{tay.pk}/" in rss
    assert vi.title not in rss


def test_a_nung_translation_is_in_the_nung_section_while_fresh(
    client: Client, publish: Any, translate: Any, correct: Any
) -> None:
    b = publish(title="Lịch thu gom rác thải tháng 12", body="<p>Thứ Hai và thứ Năm.</p>")
    translate(b, "nung", "Vằn cốp slỉ phấn bươn chiêng", body="<p>Vằn ngòi nhằng vằn pét.</p>")
    in_review = publish(title="Thông báo lịch cắt điện")
    translate(in_review, "nung", "Mạ đảy phjạ slư", status="review")

    page = client.get("/portal/nung/").content.decode()
    assert "Vằn cốp slỉ phấn bươn chiêng" in page
    assert '<article class="card" lang="nut">' in page
    assert "Mạ đảy phjạ slư" not in page  # not published
    assert b.title not in page
    item = client.get(f"/portal/nung/tin/{b.pk}/").content.decode()
    assert '<article class="article" lang="nut">' in item
    assert "Vằn ngòi nhằng vằn pét." in item
    assert 'Bản dịch từ bản gốc (<span lang="vi">Tiếng Việt</span>)' in item
    assert f'<a href="/portal/tin/{b.pk}/" hreflang="vi" lang="vi">Tiếng Việt</a>' in item
    vi_item = client.get(f"/portal/tin/{b.pk}/").content.decode()
    assert f'<a href="/portal/nung/tin/{b.pk}/" hreflang="nut" lang="vi">Tiếng Nùng</a>' in vi_item
    assert client.get(f"/portal/nung/tin/{in_review.pk}/").status_code == 404

    correct(b, approve=True, title="Lịch thu gom rác thải tháng 12", body="<p>Thứ Ba và thứ Sáu.</p>")
    stale = client.get("/portal/nung/").content.decode()
    assert "Vằn cốp slỉ phấn bươn chiêng" not in stale
    assert client.get(f"/portal/nung/tin/{b.pk}/").status_code == 404
    assert f"/portal/nung/tin/{b.pk}/" not in client.get(f"/portal/tin/{b.pk}/").content.decode()
    assert 'href="/portal/nung/"' not in _footer(client.get("/portal/").content.decode())


def test_links_between_language_versions(client: Client, publish: Any, translate: Any) -> None:
    tay = publish(title="Cúng tồng pjạ bản", language="tay")
    translate(tay, "nung", "Cúng tồng slam bản")
    translate(tay, "en", "Village rice festival")

    tay_item = client.get(f"/portal/tay/tin/{tay.pk}/").content.decode()
    assert f'href="/portal/nung/tin/{tay.pk}/"' in tay_item
    assert f'href="/portal/en/tin/{tay.pk}/"' in tay_item
    assert (
        f'href="/portal/tin/{tay.pk}/"' not in tay_item.split('id="languages-heading"')[1]
    )  # no Vietnamese text
    nung_item = client.get(f"/portal/nung/tin/{tay.pk}/").content.decode()
    assert f'<a href="/portal/tay/tin/{tay.pk}/" hreflang="tyz" lang="vi">Tiếng Tày</a>' in nung_item
    assert 'Bản dịch từ bản gốc (<span lang="vi">Tiếng Tày</span>)' in nung_item
    en_item = client.get(f"/portal/en/tin/{tay.pk}/").content.decode()
    assert '<article class="article" lang="en">' in en_item
    assert f'href="/portal/tay/tin/{tay.pk}/"' in en_item


def test_languages_without_a_single_code_are_und_with_data_language(
    client: Client, publish: Any, translate: Any
) -> None:
    dao = publish(title="Nhang kiao pu", language="dao")
    hmong = publish(title="Tsab ntawv ceeb toom", language="hmong")
    b = publish(title="Hướng dẫn phòng chống rét cho trâu bò")
    translate(b, "sandiu", "Sán Dìu: phòng rét cho trâu bò")
    translate(b, "sanchay", "Cao Lan: phòng rét cho trâu bò")

    dao_page = client.get("/portal/dao/")
    assert (
        f'<article class="card" lang="und" data-language="dao">\n      <h3><a href="/portal/dao/tin/{dao.pk}/"'
        in (dao_page.content.decode())
    )
    assert dao_page["Content-Language"] == "vi"  # no code to add
    dao_item = client.get(f"/portal/dao/tin/{dao.pk}/").content.decode()
    assert '<article class="article" lang="und" data-language="dao">' in dao_item
    assert 'hreflang="und"' not in dao_page.content.decode()
    assert (
        '<article class="article" lang="hmn">'
        in client.get(f"/portal/hmong/tin/{hmong.pk}/").content.decode()
    )
    assert (
        '<article class="article" lang="und" data-language="sandiu">'
        in client.get(f"/portal/sandiu/tin/{b.pk}/").content.decode()
    )
    assert (
        '<article class="article" lang="mlc">' in client.get(f"/portal/sanchay/tin/{b.pk}/").content.decode()
    )
    vi_item = client.get(f"/portal/tin/{b.pk}/").content.decode()
    # a section without a code is linked without hreflang
    assert f'<a href="/portal/sandiu/tin/{b.pk}/" lang="vi">Tiếng Sán Dìu</a>' in vi_item


def test_the_section_list_shows_only_sections_holding_a_public_bulletin(
    client: Client, publish: Any, translate: Any, withdraw: Any, draft: Any
) -> None:
    from nguon.content.models import Bulletin
    from nguon.portal.selectors import ETHNIC_SECTIONS, languages_with_public_items, list_public
    from nguon.translations.models import Translation

    assert ETHNIC_SECTIONS == ETHNIC
    publish(title="Thông báo lịch nghỉ Tết")
    front = client.get("/portal/").content.decode()
    assert _section_hrefs(front) == set()
    assert 'id="ethnic-heading"' not in front

    tay = publish(title="Slư pjạ bản", language="tay")
    publish(title="Nhang kiao pu", language="dao", channels=["radio"])  # not for the portal
    draft(title="Tsab ntawv", language="hmong")  # a draft
    b = publish(title="Hướng dẫn làm thẻ bảo hiểm y tế")
    translate(b, "nung", "Slư bảo hiểm y tế")
    translate(b, "sandiu", "Bảo hiểm y tế (Sán Dìu)", status="review")
    translate(b, "sanchay", "Bảo hiểm y tế (Sán Chay)", source_revision=0)  # stale

    # the raw rows: which ethnic sections hold a public bulletin
    expected = {code for code in ETHNIC if list_public(language=code).exists()}
    assert expected == {"tay", "nung"}
    assert expected <= languages_with_public_items()
    assert Bulletin.objects.filter(language="dao").count() == 1
    assert Translation.objects.filter(bulletin=b).count() == 3

    for url in ("/portal/", "/portal/en/", "/portal/tay/", f"/portal/tin/{b.pk}/", "/portal/tim-kiem/?q=the"):
        page = client.get(url).content.decode()
        footer = _footer(page)
        assert 'id="ethnic-heading"' in footer, url
        assert _section_hrefs(footer) == expected, url
        assert _section_hrefs(page.split("</header>")[0]) == expected, url  # the menu too

    # an empty section still answers, with the Vietnamese interface, and is listed in its own menu only
    empty = client.get("/portal/dao/").content.decode()
    assert "Chưa có bản tin nào." in empty
    assert _section_hrefs(_footer(empty)) == expected
    assert 'href="/portal/dao/" lang="vi" aria-current="true"' in empty

    withdraw(tay)
    assert _section_hrefs(_footer(client.get("/portal/").content.decode())) == {"nung"}


def test_unknown_codes_are_404(client: Client, publish: Any) -> None:
    tay = publish(title="Slư pjạ bản", language="tay")
    for code in ("vi", "TAY", "tày", "fr", "xx", "tyz", "und"):
        assert client.get(f"/portal/{code}/").status_code == 404, code
        assert client.get(f"/portal/{code}/tin/{tay.pk}/").status_code == 404, code
    assert client.get("/portal/tay/tin/999999/").status_code == 404


def test_search_in_an_ethnic_section(client: Client, publish: Any, translate: Any) -> None:
    tay = publish(title="Pjạ bản slẳng lồng tồng", language="tay", body="<p>Lồng tồng bản Phja Bjoóc.</p>")
    b = publish(title="Hướng dẫn phòng chống sốt xuất huyết")
    translate(b, "tay", "Phòng sốt xuất huyết (tiếng Tày)")
    page = client.get("/portal/tim-kiem/?q=long+tong&lang=tay").content.decode()
    assert '<html lang="vi">' in page
    assert f'href="/portal/tay/tin/{tay.pk}/"' in page
    assert f"/portal/tay/tin/{b.pk}/" not in page
    assert (
        f'href="/portal/tay/tin/{b.pk}/"' in client.get("/portal/tim-kiem/?q=sot&lang=tay").content.decode()
    )
    assert tay.title not in client.get("/portal/tim-kiem/?q=long+tong").content.decode()


@needs_audio_tools
def test_a_tay_bulletin_plays_its_audio_while_it_reads_the_live_text(
    client: Client,
    people: Any,
    department: Any,
    bulletin_input: Any,
    commune: Any,
    django_capture_on_commit_callbacks: Any,
    correct: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    b = approved_bulletin(
        people=people,
        department=department,
        bulletin_input=bulletin_input,
        commune=commune,
        capture=django_capture_on_commit_callbacks,
        title="Pjạ bản slẳng lồng tồng",
        language="tay",
        channels=["radio", "portal"],
    )
    assert b.audio_render is not None
    item = client.get(f"/portal/tay/tin/{b.pk}/").content.decode()
    assert '<article class="article" lang="tyz">' in item
    assert f'<audio controls preload="none" src="/portal/tin/{b.pk}/am-thanh.mp3"' in item
    audio = client.get(f"/portal/tin/{b.pk}/am-thanh.mp3")
    assert audio.status_code == 200
    b.audio_render.mp3.open("rb")
    assert b"".join(audio.streaming_content) == b.audio_render.mp3.read()

    correct(
        b,
        approve=True,
        title="Pjạ bản slẳng lồng tồng (mạ ngòi)",
        language="tay",
        target_scope="communes",
        targets=[commune],
    )
    assert client.get(f"/portal/tin/{b.pk}/am-thanh.mp3").status_code == 404
    assert "<audio" not in client.get(f"/portal/tay/tin/{b.pk}/").content.decode()
