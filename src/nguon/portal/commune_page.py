"""What a commune's public page shows besides its bulletins: today's radio programme and what its e-boards
show now.

**Radio.** Today's (local date, Asia/Ho_Chi_Minh) scheduled airings of the commune's active programmes
(``radio.selectors.compilation.list_airings``), each with its running order
(``radio.selectors.programmes.running_order``). A bulletin line shows its title, a link and its audio only
when the bulletin is public (:func:`nguon.portal.selectors.live_bulletins`, live text); any other bulletin
line is shown as "Bản tin" without a title. Silences are left out.

**E-boards.** Each e-board of the commune in service, read from its **current compiled manifest** (what
the board itself plays, ``devices.selectors.registry.get_current_manifest``): the window running now, its
text slides (heading and body) and the kinds of its media slides, and the emergency banner when the board
carries one. A slide taken from a bulletin is shown only when that bulletin is public, with its live text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from nguon.devices.choices import DeviceKind
from nguon.devices.models import Device
from nguon.devices.protocol.timestamps import parse_ts
from nguon.devices.selectors.registry import get_current_manifest
from nguon.portal.audio import public_renders
from nguon.portal.selectors import PublicItem, live_bulletins, public_items
from nguon.radio.choices import ItemKind
from nguon.radio.selectors.compilation import list_airings
from nguon.radio.selectors.programmes import running_order
from nguon.units.models import AdministrativeUnit


@dataclass(frozen=True)
class AiredLine:
    """One line of an airing's running order, as the public may see it."""

    kind: str
    kind_label: str
    title: str
    item: PublicItem | None  # the public bulletin it plays
    has_audio: bool


@dataclass(frozen=True)
class Airing:
    """One airing of a programme today."""

    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    lines: list[AiredLine]


@dataclass(frozen=True)
class Slide:
    kind: str  # text, image, video, clock
    heading: str
    body: str
    bulletin_id: int | None  # a public bulletin the slide shows


@dataclass(frozen=True)
class BoardNow:
    """What one e-board shows now."""

    name: str
    window_title: str
    since: datetime | None
    until: datetime | None
    slides: list[Slide] = field(default_factory=list)
    emergency_heading: str = ""
    emergency_body: str = ""


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _public_by_id(ids: set[int]) -> dict[int, PublicItem]:
    if not ids:
        return {}
    return {i.bulletin_id: i for i in public_items(live_bulletins().filter(pk__in=ids), language="vi")}


def todays_programme(commune: AdministrativeUnit, *, now: datetime) -> list[Airing]:
    """Today's airings of ``commune``, in time order (see the module docstring)."""
    day = now.astimezone(_zone()).date()
    start = datetime.combine(day, time.min, _zone())
    occurrences = list(list_airings(commune, start=start, end=start + timedelta(days=1)))
    orders = {o.pk: running_order(o) for o in occurrences}
    bulletin_ids = {line.bulletin_id for lines in orders.values() for line in lines if line.bulletin_id}
    public = _public_by_id(bulletin_ids)
    renders = public_renders(public.values())
    airings = []
    for occurrence in occurrences:
        lines = []
        for line in orders[occurrence.pk]:
            if line.kind == ItemKind.SILENCE:
                continue
            label = str(ItemKind(line.kind).label) if line.kind in ItemKind.values else line.kind
            if line.kind == ItemKind.BULLETIN:
                item = public.get(line.bulletin_id or 0)
                lines.append(
                    AiredLine(
                        kind=line.kind,
                        kind_label=label,
                        title=item.title if item is not None else "",
                        item=item,
                        has_audio=item is not None and item.bulletin_id in renders,
                    )
                )
            else:
                lines.append(
                    AiredLine(kind=line.kind, kind_label=label, title=line.title, item=None, has_audio=False)
                )
        airings.append(
            Airing(
                title=occurrence.programme.title,
                description=occurrence.programme.description,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
                lines=lines,
            )
        )
    return airings


def _moment(value: Any) -> datetime | None:
    try:
        return parse_ts(value)
    except ValueError:
        return None


def _window_now(body: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    for window in body.get("items", []):
        start, until = _moment(window.get("start")), _moment(window.get("start_until"))
        if start is not None and until is not None and start <= now < until:
            return dict(window)
    return None


def _bulletin_of(slide: dict[str, Any]) -> int | None:
    source = slide.get("source") or {}
    value = source.get("id")
    if source.get("type") != "bulletin" or not isinstance(value, str | int):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def boards_now(commune: AdministrativeUnit, *, now: datetime) -> list[BoardNow]:
    """What each e-board of ``commune`` shows at ``now`` (see the module docstring)."""
    boards = Device.objects.filter(unit=commune, kind=DeviceKind.EBOARD, retired_on__isnull=True).order_by(
        "name", "pk"
    )
    read: list[tuple[Device, dict[str, Any] | None, dict[str, Any]]] = []
    for board in boards:
        manifest = get_current_manifest(device=board)
        body: dict[str, Any] = dict(manifest.body) if manifest is not None else {}
        read.append((board, _window_now(body, now), body))
    wanted = {
        b
        for _board, window, _body in read
        for slide in (window or {}).get("slides", [])
        if (b := _bulletin_of(slide)) is not None
    }
    public = _public_by_id(wanted)
    shown = []
    for board, window, body in read:
        slides = []
        for slide in (window or {}).get("slides", []):
            bulletin_id = _bulletin_of(slide)
            if bulletin_id is not None and bulletin_id not in public:
                continue  # not public (never on the portal, or withdrawn since)
            slides.append(
                Slide(
                    kind=str(slide.get("kind", "")),
                    heading=str(slide.get("heading", "")),
                    body=str(slide.get("body", "")),
                    bulletin_id=bulletin_id,
                )
            )
        emergency = body.get("emergency") or {}
        banner = (emergency.get("item") or {}).get("banner") or {}
        shown.append(
            BoardNow(
                name=board.name or board.device_id,
                window_title=str((window or {}).get("title", "")),
                since=_moment((window or {}).get("start")),
                until=_moment((window or {}).get("start_until")),
                slides=slides,
                emergency_heading=str(banner.get("heading", "")),
                emergency_body=str(banner.get("body", "")),
            )
        )
    return shown
