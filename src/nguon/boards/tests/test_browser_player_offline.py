"""The player with the server stopped, in a real browser (Debian Chromium through Playwright).

The project is served in-process on the test's database on a fixed port; "stopped" means the listening
socket is closed and every open connection (the event stream too) is cut, so the browser gets
"connection refused" — not a request aborted by Playwright. While the server is down the player keeps
switching slides on time, a reload starts it again from the service worker's cache (page, script,
style), the manifest from localStorage and the image from Cache Storage; the receipts made meanwhile
wait in the IndexedDB outbox and arrive once the server is back on the same address, each exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nguon.devices.api import device_web
from nguon.devices.models import PlayReceipt
from nguon.devices.tests.conftest import publisher  # noqa: F401 — fixture
from nguon.devices.tests.mosquitto import wait_for

from .player_fixtures import (
    Server,
    eboard,
    media,
    png_bytes,
    raw_blob,
    slide,
    soon,
    stoppable_server,
    store_manifest,
    token_for,
    window,
)
from .test_browser_player import CHROMIUM, TOLERANCE_MS, launch, ms, warm_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, settings: Any, publisher: Any) -> Iterator[Server]:  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.ALLOWED_HOSTS = ["*"]
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    monkeypatch.setattr(device_web, "STREAM_SECONDS", 10.0)
    monkeypatch.setattr(device_web, "PING_SECONDS", 0.3)
    with stoppable_server() as server:
        warm_up(server.url)
        yield server
        wait_for(
            lambda: device_web._streams._value == device_web.MAX_STREAMS_PER_PROCESS,
            timeout=15,
        )


def check_slides(page: Any, start_ms: int, ids: list[str], durations_ms: int, count: int) -> None:
    """The DOM's slide at the middle of the next ``count`` slides after now."""
    now = page.evaluate("Date.now()")
    k = max(0, (now - start_ms) // durations_ms + 1)
    for n in range(k, k + count):
        at = start_ms + n * durations_ms + durations_ms // 2
        page.wait_for_function(f"() => Date.now() >= {at}", polling=50)
        assert page.locator("#stage").get_attribute("data-slide") == ids[n % len(ids)], n


def test_the_player_keeps_playing_with_the_server_stopped_and_its_receipts_arrive_once(
    served: Server, commune: Any
) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists()
    board = eboard(commune)
    token = token_for(board)
    image = raw_blob(png_bytes(96, 48), mime="image/png", extension="png", kind="image")
    slides = [
        slide("o-text", heading="Lịch tiêm chủng", body="Trạm y tế xã, sáng thứ Bảy.", duration_ms=2000),
        slide("o-image", kind="image", media=media(image), heading="Bản đồ", duration_ms=2000),
        slide(
            "o-light",
            heading="Điện thoại đường dây nóng",
            body="0208 123 456",
            theme="light",
            duration_ms=2000,
        ),
    ]
    ids = [s["id"] for s in slides]
    start = soon(2)
    store_manifest(board, [window("w-offline", start, 600_000, slides)])
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(base_url=served.url, viewport={"width": 384, "height": 192})
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.goto(f"/boards/player/#token={token}", timeout=60_000)
        # online: manifest, media cached, service worker controlling the page, first receipts uploaded
        page.wait_for_function(
            "() => { const p = window.nguonPlayer; return p && p.ready.manifest && p.ready.media"
            " && p.ready.sw && navigator.serviceWorker.controller; }"
        )
        check_slides(page, ms(start), ids, 2000, 3)
        page.wait_for_function("() => window.nguonPlayer.receiptsMade.length >= 2")
        page.wait_for_function("() => window.nguonPlayer.outboxSize === 0", polling=200)

        served.stop()
        refused = page.evaluate("fetch('/healthz').then(() => 'answered', () => 'refused')")
        assert refused == "refused"
        check_slides(page, ms(start), ids, 2000, 3)  # still switching, from memory
        # just after a slide change, so the reload does not cut a receipt's write short
        phase = f"(Date.now() - {ms(start)}) % 2000"
        page.wait_for_function(f"() => {phase} > 200 && {phase} < 600", polling=20)
        # what the page made is read as it goes away (a loaded machine may finish a slide first)
        page.evaluate(
            "() => window.addEventListener('pagehide', () => sessionStorage.setItem('beforeReload',"
            " JSON.stringify([window.nguonPlayer.receiptsMade, window.nguonPlayer.log])))"
        )

        page.reload()  # the page, script and style come from the service worker's cache
        before_reload = json.loads(page.evaluate("sessionStorage.getItem('beforeReload')"))
        page.wait_for_function("() => window.nguonPlayer && window.nguonPlayer.ready.manifest")
        check_slides(page, ms(start), ids, 2000, 4)
        shown_image = page.evaluate(
            "() => new Promise(done => { const tryIt = () => { const img = document.querySelector('#stage img');"
            " if (img && img.complete && img.naturalWidth) done(img.naturalWidth); else setTimeout(tryIt, 100); };"
            " tryIt(); })"
        )
        assert shown_image == 96  # from Cache Storage: the server is down
        page.wait_for_function("() => window.nguonPlayer.receiptsMade.length >= 3")
        page.wait_for_function("() => window.nguonPlayer.outboxSize > 0", polling=200)
        offline_made = page.evaluate("window.nguonPlayer.receiptsMade.length")

        served.start()  # back on the same address: the outbox empties
        page.wait_for_function("() => window.nguonPlayer.outboxSize === 0", polling=250, timeout=30_000)
        served.stop()  # nothing more arrives, so every stored receipt is in the reading below
        after_reload = page.evaluate("[window.nguonPlayer.receiptsMade, window.nguonPlayer.log]")
        context.close()
        browser.close()

    made = before_reload[0] + after_reload[0]
    made_ids = [m["id"] for m in made]
    assert offline_made >= 3
    rows = list(PlayReceipt.objects.filter(device=board))
    # every receipt made is stored, exactly once, and nothing else is
    assert sorted(r.receipt_id for r in rows) == sorted(set(made_ids))
    assert len(rows) == len(set(made_ids))
    by_id = {r.receipt_id: r for r in rows}
    for m in made:
        row = by_id[m["id"]]
        assert row.item_id == m["item"]
        assert row.scheduled_at is not None
        assert row.scheduled_at.isoformat().startswith(m["scheduled_at"][:19])
    # compare with the slides shown: every slide that finished on screen has its receipt
    finished = before_reload[1][:-1] + after_reload[1][:-1]
    stored = {(r.item_id, ms(r.scheduled_at)) for r in rows if r.scheduled_at is not None}
    # the first slide of each page load comes up mid-slide (it was already on); the others on time
    first_of_each_load = {id(before_reload[1][0]), id(after_reload[1][0])}
    for entry in finished:
        assert (entry["slide"], entry["scheduled"]) in stored, entry
        if id(entry) not in first_of_each_load:
            assert abs(entry["shownAt"] - entry["scheduled"]) <= TOLERANCE_MS, entry
    assert {r.item_id for r in rows} == set(ids)
    assert Path("/usr/bin/chromium").exists()
