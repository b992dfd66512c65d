"""The player page and its service worker (no login), the staff preview (scoped: devices.view or
boards.manage in the board's commune), its manifest and media, and the screenshot screen."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.devices.models import ScreenshotRequest
from nguon.devices.services.screenshots import store_screenshot

from .player_fixtures import eboard, media, png_bytes, raw_blob, slide, soon, store_manifest, window

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-thu-nghiem-2026"


def signed_in(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def board(commune: Any) -> Any:
    return eboard(commune, resolution="192x96")


def test_the_player_page_needs_no_login_and_its_worker_caches_the_shell(client: Client) -> None:
    page = client.get("/boards/player/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-mode="device"' in html
    assert "/static/boards/player.js" in html
    assert "fonts.googleapis" not in html
    assert "cdn" not in html.lower()
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    worker = client.get("/boards/player/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/boards/player/"
    code = worker.content.decode()
    shell = json.loads(code.split("const SHELL = ", 1)[1].split(";\n", 1)[0])
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts[-1] == "/static/boards/player.js"  # the entry runs last
    assert "/static/boards/player-clock.js" in scripts
    assert shell == ["/boards/player/", *scripts, "/static/boards/player.css"]  # every script cached
    assert 'self.addEventListener("fetch"' in code


def test_preview_is_scoped_to_the_person(
    make_user: Any, board: Any, commune: Any, other_commune: Any
) -> None:
    image = raw_blob(png_bytes(8, 8), mime="image/png", extension="png", kind="image")
    other_image = raw_blob(png_bytes(9, 9), mime="image/png", extension="png", kind="image")
    store_manifest(board, [window("w-1", soon(10), 60_000, [slide("i-1", kind="image", media=media(image))])])
    operator = signed_in(make_user(Role.COMMUNE_OPERATOR, unit=commune))
    editor = signed_in(make_user(Role.COMMUNE_EDITOR, unit=commune))  # boards.manage, not devices.view
    outsider = signed_in(make_user(Role.COMMUNE_OPERATOR, unit=other_commune))
    url = f"/boards/player/preview/{board.device_id}/"
    for client in (operator, editor):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-mode="preview"' in html
        assert 'data-width="192" data-height="96"' in html
        manifest = client.get(url + "manifest.json").json()
        assert manifest["manifest"]["items"][0]["slides"][0]["id"] == "i-1"
        assert client.get(url + f"media/{image.sha256}").status_code == 200
        assert client.get(url + f"media/{other_image.sha256}").status_code == 404  # not in the manifest
    assert outsider.get(url).status_code == 404
    assert outsider.get(url + "manifest.json").status_code == 404
    assert outsider.get(url + f"media/{image.sha256}").status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_the_screenshot_screen_requests_and_shows_the_latest(
    make_user: Any, board: Any, commune: Any, other_commune: Any
) -> None:
    editor = signed_in(make_user(Role.COMMUNE_EDITOR, unit=commune))
    url = f"/boards/{board.device_id}/screenshot/"
    page = editor.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chụp màn hình" in html
    assert "Chưa có ảnh chụp nào." in html
    answer = editor.post(url, follow=True)
    assert "Đã gửi yêu cầu chụp màn hình" in answer.content.decode()
    assert ScreenshotRequest.objects.filter(device=board, fulfilled_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="devices.screenshot.request").count() == 1
    shot = store_screenshot(device=board, data=png_bytes(192, 96))
    html = editor.get(url).content.decode()
    assert f"/boards/{board.device_id}/screenshot/{shot.pk}.png" in html
    image = editor.get(f"/boards/{board.device_id}/screenshot/{shot.pk}.png")
    assert image.status_code == 200
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    outsider = signed_in(make_user(Role.COMMUNE_EDITOR, unit=other_commune))
    assert outsider.get(url).status_code == 404
    assert outsider.post(url).status_code == 404
    assert outsider.get(f"/boards/{board.device_id}/screenshot/{shot.pk}.png").status_code == 404
    viewer = signed_in(make_user(Role.TECHNICIAN, unit=commune))  # devices.manage may ask too
    assert viewer.post(url).status_code == 302
    assert ScreenshotRequest.objects.filter(device=board).count() == 2
