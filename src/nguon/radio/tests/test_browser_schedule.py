"""In a real browser (Debian Chromium through Playwright): a commune operator schedules a daily programme
"Bản tin sáng" at 06:30 for 30 minutes with an uploaded audio file, sees it on the calendar on each of the
next 7 days (paging to the next week when needed), then tries a clashing programme and sees the Vietnamese
clash message next to the start time, with nothing saved. On a phone the week is a list of days.

The project is served in-process on the test's own database (``http_server`` from the devices tests), as
in the emergency-screen browser test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.devices.tests.mosquitto import http_server
from nguon.radio.models import Occurrence, Programme, RunningOrderItem
from nguon.radio.services.settings import local_day
from nguon.radio.tests.programme_fixtures import make_mp3

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "Mat-khau-thu-nghiem-2026"  # what ``make_user`` sets
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[str]:
    # Playwright's sync API keeps an event loop in this thread; the ORM calls made here are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.ALLOWED_HOSTS = ["*"]
    settings.WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic
    settings.WHITENOISE_AUTOREFRESH = True
    with http_server() as url:
        yield url


def _day_label(day: Any) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"


def test_operator_schedules_a_daily_programme_and_sees_it_on_the_calendar(
    served: str, tmp_path: Path, make_user: Any, commune: Any
) -> None:
    from playwright.sync_api import expect, sync_playwright

    operator = make_user(Role.COMMUNE_OPERATOR, unit=commune)
    audio = make_mp3(tmp_path / "nhac-hieu-ban-tin-sang.mp3")
    today = local_day()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(base_url=served, locale="vi-VN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Tên đăng nhập", exact=True).fill(operator.username)
        page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")

        # the calendar of their commune, then the programme form
        page.goto("/radio/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Lịch phát thanh — Xã Định Hóa")
        page.get_by_role("link", name="Thêm chương trình").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Thêm chương trình")
        page.get_by_label("Tên chương trình", exact=True).fill("Bản tin sáng")
        page.get_by_label("Giờ bắt đầu", exact=True).fill("06:30")
        page.get_by_label("Thời lượng (phút)", exact=True).fill("30")
        expect(page.get_by_label("Hằng ngày", exact=True)).to_be_checked()
        expect(
            page.get_by_label("Thứ Hai", exact=True)
        ).to_be_hidden()  # weekdays only for "Các ngày trong tuần"
        page.get_by_label("Các ngày trong tuần", exact=True).check()
        expect(page.get_by_label("Thứ Hai", exact=True)).to_be_visible()
        page.get_by_label("Hằng ngày", exact=True).check()
        page.get_by_label("Loại", exact=True).select_option(label="Tệp âm thanh")
        page.get_by_label("Tiêu đề", exact=True).fill("Nhạc hiệu và bản tin sáng")
        page.get_by_label("Tệp âm thanh", exact=True).set_input_files(str(audio))
        expect(page.get_by_label("Bản tin", exact=True)).to_be_hidden()  # only for bulletin lines
        page.get_by_role("button", name="Lưu chương trình").click()

        expect(page.get_by_role("status")).to_contain_text("Đã lưu chương trình «Bản tin sáng».")
        expect(page.get_by_role("heading", level=1)).to_have_text("Lịch phát thanh — Xã Định Hóa")
        # each of the next 7 days, moving to the next week when the days run past Sunday
        shown_monday = today - timedelta(days=today.weekday())
        for offset in range(1, 8):
            day = today + timedelta(days=offset)
            if day - timedelta(days=day.weekday()) != shown_monday:
                page.get_by_role("link", name="Tuần sau →").click()
                shown_monday = day - timedelta(days=day.weekday())
                week = page.locator("#week-heading")
                expect(week).to_have_text(re.compile(rf"^Tuần {shown_monday:%d/%m/%Y} – "))
            cell = page.get_by_role("listitem", name=_day_label(day), exact=True)
            expect(cell).to_contain_text("06:30–07:00")
            expect(cell).to_contain_text("Bản tin sáng")
            expect(cell).to_contain_text("Toàn xã/phường")

        # a clashing programme is refused, in Vietnamese, next to the start time
        page.goto("/radio/programmes/new/")
        page.get_by_label("Tên chương trình", exact=True).fill("Thời sự địa phương")
        page.get_by_label("Giờ bắt đầu", exact=True).fill("06:45")
        page.get_by_label("Thời lượng (phút)", exact=True).fill("20")
        page.get_by_label("Loại", exact=True).select_option(label="Khoảng lặng")
        page.get_by_label("Số giây lặng", exact=True).fill("5")
        # a second line, added and moved up with the buttons (the position numbers follow)
        page.get_by_role("button", name="Thêm mục").click()
        page.locator("select[name=items-1-kind]").select_option(label="Khoảng lặng")
        page.locator("input[name=items-1-seconds]").fill("3")
        page.locator("li[data-row]").nth(1).get_by_role("button", name="Lên trên").click()
        expect(page.locator("li[data-row]").first.locator("input[name=items-1-ORDER]")).to_have_value("1")
        expect(page.locator("input[name=items-0-ORDER]")).to_have_value("2")
        page.get_by_role("button", name="Lưu chương trình").click()
        message = (
            f"Trùng giờ với chương trình «Bản tin sáng» ngày {today:%d/%m/%Y} (06:30–07:00) trên cùng loa. "
            "Đổi giờ hoặc nơi phát."
        )
        expect(page.locator("#id_start_time_error")).to_have_text(message)
        expect(page.get_by_role("alert").first).to_contain_text("Chương trình chưa được lưu")
        expect(page.get_by_label("Tên chương trình", exact=True)).to_have_value("Thời sự địa phương")

        # on a phone the week is a list of days, one under the other
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/radio/")
        boxes = [b for b in (d.bounding_box() for d in page.locator("ol.week > li.day").all()) if b]
        assert len(boxes) == 7
        assert len({round(b["x"]) for b in boxes}) == 1
        assert [b["y"] for b in boxes] == sorted(b["y"] for b in boxes)
        assert all(b["x"] + b["width"] <= 390 for b in boxes)
        context.close()
        browser.close()

    programme = Programme.objects.get(unit=commune)
    assert programme.title == "Bản tin sáng"
    assert (programme.rrule, programme.duration_minutes, f"{programme.start_time:%H:%M}") == (
        "FREQ=DAILY",
        30,
        "06:30",
    )
    line = RunningOrderItem.objects.get(programme=programme)
    assert line.blob is not None
    assert line.blob.kind == "audio"
    days = set(Occurrence.objects.filter(programme=programme).values_list("date", flat=True))
    assert {today + timedelta(days=n) for n in range(1, 8)} <= days
