"""In a real browser (Debian Chromium through Playwright): a commune handler finds a citizen's feedback in
the queue, sees the sender's details and photo, takes it on and drafts and submits an answer; the commune
approver signs in with TOTP, sees the answer and approves it; the published status shows on the page.

Served in-process on the test's own database (``http_server`` from the devices tests)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nguon.accounts import services as accounts
from nguon.core import access
from nguon.devices.tests.mosquitto import http_server
from nguon.feedback.choices import AnswerStatus, Status
from nguon.feedback.models import Feedback
from nguon.feedback.tests.fixtures import submit
from nguon.feedback.tests.test_staff_views import png

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "Mat-khau-thu-nghiem-2026"  # what ``make_user`` sets
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ANSWER = "Ngày 28/11 xã đã bố trí xe thu gom rác tại đầu thôn Nà Mỵ, hai lần mỗi tuần."

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


def _sign_in(page: Any, username: str, *, totp: str | None = None) -> None:
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    if totp is not None:
        expect(page).to_have_url(re.compile(r"/accounts/login/verify/$"))
        page.get_by_label("Mã xác thực 6 số").fill(pyotp.TOTP(totp).now())
        page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def test_handler_answers_and_approver_approves(served: str, handler: Any, approver: Any) -> None:
    from playwright.sync_api import expect, sync_playwright

    accounts.set_totp_secret(actor=access.SYSTEM, user=approver, secret=SECRET)
    feedback = submit(uploads=[SimpleUploadedFile("bai-rac.png", png(), content_type="image/png")])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(base_url=served, locale="vi-VN")
            context.set_default_timeout(15_000)
            page = context.new_page()
            _sign_in(page, handler.username)
            page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
                "link", name="Phản ánh, kiến nghị", exact=True
            ).click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Phản ánh, kiến nghị")
            page.get_by_role("link", name=feedback.public_id).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(feedback.title)
            sender = page.locator("section[aria-labelledby=sender-h]")
            expect(sender).to_contain_text("Nguyễn Thị Hoà")
            expect(sender).to_contain_text("0912345678")
            photo = page.get_by_role("img", name="Ảnh người gửi: bai-rac.png")
            expect(photo).to_be_visible()
            assert page.evaluate("document.querySelector('#files img').naturalWidth") == 2

            page.get_by_role("button", name="Nhận xử lý").click()
            expect(page.get_by_role("status")).to_contain_text(
                f"Đã nhận xử lý phản ánh {feedback.public_id}."
            )
            page.get_by_label("Tiêu đề công khai").fill("Thu gom bãi rác đầu thôn Nà Mỵ")
            page.get_by_label("Nội dung trả lời").fill(ANSWER)
            page.get_by_label("Phát trên đài truyền thanh cơ sở").check()
            page.get_by_role("button", name="Lưu và trình duyệt").click()
            expect(page.get_by_role("status")).to_contain_text("Đã trình duyệt bản trả lời.")
            expect(page.locator("[data-answer-status]")).to_have_attribute("data-answer-status", "submitted")
            expect(page.get_by_role("button", name="Duyệt và công bố")).to_have_count(0)
            context.close()

            context = browser.new_context(base_url=served, locale="vi-VN")
            context.set_default_timeout(15_000)
            page = context.new_page()
            _sign_in(page, approver.username, totp=SECRET)
            page.goto(f"/feedback/handle/{feedback.public_id}/")
            expect(page.locator("#answer")).to_contain_text(ANSWER)
            expect(page.get_by_role("alert")).to_have_count(0)  # no personal data in the answer
            page.get_by_role("button", name="Duyệt và công bố").click()
            expect(page.get_by_role("status")).to_contain_text("Đã duyệt và công bố trả lời phản ánh")
            expect(page.locator("[data-status]")).to_have_text("Đã trả lời")
            expect(page.locator(".timeline")).to_contain_text("Công bố trả lời")
            context.close()
        finally:
            browser.close()
    feedback.refresh_from_db()
    assert feedback.status == Status.ANSWERED
    answer = feedback.answers.get()
    assert answer.status == AnswerStatus.APPROVED
    assert answer.bulletin is not None
    assert answer.approved_by == approver
    assert Feedback.objects.count() == 1
