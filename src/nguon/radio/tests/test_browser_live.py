"""In a real browser (Debian Chromium through Playwright, with Chromium's fake microphone): a commune
operator starts a live session from the microphone, the sound reaches a real Icecast mount (read by an
HTTP client), “Lên sóng” sends signed live-start commands to the commune's clusters while the microphone
keeps streaming, and “Kết thúc” sends live-stop.

The project is served in-process on the test's own database (``http_server``), inside the test's
transaction, so on-commit work does not run by itself: the test tells Icecast about the new mount and
stops the relay, as the services' on-commit callbacks do in a real server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.core import access
from nguon.devices.models import CommandRecord
from nguon.devices.services.registry import register_device
from nguon.devices.tests.conftest import publisher  # noqa: F401 — fixture
from nguon.devices.tests.mosquitto import http_server
from nguon.radio import icecast, live_relay
from nguon.radio.choices import LiveStatus
from nguon.radio.models import LiveSession
from nguon.radio.services.live import relay_dir

from .live_helpers import read_mount, running_icecast, wait_for

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "Mat-khau-thu-nghiem-2026"  # what ``make_user`` sets
ACTOR = access.SystemActor("tests")

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def ice(settings, monkeypatch):
    yield from running_icecast(settings, monkeypatch)


@pytest.fixture
def served(ice: Any, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[str]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.ALLOWED_HOSTS = ["*"]
    settings.WHITENOISE_USE_FINDERS = True  # serve live.js without collectstatic
    settings.WHITENOISE_AUTOREFRESH = True
    with http_server() as url:
        yield url


def test_an_operator_goes_live_from_the_browser_microphone(
    served: str,
    ice: Any,
    make_user: Any,
    commune: Any,
    other_commune: Any,
    publisher: Any,  # noqa: F811
) -> None:
    from playwright.sync_api import expect, sync_playwright

    operator = make_user(Role.COMMUNE_OPERATOR, unit=commune)
    clusters = [
        register_device(actor=ACTOR, kind="speaker_cluster", serial=f"LV-{i}", unit=commune) for i in (1, 2)
    ]
    register_device(actor=ACTOR, kind="speaker_cluster", serial="LV-X", unit=other_commune)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
        )
        context = browser.new_context(base_url=served, locale="vi-VN")
        context.grant_permissions(["microphone"], origin=served)
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Tên đăng nhập", exact=True).fill(operator.username)
        page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")

        page.goto("/radio/live/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Phát trực tiếp")
        page.get_by_label("Tiêu đề").fill("Họp dân trực tiếp")
        page.get_by_label("Micrô trên trình duyệt").check()
        page.get_by_role("button", name="Tạo buổi phát").click()
        expect(page).to_have_url(re.compile(r"/radio/live/\d+/$"))
        expect(page.locator("#live-status")).to_have_text("Chờ tín hiệu")
        # The start's on-commit work (see the module docstring), from what the page shows: the test thread
        # stays off the database while the server thread serves the page (SQLite shares one connection).
        mount = (page.locator("#enc-mount").text_content() or "").strip()
        password = (page.locator("#enc-password").text_content() or "").strip()
        icecast.write_config(ice, [icecast.Mount(mount, password)])
        assert icecast.reload(ice)

        page.get_by_role("button", name="Bật micrô").click()
        expect(page.get_by_role("button", name="Tắt micrô")).to_be_visible()
        expect(page.locator("#mic-state")).to_contain_text("Đã gửi")
        wait_for(lambda: mount in icecast.live_mounts(ice), timeout=30)
        heard = read_mount(ice.local_url + mount, 4096)
        assert len(heard) == 4096  # the fake microphone's beeps, as MP3, on the mount
        expect(page.locator("#live-signal")).to_have_text("có tín hiệu")

        page.get_by_role("button", name="Lên sóng").click()
        expect(page.locator("#live-status")).to_have_text("Đang phát trực tiếp")
        # the microphone kept streaming through “Lên sóng” (no page load)
        sent = int(page.locator("#mic-state").get_attribute("data-sent-count") or 0)
        page.wait_for_function(
            f"() => Number(document.getElementById('mic-state').dataset.sentCount) > {sent + 2}"
        )
        assert read_mount(ice.local_url + mount, 2048)

        page.get_by_role("button", name="Kết thúc").click()
        expect(page.locator("#live-status")).to_have_text("Đã kết thúc")
        expect(page.get_by_role("button", name="Bật micrô")).to_have_count(0)
        context.close()
        browser.close()
    session = LiveSession.objects.get()
    assert session.mount == mount
    live_relay.stop(relay_dir(session))  # the end's on-commit work
    starts = CommandRecord.objects.filter(type="live-start")
    assert sorted(starts.values_list("device__serial", flat=True)) == ["LV-1", "LV-2"]
    assert {r.body["stream"]["url"] for r in starts} == {ice.listen_url + mount}
    assert session.status == LiveStatus.ENDED
    stops = CommandRecord.objects.filter(type="live-stop")
    assert sorted(stops.values_list("device__device_id", flat=True)) == sorted(d.device_id for d in clusters)
