"""In a real browser (Debian Chromium through Playwright): a reader comments on a portal item (the thread
loaded and posted with HTMX, the CSRF token carried by the fragment); the hostile markup they typed never
runs; a commune moderator approves it in the queue in place (no page load); the reader sees it on the next
load of the item page.

Served in-process on the test's own database (``http_server`` from the devices tests)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nguon.comments.choices import CommentStatus
from nguon.comments.models import Comment
from nguon.devices.tests.mosquitto import http_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PASSWORD = "Mat-khau-thu-nghiem-2026"  # what ``make_user`` sets
HOSTILE = "Cảm ơn xã! <img src=x onerror=\"alert('xss')\"><script>alert('xss')</script>"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[str]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.ALLOWED_HOSTS = ["*"]
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    with http_server() as url:
        yield url


def _launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


def test_reader_comments_moderator_approves_in_place(served: str, people: Any, open_bulletin: Any) -> None:
    # The ORM is used only between the Playwright blocks: inside them the test runs in another greenlet,
    # whose database connection is outside the test's transaction.
    from playwright.sync_api import expect, sync_playwright

    dialogs: list[str] = []
    item = f"/portal/tin/{open_bulletin.pk}/"
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            reader = browser.new_context(base_url=served, locale="vi-VN").new_page()
            reader.set_default_timeout(15_000)
            reader.goto(item)
            reader.get_by_label("Tên của bạn").fill("Hoàng Văn C")
            reader.get_by_label("Bình luận", exact=True).fill(HOSTILE)
            reader.get_by_role("button", name="Gửi bình luận").click()
            expect(reader.get_by_role("status")).to_contain_text("Bình luận của bạn đang chờ kiểm duyệt")
            expect(reader.locator(".comment")).to_have_count(0)  # nothing shown before approval
        finally:
            browser.close()

    comment = Comment.objects.get()
    assert (comment.text, comment.status, comment.author_name) == (
        HOSTILE,
        CommentStatus.PENDING,
        "Hoàng Văn C",
    )

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            staff = browser.new_context(base_url=served, locale="vi-VN").new_page()
            staff.set_default_timeout(15_000)
            staff.goto("/accounts/login/")
            staff.get_by_label("Tên đăng nhập", exact=True).fill(people.commune_editor.username)
            staff.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
            staff.get_by_role("button", name="Đăng nhập", exact=True).click()
            expect(staff.get_by_role("heading", level=1)).to_contain_text("Xin chào")
            staff.goto("/comments/")
            staff.evaluate("window.__samePage = true")
            row = staff.locator(f"#comment-{comment.pk}")
            expect(row).to_contain_text("<script>alert('xss')</script>")  # shown as text
            row.get_by_role("button", name="Duyệt").click()
            expect(staff.locator(f"#comment-{comment.pk}")).to_contain_text("Đã duyệt")
            assert staff.evaluate("window.__samePage") is True  # swapped in place, no page load
            expect(staff).to_have_url(re.compile(r"/comments/$"))

            reader = browser.new_context(base_url=served, locale="vi-VN").new_page()
            reader.set_default_timeout(15_000)

            def on_dialog(dialog: Any) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            reader.on("dialog", on_dialog)
            reader.goto(item)
            shown = reader.locator(f"#comment-{comment.pk}")
            expect(shown).to_contain_text("<script>alert('xss')</script>")
            expect(shown.locator("img")).to_have_count(0)
            reader.wait_for_load_state("networkidle")
        finally:
            browser.close()
    assert dialogs == []
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED
    assert comment.moderated_by == people.commune_editor
