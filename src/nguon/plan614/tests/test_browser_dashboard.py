"""In a real browser (Debian Chromium through Playwright): the seeded plan on the dashboard, a target's page
with its sparkline, and a commune editor posting progress on a task the communes lead (a bad percent is
refused next to the field, then a good update is shown). Served in-process on the test's database
(``http_server`` from the devices tests); the database is read only after the browser is closed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.core.access import SYSTEM
from nguon.devices.tests.mosquitto import http_server
from nguon.plan614 import seed, services
from nguon.plan614.models import ProgressUpdate, Target, Task
from nguon.plan614.selectors import local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=False)]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PASSWORD = "Mat-khau-thu-nghiem-2026"  # what ``make_user`` sets

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


def _sign_in(page: Any, username: str) -> None:
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def test_dashboard_target_and_progress_in_a_browser(
    served: str, make_user: Any, province: Any, commune: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    seed.load(actor=SYSTEM, province=province)
    target = Target.objects.get(code="bc-hoi-tu")
    for days_ago, value in ((60, "20"), (30, "25"), (0, "40")):
        services.record_measurement(
            actor=SYSTEM,
            target=target,
            measured_on=local_today() - timedelta(days=days_ago),
            value=value,
            evidence_link="https://baothainguyen.vn/bao-cao",
        )
    task = Task.objects.get(number=6)
    board = make_user(Role.EDITORIAL_BOARD, unit=province)
    editor = make_user(Role.COMMUNE_EDITOR, unit=commune)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            base_url=served, locale="vi-VN", viewport={"width": 1400, "height": 1000}
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        _sign_in(page, board.username)
        page.goto("/plan614/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Theo dõi Đề án 614")
        tasks = page.locator("#tasks-h + div tbody tr")
        expect(tasks).to_have_count(10)
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        page.get_by_role(
            "link", name="100% cơ quan báo chí hoạt động, vận hành mô hình tòa soạn hội tụ"
        ).click()
        expect(page.locator("svg.p614-spark polyline")).to_have_count(1)
        expect(page.get_by_role("heading", name="Nhập số liệu")).to_be_visible()
        page.screenshot(path=str(tmp_path / "target.png"), full_page=True)
        context.close()

        context = browser.new_context(base_url=served, locale="vi-VN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        _sign_in(page, editor.username)
        page.goto(f"/plan614/tasks/{task.pk}/")
        page.get_by_label("Tỷ lệ hoàn thành (%)").fill("120")
        page.get_by_label("Nội dung đã thực hiện").fill("Đã lắp bảng tin LED tại trung tâm xã.")
        page.evaluate("document.querySelector('#id_percent').removeAttribute('max')")
        page.get_by_role("button", name="Gửi báo cáo").click()
        expect(page.locator(".errorlist")).to_contain_text("Tỷ lệ hoàn thành phải từ 0 đến 100.")
        page.get_by_label("Tỷ lệ hoàn thành (%)").fill("35")
        page.get_by_role("button", name="Gửi báo cáo").click()
        expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận tiến độ.")
        expect(page.get_by_role("cell", name="35%")).to_be_visible()
        page.screenshot(path=str(tmp_path / "task.png"), full_page=True)
        browser.close()
    update = ProgressUpdate.objects.get()
    assert (update.task_id, update.percent, update.reported_by) == (task.pk, 35, editor)
