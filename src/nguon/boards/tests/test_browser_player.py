"""The e-board player page in a real browser (Debian Chromium through Playwright), served in-process on
the test's own database, as a provisioned e-board with its token:

* the playlist switches slides at the instants of the timing rule (±500 ms) and proof of play arrives;
* an emergency banner appears within 3 s of the emergency starting (pushed over server-sent events) and
  goes away when it stops;
* Vietnamese text (ư, ơ, ạ, ộ, ữ) fits its boxes at LED resolutions (192×96, 384×192) and at 1920×1080:
  no text element overflows, and the screenshots are not blank;
* a video the browser cannot decode shows the fallback text, never a black screen;
* a screenshot requested by staff arrives as a PNG.
"""

from __future__ import annotations

import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from nguon.devices.api import device_web
from nguon.devices.models import PlayReceipt, ScreenshotRequest
from nguon.devices.services.screenshots import request_screenshot
from nguon.devices.tests.conftest import publisher  # noqa: F401 — fixture
from nguon.devices.tests.mosquitto import wait_for

from .player_fixtures import (
    ACTOR,
    VIET_BODY,
    VIET_HEADING,
    eboard,
    media,
    on_connection,
    png_bytes,
    raw_blob,
    slide,
    soon,
    start_banner,
    stop_banner,
    stoppable_server,
    store_manifest,
    token_for,
    window,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TOLERANCE_MS = 500

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

#: JS: every fitted text box and the ticker, with what overflows (scroll size > client size + 1).
OVERFLOWS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('#screen [data-fit], #screen [data-fit] *, #screen .text')) {
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      bad.push({cls: el.className, text: el.textContent.slice(0, 40), sw: el.scrollWidth, cw: el.clientWidth,
                sh: el.scrollHeight, ch: el.clientHeight});
    }
  }
  for (const el of document.querySelectorAll('#screen .ticker')) {
    if (el.scrollHeight > el.clientHeight + 1) bad.push({cls: 'ticker', sh: el.scrollHeight, ch: el.clientHeight});
  }
  return bad;
}"""


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, settings: Any, publisher: Any) -> Iterator[str]:  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.ALLOWED_HOSTS = ["*"]
    settings.WHITENOISE_USE_FINDERS = True  # serve player.js without collectstatic
    settings.WHITENOISE_AUTOREFRESH = True
    # Short streams and frequent pings: a stream notices its closed browser at once, and every stream
    # has ended (its thread off the test's database connection) before the test's transaction ends.
    monkeypatch.setattr(device_web, "STREAM_SECONDS", 10.0)
    monkeypatch.setattr(device_web, "PING_SECONDS", 0.3)
    with stoppable_server() as server:
        warm_up(server.url)
        yield server.url
        wait_for(lambda: device_web._streams._value == device_web.MAX_STREAMS_PER_PROCESS, timeout=15)


def warm_up(url: str) -> None:
    """The first request loads every URLconf and the API (seconds); done before the browser's clock runs."""
    with urllib.request.urlopen(url + "/boards/player/", timeout=120) as response:  # noqa: S310 — local
        response.read()


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def open_player(browser: Any, url: str, token: str, width: int, height: int) -> tuple[Any, Any]:
    context = browser.new_context(base_url=url, viewport={"width": width, "height": height}, locale="vi-VN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"/boards/player/#token={token}", timeout=60_000)
    page.wait_for_function("() => window.nguonPlayer && window.nguonPlayer.ready.manifest")
    return context, page


def ms(moment: Any) -> int:
    return int(moment.timestamp() * 1000)


def gray_variance(png: Path) -> float:
    """Pixel variance of the PNG in gray levels (ffmpeg decodes it; no image library needed)."""
    ffmpeg = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
    raw = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(png), "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        check=True,
        capture_output=True,
    ).stdout
    mean = sum(raw) / len(raw)
    return sum((b - mean) ** 2 for b in raw[:: max(1, len(raw) // 200_000)]) / len(
        raw[:: max(1, len(raw) // 200_000)]
    )


def test_the_playlist_switches_on_time_and_proof_of_play_arrives(served: str, commune: Any) -> None:
    from playwright.sync_api import expect, sync_playwright

    board = eboard(commune)
    token = token_for(board)
    store_manifest(board, [])  # nothing scheduled yet: the board shows the clock
    slides = [
        slide("s-a", heading="Lịch tiếp dân", body="Thứ Hai và thứ Năm hằng tuần.", duration_ms=2000),
        slide("s-b", heading="Thông báo", body="Phòng chống lũ quét.", theme="light", duration_ms=2000),
        slide("s-c", kind="clock", duration_ms=2000),
    ]
    ids = [s["id"] for s in slides]
    connection = connections["default"]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context, page = open_player(browser, served, token, 384, 192)
        assert "token" not in page.url  # taken from the fragment into localStorage, then removed
        assert page.evaluate("localStorage.getItem('nguon.player.token')") == token
        expect(page.locator("#stage")).to_have_attribute("data-kind", "clock")  # empty schedule
        expect(page.locator("#stage .clock")).to_contain_text(timezone.localtime().strftime("/%m/%Y"))
        page.wait_for_function("() => window.nguonPlayer.eventsOpen")
        start = soon(4)
        on_connection(connection, lambda: store_manifest(board, [window("w-play", start, 60_000, slides)]))
        # the DOM's slide at the middle of each of the first seven slides (two loops and one more)
        for k in range(7):
            at = ms(start) + k * 2000 + 1000
            page.wait_for_function(f"() => Date.now() >= {at}", polling=50)
            state = page.evaluate("[window.nguonPlayer.offset, window.nguonPlayer.log, Date.now()]")
            assert page.locator("#stage").get_attribute("data-slide") == ids[k % 3], (k, ms(start), state)
        log = page.evaluate("window.nguonPlayer.log")
        page.wait_for_function("() => window.nguonPlayer.receiptsMade.length >= 6")
        page.wait_for_function("() => window.nguonPlayer.outboxSize === 0", polling=200)
        made = page.evaluate("window.nguonPlayer.receiptsMade")
        clock = page.locator("#stage .clock .fit")
        context.close()
        browser.close()
    shown = [entry for entry in log if entry["slide"] in ids]
    assert len(shown) >= 7
    for k, entry in enumerate(shown[:7]):
        assert entry["slide"] == ids[k % 3]
        assert entry["scheduled"] == ms(start) + k * 2000
        assert abs(entry["shownAt"] - entry["scheduled"]) <= TOLERANCE_MS, entry
    stored = {r.receipt_id: r for r in PlayReceipt.objects.filter(device=board)}
    assert {m["id"] for m in made} <= set(stored)
    for m in made:
        receipt = stored[m["id"]]
        assert receipt.item_id == m["item"]
        assert receipt.result == "played"
        assert receipt.scheduled_at is not None
        assert ms(receipt.scheduled_at) % 2000 == ms(start) % 2000
    assert clock is not None


def test_an_emergency_banner_appears_within_3_seconds_and_goes(served: str, commune: Any) -> None:
    from playwright.sync_api import expect, sync_playwright

    board = eboard(commune)
    token = token_for(board)
    store_manifest(
        board, [window("w-day", soon(-60), 3_600_000, [slide("s-1", heading="Bản tin", duration_ms=5000)])]
    )
    connection = connections["default"]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context, page = open_player(browser, served, token, 384, 192)
        page.wait_for_function("() => window.nguonPlayer.eventsOpen")
        expect(page.locator("#banner")).to_be_hidden()
        broadcast = on_connection(
            connection,
            lambda: start_banner(
                board, "Cảnh báo lũ quét", "Người dân không lội qua suối, di chuyển lên chỗ cao."
            ),
        )
        expect(page.locator("#banner")).to_be_visible(timeout=3000)
        expect(page.locator("#banner")).to_contain_text("Cảnh báo lũ quét")
        expect(page.locator("#stage")).to_have_attribute("data-slide", "s-1")  # still playing under it
        assert page.evaluate(OVERFLOWS) == []
        on_connection(connection, lambda: stop_banner(broadcast, board))
        expect(page.locator("#banner")).to_be_hidden(timeout=3000)
        page.wait_for_function(
            "() => window.nguonPlayer.receiptsMade.some(r => r.item.startsWith('em-'))"
            " && window.nguonPlayer.outboxSize === 0",
            polling=200,
        )
        context.close()
        browser.close()
    banner_receipt = PlayReceipt.objects.get(device=board, item_id=broadcast.protocol_id)
    assert banner_receipt.is_emergency


@pytest.mark.parametrize(("width", "height"), [(192, 96), (384, 192), (1920, 1080)])
def test_vietnamese_text_fits_at_led_resolutions(
    served: str, commune: Any, tmp_path: Path, width: int, height: int
) -> None:
    from playwright.sync_api import sync_playwright

    board = eboard(commune, resolution=f"{width}x{height}")
    token = token_for(board)
    store_manifest(board, [])
    image = raw_blob(png_bytes(64, 32), mime="image/png", extension="png", kind="image")
    slides = [
        slide("t-full", heading=VIET_HEADING, body=VIET_BODY, duration_ms=3000),
        slide(
            "t-ticker",
            layout="ticker",
            heading=VIET_HEADING,
            body="Hội nghị tuyên truyền ở nhà văn hóa.",
            ticker="Tin nhanh: ưu tiên đường dây nóng ứng cứu lũ — trợ giúp người dân vùng ngập",
            duration_ms=3000,
        ),
        slide(
            "t-split",
            layout="split",
            theme="light",
            heading="Giờ làm việc",
            body=VIET_BODY,
            side={"heading": "Lưu ý", "body": "Mang căn cước; đọc kỹ hướng dẫn trước khi nộp hồ sơ."},
            duration_ms=3000,
        ),
        slide("t-image", kind="image", media=media(image), heading="Ảnh", duration_ms=3000),
    ]
    shots: list[Path] = []
    connection = connections["default"]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context, page = open_player(browser, served, token, width, height)
        page.wait_for_function("() => window.nguonPlayer.eventsOpen")
        start = soon(3)
        on_connection(connection, lambda: store_manifest(board, [window("w-text", start, 60_000, slides)]))
        for k, s in enumerate(slides):
            at = ms(start) + k * 3000 + 1200
            page.wait_for_function(f"() => Date.now() >= {at}", polling=50)
            assert page.locator("#stage").get_attribute("data-slide") == s["id"]
            assert page.evaluate(OVERFLOWS) == [], s["id"]
            text = page.locator("#stage").inner_text()
            if s["id"] == "t-full":
                # every page of the paginated text, or the whole: the diacritics are there as written
                assert any(ch in text for ch in "ươạộữ")
                sizes = page.evaluate(
                    "[...document.querySelectorAll('#stage [data-fit]')].map(e => parseFloat(e.style.fontSize))"
                )
                assert min(sizes) >= 10
            shot = tmp_path / f"{s['id']}-{width}x{height}.png"
            page.screenshot(path=str(shot))
            shots.append(shot)
        context.close()
        browser.close()
    for shot in shots:
        assert gray_variance(shot) > 20, shot.name  # not a blank (single-colour) screen


def test_an_undecodable_video_shows_the_fallback_text_not_black(
    served: str, commune: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    board = eboard(commune)
    token = token_for(board)
    broken = raw_blob(
        b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40, mime="video/mp4", extension="mp4", kind="video"
    )
    start = soon(3)
    slides = [
        slide(
            "v-broken", kind="video", media=media(broken), heading="Phóng sự: Mùa lúa mới", duration_ms=8000
        )
    ]
    store_manifest(board, [window("w-video", start, 60_000, slides)])
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context, page = open_player(browser, served, token, 384, 192)
        page.wait_for_function(f"() => Date.now() >= {ms(start) + 500}", polling=50)
        fallback = page.locator("#stage [data-fallback]")
        expect(fallback).to_be_visible(timeout=5000)
        expect(fallback).to_contain_text("Phóng sự: Mùa lúa mới")
        assert page.locator("#stage video").count() == 0
        assert page.evaluate(OVERFLOWS) == []
        shot = tmp_path / "video-fallback.png"
        page.screenshot(path=str(shot))
        context.close()
        browser.close()
    assert gray_variance(shot) > 20


def test_a_requested_screenshot_arrives_as_png(served: str, commune: Any, make_user: Any) -> None:
    from playwright.sync_api import sync_playwright

    board = eboard(commune)
    token = token_for(board)
    store_manifest(
        board, [window("w-shot", soon(-5), 600_000, [slide("s-x", heading=VIET_HEADING, duration_ms=60_000)])]
    )
    connection = connections["default"]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context, page = open_player(browser, served, token, 384, 192)
        page.wait_for_function("() => window.nguonPlayer.eventsOpen")
        on_connection(connection, lambda: request_screenshot(actor=ACTOR, device=board))
        page.wait_for_function("() => window.nguonPlayer.screenshots >= 1", timeout=10_000)
        context.close()
        browser.close()
    shot = ScreenshotRequest.objects.get(device=board)
    assert shot.fulfilled_at is not None
    assert shot.fulfilled_at <= timezone.now()
    assert shot.blob is not None
    data = shot.blob.file.open("rb").read()
    assert data.startswith(b"\x89PNG")
    assert int.from_bytes(data[16:20], "big") == 384
