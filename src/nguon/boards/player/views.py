"""The e-board web player (``/boards/player/``), its service worker, the staff preview and screenshots.

The player page needs no login: it authenticates as its device with the bearer token it keeps in
localStorage, against the device API (``/api/v1/devices/me/…``). The preview renders the same page and
script for a signed-in person, with the manifest and media read through the person's scope.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from nguon.boards.selectors.preview import preview_device, preview_manifest, preview_media
from nguon.devices.api.media import media_response
from nguon.devices.models import ScreenshotRequest
from nguon.devices.services.screenshots import can_request, latest_screenshot, request_screenshot

PLAYER_VERSION = "1.0.0"
# The player's scripts in load order (classic scripts sharing window.NguonPlayer; player.js, last, starts
# it). The page writes a <script> tag for each and the service worker caches each for an offline start.
PLAYER_SCRIPTS = (
    "boards/player-clock.js",
    "boards/player-render.js",
    "boards/player-net.js",
    "boards/player-outbox.js",
    "boards/player-screenshot.js",
    "boards/player.js",
)
SHELL_ASSETS = (*PLAYER_SCRIPTS, "boards/player.css")


def _resolution(text: str) -> tuple[int, int]:
    width, _sep, height = (text or "").lower().partition("x")
    try:
        w, h = int(width), int(height)
    except ValueError:
        return 1920, 1080
    return (w, h) if 16 <= w <= 8192 and 16 <= h <= 8192 else (1920, 1080)


def _page_context(**extra: Any) -> dict[str, Any]:
    return {
        "version": PLAYER_VERSION,
        "sw_url": reverse("boards:player-sw"),
        "api_base": "/api/v1/devices/me/",
        "scripts": PLAYER_SCRIPTS,
        **extra,
    }


@require_GET
@never_cache
def player_view(request: HttpRequest) -> HttpResponse:
    context = _page_context(mode="device", manifest_url="/api/v1/devices/me/manifest", media_base="")
    return render(request, "boards/player.html", context)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, with the shell it caches (this page and its assets) written in."""
    source = finders.find("boards/player-sw.js")
    if not source or isinstance(source, list):
        raise Http404
    code = Path(source).read_text(encoding="utf-8")
    shell = [reverse("boards:player"), *(static(asset) for asset in SHELL_ASSETS)]
    header = (
        f"const SHELL = {json.dumps(shell)};\n"
        f"const PAGE = {json.dumps(reverse('boards:player'))};\n"
        f"const PREVIEW_PREFIX = {json.dumps(reverse('boards:player') + 'preview/')};\n"
        f"const VERSION = {json.dumps(PLAYER_VERSION)};\n"
    )
    response = HttpResponse(header + code, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("boards:player")
    return response


@login_required
@require_GET
@xframe_options_sameorigin  # shown in an <iframe> on the board's management page (boards:board)
def preview_view(request: HttpRequest, device_id: str) -> HttpResponse:
    device = preview_device(user=request.user, device_id=device_id)
    width, height = _resolution(device.resolution)
    context = _page_context(
        mode="preview",
        device=device,
        width=width,
        height=height,
        manifest_url=reverse("boards:player-preview-manifest", args=[device.device_id]),
        media_base=reverse("boards:player-preview-media", args=[device.device_id, "0" * 64])[:-64],
    )
    return render(request, "boards/player.html", context)


@login_required
@require_GET
def preview_manifest_view(request: HttpRequest, device_id: str) -> HttpResponse:
    _device, manifest = preview_manifest(user=request.user, device_id=device_id)
    body = manifest.body if manifest is not None else None
    response = JsonResponse({"manifest": body, "etag": manifest.etag if manifest else None})
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def preview_media_view(request: HttpRequest, device_id: str, sha256: str) -> Any:
    blob = preview_media(user=request.user, device_id=device_id, sha256=sha256)
    return media_response(blob, request.headers.get("Range", ""))


@login_required
@require_http_methods(["GET", "POST"])
def screenshot_view(request: HttpRequest, device_id: str) -> HttpResponse:
    device = preview_device(user=request.user, device_id=device_id)
    allowed = can_request(request.user, device)
    if request.method == "POST":
        if not allowed:
            messages.error(request, _("Bạn không có quyền yêu cầu chụp màn hình bảng này."))
        else:
            try:
                request_screenshot(actor=request.user, device=device)
            except ValidationError as error:
                messages.error(request, " ".join(str(m) for m in error.messages))
            else:
                messages.success(
                    request,
                    _("Đã gửi yêu cầu chụp màn hình; ảnh hiện ở đây sau vài giây nếu bảng đang kết nối."),
                )
        return redirect("boards:screenshot", device_id=device.device_id)
    pending = ScreenshotRequest.objects.filter(device=device, fulfilled_at__isnull=True).order_by(
        "-requested_at"
    )
    context = {
        "device": device,
        "latest": latest_screenshot(device),
        "pending": pending.first(),
        "allowed": allowed,
    }
    return render(request, "boards/player_screenshot.html", context)


@login_required
@require_GET
def screenshot_image_view(request: HttpRequest, device_id: str, pk: int) -> FileResponse:
    device = preview_device(user=request.user, device_id=device_id)
    shot = (
        ScreenshotRequest.objects.filter(device=device, pk=pk, blob__isnull=False)
        .select_related("blob")
        .first()
    )
    if shot is None or shot.blob is None:
        raise Http404
    response = FileResponse(shot.blob.file.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


urlpatterns: list[URLPattern] = [
    path("player/", player_view, name="player"),
    path("player/sw.js", service_worker, name="player-sw"),
    path("player/preview/<str:device_id>/", preview_view, name="player-preview"),
    path(
        "player/preview/<str:device_id>/manifest.json",
        preview_manifest_view,
        name="player-preview-manifest",
    ),
    path(
        "player/preview/<str:device_id>/media/<str:sha256>",
        preview_media_view,
        name="player-preview-media",
    ),
    path("<str:device_id>/screenshot/", screenshot_view, name="screenshot"),
    path("<str:device_id>/screenshot/<int:pk>.png", screenshot_image_view, name="screenshot-image"),
]
