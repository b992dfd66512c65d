"""In a real browser (Debian Chromium through Playwright): a commune editor of Xã Định Hóa creates an
announcement, puts it in a playlist, schedules it for the whole day on every board of the commune, and
then sees it on the board's page — in the 7-day calendar and in the preview iframe, where the player page
renders it at the board's own 384×192 pixels.

The project is served in-process on the test's own database (``http_server`` from the devices tests). The
test's transaction never commits, so the compilation that a change queues "after the commit" is run by
the test itself (``compile_unit``, what the background task runs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.boards.models import BoardItem, BoardSchedule, PlaylistEntry
from nguon.boards.services.compilation import compile_unit
from nguon.boards.tests.test_views_common import ACTOR, make_board
from nguon.devices.publisher import MemoryPublisher, use_publisher
from nguon.devices.tests.mosquitto import http_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "Mat-khau-thu-nghiem-2026"  # what ``make_user`` sets

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


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


def signed_in_page(playwright: Any, url: str, username: str) -> tuple[Any, Any]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    context = browser.new_context(base_url=url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    return browser, page


def test_editor_schedules_an_announcement_and_sees_it_in_calendar_and_preview(
    served: str, make_user: Any, commune: Any
) -> None:
    from playwright.sync_api import expect, sync_playwright

    editor = make_user(Role.COMMUNE_EDITOR, unit=commune)
    make_board(commune, "EB-DH-BROWSER", name="Bảng tin chợ Chu")
    # The ORM is used only outside the Playwright blocks: inside them, Django would open another
    # connection, outside the test's transaction that the server shares.
    with sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, served, editor.username)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")

        # the navigation leads to the boards list, which shows the commune's board
        page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
            "link", name="Bảng tin điện tử"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Bảng tin điện tử")
        expect(page.get_by_role("link", name="Bảng tin chợ Chu")).to_be_visible()

        # 1. an announcement
        page.get_by_role("link", name="Mục hiển thị", exact=True).click()
        page.get_by_role("link", name="Thêm mục").click()
        page.get_by_label("Loại", exact=True).select_option(label="Hình ảnh")
        expect(page.get_by_label("Tệp hình ảnh hoặc video", exact=True)).to_be_visible()
        expect(page.get_by_label("Bản tin đã duyệt", exact=True)).to_be_hidden()  # fields of the kind only
        page.get_by_label("Loại", exact=True).select_option(label="Thông báo")
        expect(page.get_by_label("Tệp hình ảnh hoặc video", exact=True)).to_be_hidden()
        page.get_by_label("Tiêu đề", exact=True).fill("Họp dân thôn Trung Tâm")
        page.get_by_label("Nội dung", exact=True).fill(
            "Tối thứ Sáu, 19 giờ 30, tại nhà văn hóa.\nMời bà con đến đúng giờ."
        )
        page.get_by_role("button", name="Lưu mục").click()
        expect(page.get_by_role("status")).to_contain_text("Đã lưu mục «Họp dân thôn Trung Tâm».")

        # 2. a playlist with it
        page.get_by_role("link", name="Danh sách phát", exact=True).click()
        page.get_by_role("link", name="Thêm danh sách").click()
        page.get_by_label("Tên danh sách", exact=True).fill("Thông báo trong ngày")
        page.get_by_role("button", name="Lưu danh sách").click()
        expect(page.get_by_role("status")).to_contain_text("Đã tạo danh sách «Thông báo trong ngày».")
        page.get_by_label("Mục cần thêm", exact=True).select_option(
            label="Họp dân thôn Trung Tâm (Thông báo)"
        )
        page.get_by_role("button", name="Thêm vào danh sách").click()
        expect(page.get_by_role("status")).to_contain_text("Đã thêm «Họp dân thôn Trung Tâm» vào danh sách.")
        expect(page.locator("tr[data-entry]")).to_have_count(1)

        # 3. a schedule: the whole day (an end at the start runs past midnight: 24 hours), every board
        page.get_by_role("link", name="Lịch hiển thị", exact=True).click()
        page.get_by_role("link", name="Thêm lịch").click()
        page.get_by_label("Tên lịch", exact=True).fill("Cả ngày")
        page.get_by_label("Danh sách phát", exact=True).select_option(label="Thông báo trong ngày")
        page.get_by_label("Từ giờ", exact=True).fill("00:00")
        page.get_by_label("Đến giờ", exact=True).fill("00:00")
        expect(page.get_by_label("Mọi bảng tin của xã/phường")).to_be_checked()
        page.get_by_role("button", name="Lưu lịch").click()
        expect(page.get_by_role("status")).to_contain_text("Đã lưu lịch «Cả ngày».")
        browser.close()

    item = BoardItem.objects.get(title="Họp dân thôn Trung Tâm")
    assert list(PlaylistEntry.objects.values_list("item_id", flat=True)) == [item.pk]
    assert BoardSchedule.objects.get().all_boards is True
    compile_unit(actor=ACTOR, unit=commune)  # what the queued background task does after the commit

    with sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, served, editor.username)
        # 4. the board's page: calendar and preview
        page.goto("/boards/")
        page.get_by_role("link", name="Bảng tin chợ Chu").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Bảng tin chợ Chu")
        expect(page.locator("[data-figure=resolution]")).to_have_text("384x192")
        calendar = page.get_by_role("region", name="Lịch hiển thị 7 ngày tới")
        expect(calendar.locator("li[data-source=board-schedule]")).to_have_count(7)
        expect(calendar.locator("li[data-source=board-schedule]").first).to_contain_text("Cả ngày")

        expect(page.locator("#board-preview")).to_have_attribute("data-board-width", "384")
        preview = page.frame_locator("#board-preview")
        expect(preview.get_by_text("Họp dân thôn Trung Tâm")).to_be_visible(timeout=20_000)
        expect(preview.get_by_text("Mời bà con đến đúng giờ.")).to_be_visible()
        # the screen inside is drawn at the board's exact pixel size (scaling is a CSS transform)
        screen = preview.locator("#screen")
        assert screen.evaluate("el => [el.offsetWidth, el.offsetHeight]") == [384, 192]
        browser.close()
