"""In a real browser (Debian Chromium through Playwright) at a phone's viewport (390×844): the front page
does not scroll sideways, the menu opens without JavaScript tricks, search finds a bulletin and its page
opens, the emergency banner is visible while an emergency is on air, and an accessibility smoke check
(every image has alt text, every form field a label, one h1) on each page visited.

The project is served in-process on the test's own database (``http_server`` from the devices tests,
as the other browser tests do: ``live_server`` would need a flushed database without the official
units)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nguon.devices.publisher import MemoryPublisher, use_publisher
from nguon.devices.tests.mosquitto import http_server
from nguon.radio.tests.cap_helpers import add_cluster, on_air_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PHONE = {"width": 390, "height": 844}

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

A11Y = """() => {
  const problems = [];
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push('img without alt: ' + img.src);
  }
  for (const field of document.querySelectorAll('input, select, textarea')) {
    if (field.type === 'hidden') continue;
    const named = field.labels.length > 0 || field.getAttribute('aria-label') || field.getAttribute('aria-labelledby');
    if (!named) problems.push('field without label: ' + (field.name || field.id));
  }
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push('h1 count ' + h1);
  if (!document.documentElement.lang) problems.push('no lang');
  if (!document.querySelector('main')) problems.push('no main');
  return problems;
}"""
NO_SIDE_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[str]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.ALLOWED_HOSTS = ["*"]
    settings.WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic
    settings.WHITENOISE_AUTOREFRESH = True
    previous = use_publisher(MemoryPublisher())
    try:
        with http_server() as url:
            yield url
    finally:
        use_publisher(previous)


def _phone(playwright: Any, url: str) -> tuple[Any, Any]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    context = browser.new_context(
        base_url=url, locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    return browser, context.new_page()


def test_phone_reader_uses_menu_search_and_item_page(served: str, publish: Any, commune: Any) -> None:
    from playwright.sync_api import expect, sync_playwright

    long_word = (
        "Phòng_chống_thiên_tai_và_tìm_kiếm_cứu_nạn_" * 4
    )  # a long unbroken word must not widen the page
    b = publish(
        title="Hướng dẫn phòng chống bão số 3 cho các hộ ven sông",
        summary=f"Tóm tắt {long_word}",
        body=(
            "<p>Chằng chống nhà cửa, chuẩn bị lương thực.</p><table><tr><td>Thôn</td><td>Điểm sơ tán</td>"
            "<td>Số hộ</td><td>Ghi chú rất dài cho bảng</td></tr></table>"
        ),
    )
    for n in range(5):
        publish(title=f"Tin thường nhật số {n}")
    with sync_playwright() as playwright:
        browser, page = _phone(playwright, served)
        page.goto("/portal/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.evaluate(NO_SIDE_SCROLL), "the front page scrolls sideways"
        assert page.evaluate(A11Y) == []

        # the menu is folded on a phone and opens with its button
        menu = page.get_by_role("navigation", name="Điều hướng cổng thông tin")
        feedback_link = menu.get_by_role("link", name="Gửi phản ánh, kiến nghị")
        expect(feedback_link).to_be_hidden()
        page.locator("label[for=menu-toggle]").click()  # the "☰ Menu" button a reader taps
        expect(page.get_by_role("checkbox", name="Menu")).to_be_checked()
        expect(feedback_link).to_be_visible()
        expect(menu.get_by_role("link", name="English")).to_be_visible()
        assert page.evaluate(NO_SIDE_SCROLL)

        # search from the header finds the bulletin; its page opens
        page.get_by_role("searchbox", name="Tìm bản tin").first.fill("bao so 3")
        page.get_by_role("searchbox", name="Tìm bản tin").first.press("Enter")
        expect(page).to_have_url(f"{served}/portal/tim-kiem/?q=bao+so+3")
        expect(page.get_by_role("status")).to_contain_text("1")
        assert page.evaluate(A11Y) == []
        page.get_by_role("link", name=b.title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(b.title)
        expect(page.get_by_text("Chằng chống nhà cửa, chuẩn bị lương thực.")).to_be_visible()
        assert page.evaluate(NO_SIDE_SCROLL), "the item page scrolls sideways"
        assert page.evaluate(A11Y) == []

        page.goto(f"/portal/xa/{commune.code}/")
        assert page.evaluate(NO_SIDE_SCROLL)
        assert page.evaluate(A11Y) == []
        page.get_by_label("Chọn xã, phường").select_option(value="05443")
        page.get_by_role("button", name="Xem").click()
        expect(page).to_have_url(f"{served}/portal/xa/05443/")
        browser.close()


def test_emergency_banner_is_visible_on_a_phone(
    served: str, make_user: Any, province: Any, commune: Any
) -> None:
    from playwright.sync_api import expect, sync_playwright

    add_cluster(commune)
    on_air_order(make_user, province, [commune], title="Sạt lở đất tại xóm Khau Lầu")
    with sync_playwright() as playwright:
        browser, page = _phone(playwright, served)
        page.goto("/portal/")
        banner = page.get_by_role("alert")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Sạt lở đất tại xóm Khau Lầu")
        expect(banner).to_contain_text("Đang phát trên loa truyền thanh")
        box = banner.bounding_box()
        assert box is not None
        assert box["y"] < PHONE["height"], "the banner is below the first screen"
        assert page.evaluate(NO_SIDE_SCROLL)
        assert page.evaluate(A11Y) == []
        browser.close()
