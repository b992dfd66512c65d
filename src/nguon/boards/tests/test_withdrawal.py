# ruff: noqa: F811 — fixtures imported from the content tests
"""A withdrawn bulletin leaves the boards at once: the withdrawal queues a recompilation of the boards whose
items show it, after the commit, with no manual compile."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from nguon.boards.services import items, playlists, schedules
from nguon.boards.services.compilation import compile_unit
from nguon.boards.tests.test_compile_helpers import (
    HCM,
    SYSTEM,
    approved_bulletin,
    board,
    manifest,
    window_at,
)
from nguon.content.services import workflow
from nguon.content.tests.conftest import bulletin_input, category, department, people  # noqa: F401 — fixtures
from nguon.devices.models import DeviceManifest
from nguon.devices.tests.conftest import publisher  # noqa: F401 — fixture

pytestmark = pytest.mark.usefixtures("publisher")


def _all_day(unit: Any, loop: Any) -> Any:
    """A schedule covering every moment of the compile horizon (from yesterday, every day, all day)."""
    return schedules.create_schedule(
        actor=SYSTEM,
        unit=unit,
        name="Cả ngày",
        playlist=loop,
        weekdays=[1, 2, 3, 4, 5, 6, 7],
        start_time=time(0, 0),
        end_time=time(0, 0),
        start_date=timezone.now().astimezone(HCM).date() - timedelta(days=1),
    )


def _text(body: dict[str, Any]) -> str:
    return " ".join(f"{s.get('heading', '')} {s.get('body', '')}" for w in body["items"] for s in w["slides"])


def test_withdrawal_takes_the_bulletin_off_the_boards_at_once(
    people: Any,
    department: Any,
    bulletin_input: Any,
    commune: Any,
    other_commune: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    b = approved_bulletin(
        people,
        department,
        bulletin_input,
        commune,
        title="Lịch cắt điện tháng 12",
        body="<p>Cắt điện thôn Bãi Á.</p>",
    )
    shows = board(commune, "EB-W1", "384x192")
    elsewhere = board(other_commune, "EB-W2", "192x96")
    item = items.create_item(actor=SYSTEM, unit=commune, kind="bulletin", bulletin=b)
    clock = items.create_item(actor=SYSTEM, unit=commune, kind="clock")
    loop = playlists.create_playlist(actor=SYSTEM, unit=commune, name="Cả ngày")
    playlists.set_entries(actor=SYSTEM, playlist=loop, entries=[(item, None), (clock, None)])
    _all_day(commune, loop)
    other_loop = playlists.create_playlist(actor=SYSTEM, unit=other_commune, name="Phường")
    playlists.set_entries(
        actor=SYSTEM,
        playlist=other_loop,
        entries=[
            (items.create_item(actor=SYSTEM, unit=other_commune, kind="text", title="Tin phường"), None)
        ],
    )
    _all_day(other_commune, other_loop)
    compile_unit(actor=SYSTEM, unit=commune)
    compile_unit(actor=SYSTEM, unit=other_commune)
    now = timezone.now()
    assert "Lịch cắt điện tháng 12" in _text(manifest(shows))
    assert any(s.get("source", {}).get("type") == "bulletin" for s in window_at(shows, now)["slides"])
    before = DeviceManifest.objects.filter(device=shows).order_by("-version").first()
    elsewhere_version = DeviceManifest.objects.filter(device=elsewhere).order_by("-version").first()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(actor=people.approver, bulletin=b, reason="Lịch cắt điện đã thay đổi")

    after = DeviceManifest.objects.filter(device=shows).order_by("-version").first()
    assert before is not None
    assert after is not None
    assert after.version > before.version  # a new manifest, written by the withdrawal itself
    body = manifest(shows)
    assert "Lịch cắt điện" not in _text(body)
    assert all(s.get("source", {}).get("type") != "bulletin" for w in body["items"] for s in w["slides"])
    assert [s["kind"] for s in window_at(shows, timezone.now())["slides"]] == ["clock"]
    # the other commune's board did not show it and was not rewritten
    assert DeviceManifest.objects.filter(device=elsewhere).order_by("-version").first() == elsewhere_version


def test_withdrawing_a_bulletin_no_board_shows_queues_nothing(
    people: Any,
    department: Any,
    bulletin_input: Any,
    commune: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    b = approved_bulletin(people, department, bulletin_input, commune, title="Tin không lên bảng")
    shows_nothing = board(commune, "EB-W3")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.withdraw(actor=people.approver, bulletin=b, reason="Không còn phù hợp")
    assert not DeviceManifest.objects.filter(device=shows_nothing).exists()
    assert all("boards" not in getattr(c, "__module__", "") for c in callbacks)
