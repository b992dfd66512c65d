"""In a real browser (Debian Chromium through Playwright), the whole report round: the province opens the
round; the commune picks the period, types a bad figure (refused next to the field, in Vietnamese), enters
its figures and submits; the province returns the report with a reason; the commune sees the reason,
corrects and submits again; the province accepts and — after ticking the confirmation — locks the round;
the commune's page is then read-only.

The project is served in-process on the test's own database (``http_server`` from the devices tests), as in
the radio browser tests; the database is read only after the browser is closed, because the server
thread shares the test's connection."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

from nguon.accounts import services as accounts
from nguon.accounts.choices import Role
from nguon.core import access
from nguon.devices.tests.mosquitto import http_server
from nguon.reports.choices import ReportStatus
from nguon.reports.models import CommuneReport, ReportCycle
from nguon.reports.tests.fixtures import DINH_HOA

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
REVIEW = "/reports/2026-H1/review/"
COMMUNE = f"/reports/2026-H1/commune/{DINH_HOA}/"
PROPAGANDISTS = "Tuyên truyền viên cơ sở (người)"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[str]:
    # Playwright's sync API keeps an event loop in this thread; the ORM calls made here are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.ALLOWED_HOSTS = ["*"]
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    with http_server() as url:
        yield url


def _sign_in(page: Any, username: str, totp: pyotp.TOTP | None = None) -> None:
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    if totp is not None:
        expect(page).to_have_url(re.compile(r"/accounts/login/verify/$"))
        page.get_by_label("Mã xác thực 6 số").fill(totp.now())
        page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def test_a_report_round_from_entry_to_lock(served: str, make_user: Any, province: Any, commune: Any) -> None:
    from playwright.sync_api import expect, sync_playwright

    editor = make_user(Role.COMMUNE_EDITOR, unit=commune)
    approver = make_user(Role.PROVINCIAL_APPROVER, unit=province)
    accounts.set_totp_secret(actor=access.SYSTEM, user=approver, secret=SECRET)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pages = []
        for _ in range(2):
            context = browser.new_context(base_url=served, locale="vi-VN")
            context.set_default_timeout(15_000)
            pages.append(context.new_page())
        town, hall = pages  # the commune's and the province's browsers
        _sign_in(hall, approver.username, pyotp.TOTP(SECRET))
        _sign_in(town, editor.username)

        # the province opens the round
        hall.goto(REVIEW)
        expect(hall.get_by_role("heading", level=1)).to_have_text("Tổng hợp báo cáo 6 tháng đầu năm 2026")
        hall.get_by_role("button", name="Mở kỳ báo cáo").click()
        expect(hall.get_by_role("status")).to_contain_text("Đã mở kỳ báo cáo 2026-H1.")

        # the commune finds its report from the menu and the period picker
        town.get_by_role("navigation", name="Điều hướng chính").get_by_role(
            "link", name="Thống kê, báo cáo"
        ).click()
        expect(town.get_by_role("heading", level=1)).to_have_text("Thống kê, báo cáo — Xã Định Hóa")
        town.get_by_label("Kỳ báo cáo", exact=True).select_option("2026-H1")
        town.get_by_role("button", name="Xem", exact=True).click()
        town.get_by_role("link", name="Báo cáo của xã").click()
        expect(town.get_by_role("heading", level=1)).to_have_text(
            "Báo cáo 6 tháng đầu năm 2026 — Xã Định Hóa"
        )

        # a negative number is refused next to its field; nothing is saved
        town.get_by_label(PROPAGANDISTS, exact=True).fill("-3")
        town.get_by_label("Nguồn số liệu: Tuyên truyền viên cơ sở", exact=True).fill("Quyết định 15/QĐ-UBND")
        town.get_by_role("button", name="Lưu", exact=True).click()
        expect(town.locator("#id_propagandists-value_error")).to_have_text("Giá trị không được âm.")
        expect(town.get_by_role("alert").first).to_contain_text("Số liệu chưa được lưu")
        expect(town.get_by_role("link", name=re.compile(r"^Lần \d"))).to_have_count(0)

        town.get_by_label(PROPAGANDISTS, exact=True).fill("12")
        town.get_by_label("Cán bộ được bồi dưỡng, tập huấn (người)", exact=True).fill("3")
        town.get_by_label("Nguồn số liệu: Cán bộ được bồi dưỡng, tập huấn", exact=True).fill("Sổ tập huấn")
        town.get_by_label("Trang thông tin điện tử cấp xã (trang)", exact=True).fill("1")
        town.get_by_label("Nguồn số liệu: Trang thông tin điện tử cấp xã", exact=True).fill("Cổng xã")
        town.get_by_role("button", name="Lưu và gửi lên tỉnh").click()
        expect(town.get_by_role("status")).to_contain_text("Đã gửi báo cáo lên tỉnh (lần 1).")
        expect(town.locator("[data-status]")).to_have_text("Đã gửi")

        # the province returns it with a reason
        hall.goto(REVIEW)
        row = hall.locator(f'tr[data-unit="{DINH_HOA}"]')
        expect(row).to_have_attribute("data-status", "submitted")
        hall.get_by_label("Lý do trả lại báo cáo Xã Định Hóa").fill(
            "Số tuyên truyền viên chưa khớp quyết định"
        )
        hall.get_by_role("button", name="Trả lại báo cáo Xã Định Hóa").click()
        expect(hall.get_by_role("status")).to_contain_text("Đã trả lại báo cáo của Xã Định Hóa để sửa.")

        # the commune sees why, corrects and sends again
        town.goto(COMMUNE)
        expect(town.get_by_role("alert")).to_contain_text("Số tuyên truyền viên chưa khớp quyết định")
        expect(town.get_by_label(PROPAGANDISTS, exact=True)).to_have_value("12")
        town.get_by_label(PROPAGANDISTS, exact=True).fill("14")
        town.get_by_role("button", name="Lưu và gửi lên tỉnh").click()
        expect(town.get_by_role("status")).to_contain_text("Đã gửi báo cáo lên tỉnh (lần 2).")
        expect(town.get_by_role("link", name=re.compile(r"^Lần 1 — "))).to_be_visible()

        # the province accepts, then locks only once the confirmation is ticked
        hall.goto(REVIEW)
        hall.get_by_role("button", name="Tiếp nhận báo cáo Xã Định Hóa").click()
        expect(hall.get_by_role("status")).to_contain_text("Đã tiếp nhận báo cáo của Xã Định Hóa.")
        expect(hall.locator(f'tr[data-unit="{DINH_HOA}"]')).to_have_attribute("data-status", "accepted")
        hall.get_by_role("button", name="Khoá sổ", exact=True).click()
        expect(hall.get_by_role("status")).to_contain_text("Đánh dấu ô xác nhận trước khi khoá sổ.")
        expect(hall.locator("[data-locked]")).to_have_count(0)
        hall.get_by_label(re.compile("^Tôi xác nhận khoá sổ")).check()
        hall.get_by_role("button", name="Khoá sổ", exact=True).click()
        expect(hall.get_by_role("status")).to_contain_text("Đã khoá sổ kỳ báo cáo 2026-H1.")
        expect(hall.locator("[data-locked]")).to_contain_text("Kỳ báo cáo đã khoá sổ lúc")
        expect(hall.get_by_role("button", name="Tiếp nhận báo cáo Xã Định Hóa")).to_have_count(0)

        # the commune's page is now read-only
        town.goto(COMMUNE)
        expect(town.locator("[data-read-only]")).to_have_text(
            "Kỳ báo cáo 2026-H1 đã khoá sổ; không thể thay đổi số liệu."
        )
        expect(town.get_by_label(PROPAGANDISTS, exact=True)).to_be_disabled()
        expect(town.get_by_role("button", name="Lưu và gửi lên tỉnh")).to_have_count(0)
        browser.close()

    report = CommuneReport.objects.get()
    assert (report.status, report.version) == (ReportStatus.ACCEPTED, 2)
    assert [v.snapshot["entered"]["propagandists"]["value"] for v in report.versions.order_by("number")] == [
        "12.0",
        "14.0",
    ]
    assert ReportCycle.objects.get().locked_at is not None
