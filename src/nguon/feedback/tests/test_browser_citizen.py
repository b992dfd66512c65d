"""In a real browser on a phone-sized screen (Debian Chromium through Playwright, 390×844, touch): a citizen
opens /feedback/, fills the form, attaches a real photo, sends it, lands on the "sent" page and follows the
tracking link; the commune handler answers and an approver approves (through the services); the citizen
reloads the tracking page and sees the answer; the published answer page shows none of the sender's name,
phone number or e-mail. No page scrolls sideways on the phone.

The project is served in-process on the test's own database (``http_server`` from the devices tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nguon.devices.tests.mosquitto import http_server
from nguon.feedback.models import Feedback
from nguon.feedback.services import antiabuse
from nguon.feedback.tests.test_public_form import answer_it, png_bytes

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
NAME, PHONE, EMAIL = "Trần Văn Bình", "0987 654 321", "binh.tran@example.vn"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[str]:
    # Playwright's sync API keeps an event loop in this thread; the ORM calls made here are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setattr(antiabuse, "MIN_FILL_SECONDS", 1)  # the robot types faster than a person
    settings.ALLOWED_HOSTS = ["*"]
    settings.WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic
    settings.WHITENOISE_AUTOREFRESH = True
    settings.NGUON_MAP_TILE_URL = ""  # no tiles: the pin still sets the coordinates
    with http_server() as url:
        yield url


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


def _phone(playwright: Any, served: str) -> Any:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    context = browser.new_context(
        base_url=served,
        locale="vi-VN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(30_000)
    return browser, context.new_page()


def _send_feedback(served: str, photo: Path) -> str:
    """The citizen's first visit: the form, the "sent" page, the tracking page. Returns its URL."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser, page = _phone(playwright, served)
        page.goto("/feedback/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Gửi phản ánh, kiến nghị")
        _no_sideways_scroll(page)
        trap = page.locator("input[name=website]").bounding_box()  # the honeypot: off screen
        assert trap is not None
        assert trap["x"] + trap["width"] <= 0

        page.get_by_label("Lĩnh vực").select_option("moi-truong")
        page.get_by_label("Tiêu đề (không bắt buộc)").fill("Bãi rác tự phát đầu thôn")
        page.get_by_label("Nội dung phản ánh, kiến nghị").fill(
            "Bãi rác tự phát ở đầu thôn Nà Mỵ bốc mùi nhiều ngày, đề nghị xã cho thu gom."
        )
        # the searchable commune picker: typing without diacritics narrows the list to one commune
        page.get_by_label("Tìm xã, phường").fill("dinh hoa")
        expect(page.get_by_label("Xã, phường nơi xảy ra sự việc")).to_have_value("05569")
        page.get_by_label("Địa điểm cụ thể").fill("Đầu cầu Nà Mỵ")
        # the map pin (no tiles configured): a tap sets the coordinates
        map_box = page.locator("#pin-map")
        expect(map_box).to_be_visible()
        map_box.tap(position={"x": 150, "y": 120})
        expect(page.get_by_label("Vĩ độ")).not_to_have_value("")
        expect(page.get_by_label("Kinh độ")).not_to_have_value("")
        page.get_by_label("Ảnh, ghi âm (không bắt buộc)").set_input_files(str(photo))
        page.get_by_label("Họ và tên", exact=True).fill(NAME)
        page.get_by_label("Số điện thoại", exact=True).fill(PHONE)
        page.get_by_label("Thư điện tử", exact=True).fill(EMAIL)
        expect(page.get_by_label("Báo kết quả cho tôi (qua thư điện tử nếu có)")).to_be_checked()
        _no_sideways_scroll(page)
        page.wait_for_timeout(1200)  # longer than the (lowered) minimum fill time
        page.get_by_role("button", name="Gửi phản ánh").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Đã gửi phản ánh")
        public_id = page.locator(".public-id").inner_text()
        _no_sideways_scroll(page)
        page.locator("#track-link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Phản ánh {public_id}")
        expect(page.locator(".status-label")).to_have_text("Đã tiếp nhận")
        body = page.locator("body").inner_text()
        assert NAME not in body
        assert "0987654321" not in body
        assert EMAIL not in body
        _no_sideways_scroll(page)
        tracking: str = page.url
        page.wait_for_load_state("networkidle")
        browser.close()
    return tracking


def _read_the_answer(served: str, tracking: str) -> None:
    """The citizen comes back: the tracking page shows the answer; the published page has no personal data."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser, page = _phone(playwright, served)
        page.goto(tracking)
        expect(page.locator(".status-label")).to_have_text("Đã trả lời")
        expect(page.get_by_role("heading", name="Trả lời chính thức")).to_be_visible()
        expect(page.locator(".answer-body")).to_contain_text("xã đã bố trí xe thu gom rác")
        _no_sideways_scroll(page)

        page.get_by_role("link", name="Trang công bố").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Thu gom bãi rác đầu thôn Nà Mỵ")
        published = page.locator("body").inner_text()
        for personal in (NAME, "Trần", "Bình", PHONE, "0987654321", "654321", EMAIL, "binh.tran"):
            assert personal not in published
        assert "xã đã bố trí xe thu gom rác" in published
        _no_sideways_scroll(page)

        page.get_by_role("link", name="Tất cả trả lời đã công bố").click()
        expect(page.get_by_role("link", name="Thu gom bãi rác đầu thôn Nà Mỵ")).to_be_visible()
        listing = page.locator("body").inner_text()
        for personal in (NAME, PHONE, "0987654321", EMAIL):
            assert personal not in listing
        _no_sideways_scroll(page)
        page.wait_for_load_state("networkidle")
        browser.close()


def test_a_citizen_sends_feedback_with_a_photo_and_reads_the_answer_on_a_phone(
    served: str, tmp_path: Path, handler: Any, approver: Any
) -> None:
    # The ORM is used only outside the Playwright blocks: inside them the test runs in another greenlet,
    # whose context has another database connection (outside the test's transaction).
    photo = tmp_path / "bai-rac.png"
    photo.write_bytes(png_bytes(16, 12))
    tracking = _send_feedback(served, photo)

    feedback = Feedback.objects.get()
    assert tracking.endswith(f"/feedback/track/{feedback.tracking_code}/")
    assert feedback.reporter_name == NAME
    assert feedback.reporter_phone == "0987654321"
    assert feedback.latitude is not None
    assert feedback.longitude is not None
    assert feedback.attachments.get().blob.mime_type == "image/png"

    # the commune handler answers, the approver approves
    answer_it(
        feedback,
        handler,
        approver,
        public_title="Thu gom bãi rác đầu thôn Nà Mỵ",
        body="Ngày 28/11, xã đã bố trí xe thu gom rác tại đầu thôn Nà Mỵ và đặt biển cấm đổ rác.",
    )
    _read_the_answer(served, tracking)
