"""In a real browser (Debian Chromium through Playwright): a provincial approver signs in with TOTP, fills
the emergency form, is asked for a TOTP code again on the confirm step, a wrong code is refused, the
right one puts the order on air and the progress page lists the targeted clusters.

The project is served in-process on the test's own database (``http_server`` from the devices tests),
so the people and devices are made with the services, like in every other test."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

from nguon.accounts import services as accounts
from nguon.accounts.choices import Role
from nguon.core import access
from nguon.core.models import AuditEvent
from nguon.devices.services.registry import register_device
from nguon.devices.tests.conftest import wav_bytes
from nguon.devices.tests.mosquitto import http_server
from nguon.radio.choices import EmergencyStatus
from nguon.radio.models import EmergencyOrder

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "Mat-khau-thu-nghiem-2026"  # what ``make_user`` sets
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ACTOR = access.SystemActor("tests")

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[str]:
    # Playwright's sync API keeps an event loop in this thread; the ORM calls made here are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.ALLOWED_HOSTS = ["*"]
    settings.WHITENOISE_USE_FINDERS = (
        True  # serve app static files (the progress script) without collectstatic
    )
    settings.WHITENOISE_AUTOREFRESH = True
    with http_server() as url:
        yield url


def test_the_emergency_screen_demands_a_totp_code_and_shows_progress(
    served: str, tmp_path: Path, make_user: Any, province: Any, commune: Any, other_commune: Any
) -> None:
    from playwright.sync_api import expect, sync_playwright

    approver = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    accounts.set_totp_secret(actor=access.SYSTEM, user=approver, secret=SECRET)
    clusters = [
        register_device(actor=ACTOR, kind="speaker_cluster", serial=f"BR-{i}", unit=commune) for i in (1, 2)
    ]
    elsewhere = register_device(actor=ACTOR, kind="speaker_cluster", serial="BR-X", unit=other_commune)
    totp = pyotp.TOTP(SECRET)
    audio = tmp_path / "canh-bao.wav"
    audio.write_bytes(wav_bytes(0.5, 660))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(base_url=served, locale="vi-VN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        # sign in: password, then the TOTP step of the session
        page.goto("/accounts/login/")
        page.get_by_label("Tên đăng nhập", exact=True).fill(approver.username)
        page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        expect(page).to_have_url(re.compile(r"/accounts/login/verify/$"))
        page.get_by_label("Mã xác thực 6 số").fill(totp.now())
        page.get_by_role("button", name="Xác nhận", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")

        # the order form
        page.goto("/radio/emergencies/new/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Lập lệnh phát khẩn cấp")
        page.get_by_label("Tiêu đề").fill("Cảnh báo lũ quét")
        page.locator("input[name=upload]").set_input_files(str(audio))
        page.get_by_label("Các xã/phường được chọn").check()
        page.locator("details summary").first.click()
        page.get_by_label(re.compile(re.escape(commune.full_name))).check()
        page.get_by_role("button", name="Tiếp tục: xác nhận").click()

        # the confirm step demands a TOTP code, even though the session passed 2FA
        expect(page.get_by_role("heading", level=1)).to_have_text("Xác nhận phát khẩn cấp")
        expect(page.locator("#interrupt-summary")).to_contain_text("2 cụm loa ở 1 xã/phường")
        code = page.get_by_label("Nhập mã xác thực 6 số")
        expect(code).to_be_visible()
        good = {totp.at(time.time() + d) for d in (-30, 0, 30)}
        code.fill(next(c for c in ("000000", "123456", "999999") if c not in good))
        page.get_by_role("button", name="Phát khẩn cấp ngay").click()
        expect(page.get_by_role("alert")).to_contain_text("Mã xác thực không đúng.")
        expect(page).to_have_url(re.compile(r"/radio/emergencies/new/confirm/$"))  # still the confirm step

        page.get_by_label("Nhập mã xác thực 6 số").fill(totp.at(time.time() + 30))  # a fresh step
        page.get_by_role("button", name="Phát khẩn cấp ngay").click()
        expect(page).to_have_url(re.compile(r"/radio/emergencies/\d+/$"))
        expect(page.locator("#order-status")).to_contain_text("Đang phát")
        rows = page.locator("#progress-rows tr")
        expect(rows).to_have_count(2)
        for device in clusters:
            expect(page.locator(f"#progress-rows tr[data-device='{device.device_id}']")).to_be_visible()
        expect(page.locator(f"#progress-rows tr[data-device='{elsewhere.device_id}']")).to_have_count(0)
        # the page refreshes itself from the JSON endpoint
        with page.expect_response(re.compile(r"/progress\.json$")) as polled:
            pass
        assert polled.value.ok
        context.close()
        browser.close()
    # No ORM inside the Playwright block: its greenlet would open a second database connection.
    order = EmergencyOrder.objects.get()  # one order: the refused code made none
    assert AuditEvent.objects.filter(action="radio.emergency.totp_failed", actor_id=approver.pk).count() == 1
    assert order.status == EmergencyStatus.ON_AIR
    assert sorted(order.broadcast.devices.values_list("serial", flat=True)) == ["BR-1", "BR-2"]
