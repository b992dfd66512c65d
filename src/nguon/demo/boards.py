"""Demo e-boards: six public electronic boards (LED 192×96, LED 384×192, LCD 1920×1080) in xã Định Hóa,
phường Phổ Yên and phường Phan Đình Phùng (a ward of the former Thái Nguyên city), registered and provisioned
by the technician, with each place's content written through the boards services by its own editor: a
default playlist (an announcement and a clock), a daytime schedule (07:00–21:00 every day) showing the
approved demo flood warning as slides, and a higher-priority evening schedule on one board; then compiled
into the boards' manifests.

Idempotent: boards are matched by serial, a place's content by its default playlist's name; the
manifests are compiled only when something was created (the periodic compile moves the horizon on).
The boards' one-time bundles (with the player token) are kept in ``DATA_DIR/demo/eboard-bundles.json``
(mode 0600) and reused while their credentials are active: open ``/boards/player/#token=<token>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from nguon.accounts.models import User
from nguon.boards.choices import ItemKind, Layout, SchedulePriority, Theme
from nguon.boards.models import BoardItem, Playlist
from nguon.boards.selectors.bulletins import showable_bulletins
from nguon.boards.services import compilation, items, playlists, schedules
from nguon.demo.content import BULLETINS
from nguon.demo.data import COMMUNE, OTHER_COMMUNE
from nguon.devices.choices import Connectivity, DeviceKind, PanelType
from nguon.devices.models import Device, DeviceManifest
from nguon.devices.services.registry import register_device
from nguon.devices.services.simulation import simulated_bundles
from nguon.units.models import AdministrativeUnit

PHO_YEN = "05860"  # Phường Phổ Yên
TECHNICIAN = "kythuat"
DEFAULT_PLAYLIST = "Nội dung mặc định"
EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
#: The approved demo bulletin shown in the daytime (the province-wide flood warning, in every inbox).
WARNING_TITLE = str(BULLETINS[1]["title"])


@dataclass(frozen=True)
class DemoBoard:
    serial: str
    commune: str
    name: str
    panel: str
    resolution: str
    size_m2: Decimal
    connectivity: str
    offset: tuple[str, str]  # from the commune's centre (latitude, longitude), so it shows on the map


#: The first board of each place also gets the evening schedule.
BOARDS = (
    DemoBoard(
        "DEMO-EB-05569-01",
        COMMUNE,
        "Bảng tin điện tử trụ sở UBND xã",
        PanelType.LED,
        "384x192",
        Decimal("6.00"),
        Connectivity.LAN,
        ("0.0012", "-0.0008"),
    ),
    DemoBoard(
        "DEMO-EB-05569-02",
        COMMUNE,
        "Bảng tin điện tử chợ Chợ Chu",
        PanelType.LED,
        "192x96",
        Decimal("3.00"),
        Connectivity.G4,
        ("-0.0025", "0.0016"),
    ),
    DemoBoard(
        "DEMO-EB-05569-03",
        COMMUNE,
        "Màn hình bộ phận một cửa xã",
        PanelType.LCD,
        "1920x1080",
        Decimal("1.60"),
        Connectivity.WIFI,
        ("0.0010", "-0.0005"),
    ),
    DemoBoard(
        "DEMO-EB-05860-01",
        PHO_YEN,
        "Bảng tin điện tử quảng trường phường Phổ Yên",
        PanelType.LED,
        "384x192",
        Decimal("8.00"),
        Connectivity.LAN,
        ("0.0008", "0.0011"),
    ),
    DemoBoard(
        "DEMO-EB-05860-02",
        PHO_YEN,
        "Màn hình bộ phận một cửa phường Phổ Yên",
        PanelType.LCD,
        "1920x1080",
        Decimal("1.60"),
        Connectivity.WIFI,
        ("-0.0006", "0.0004"),
    ),
    DemoBoard(
        "DEMO-EB-05443-01",
        OTHER_COMMUNE,
        "Bảng tin điện tử ngã tư phường Phan Đình Phùng",
        PanelType.LED,
        "192x96",
        Decimal("4.50"),
        Connectivity.G4,
        ("0.0015", "-0.0012"),
    ),
)


@dataclass(frozen=True)
class PlaceContent:
    commune: str
    editor: str  # the demo account that writes the place's board content
    welcome: tuple[str, str]  # title, body of the default announcement
    daytime: tuple[str, str, str]  # title, body, ticker of the daytime announcement
    evening: tuple[str, str]  # title, body of the evening announcement


PLACES = (
    PlaceContent(
        COMMUNE,
        "dinhhoa.bientap",
        (
            "Xã Định Hóa kính chào quý khách",
            "Định Hóa — An toàn khu, Thủ đô gió ngàn.\nChúc bà con và du khách một ngày an lành.",
        ),
        (
            "Lịch tiếp công dân",
            (
                "Ủy ban nhân dân xã tiếp công dân vào sáng thứ Ba và thứ Năm hằng tuần tại trụ sở.\n"
                "Bà con có ý kiến, kiến nghị xin đến trực tiếp hoặc gửi qua ứng dụng phản ánh của tỉnh."
            ),
            "Theo dõi thông tin chính thức trên loa truyền thanh và bảng tin điện tử của xã.",
        ),
        (
            "Giữ gìn an ninh trật tự ban đêm",
            "Bà con khóa cửa, tắt bếp trước khi đi ngủ; báo ngay cho công an xã khi thấy người lạ khả nghi.",
        ),
    ),
    PlaceContent(
        PHO_YEN,
        "bbt.tinh",
        (
            "Phường Phổ Yên kính chào quý khách",
            (
                "Phổ Yên — vùng công nghiệp năng động của tỉnh Thái Nguyên.\n"
                "Chung tay xây dựng đô thị xanh, sạch, đẹp."
            ),
        ),
        (
            "Thu gom rác thải đúng giờ",
            (
                "Xe thu gom rác đi qua các tổ dân phố từ 17 giờ đến 19 giờ hằng ngày.\n"
                "Đề nghị các hộ để rác đúng nơi quy định, phân loại rác tại nguồn."
            ),
            "Đường dây nóng của phường tiếp nhận phản ánh 24/7.",
        ),
        (
            "Đêm văn nghệ mừng ngày hội đại đoàn kết",
            "Mời bà con đến quảng trường phường dự đêm văn nghệ lúc 19 giờ 30 thứ Bảy tuần này.",
        ),
    ),
    PlaceContent(
        OTHER_COMMUNE,
        "pdp.bientap",
        (
            "Phường Phan Đình Phùng kính chào quý khách",
            "Trung tâm chính trị, văn hóa của tỉnh Thái Nguyên.\nVăn minh — Hiện đại — Nghĩa tình.",
        ),
        (
            "Cấp căn cước công dân cuối tuần",
            (
                "Công an phường làm thủ tục cấp căn cước vào sáng thứ Bảy, Chủ nhật.\n"
                "Công dân mang theo giấy tờ tùy thân và đến đúng giờ hẹn."
            ),
            "Trật tự an toàn giao thông là hạnh phúc của mọi nhà.",
        ),
        (
            "Phòng cháy chữa cháy khu dân cư",
            "Không để xe máy sạc điện qua đêm gần lối thoát hiểm. Báo cháy: gọi 114.",
        ),
    ),
)


def _commune(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code, is_current=True, level="commune")


def _boards() -> tuple[list[Device], int]:
    """The demo boards, registering the missing ones (by the technician); also how many were new."""
    technician = User.objects.get(username=TECHNICIAN)
    existing = {d.serial: d for d in Device.objects.filter(serial__in=[b.serial for b in BOARDS])}
    made: list[Device] = []
    created = 0
    for spec in BOARDS:
        device = existing.get(spec.serial)
        if device is None:
            unit = _commune(spec.commune)
            latitude = longitude = None
            if unit.latitude is not None and unit.longitude is not None:
                latitude = unit.latitude + Decimal(spec.offset[0])
                longitude = unit.longitude + Decimal(spec.offset[1])
            device = register_device(
                actor=technician,
                kind=DeviceKind.EBOARD,
                serial=spec.serial,
                unit=unit,
                name=spec.name,
                vendor="Demo",
                model=f"{spec.panel.upper()} {spec.resolution}",
                latitude=latitude,
                longitude=longitude,
                installed_on=timezone.localdate() - timedelta(days=30),
                connectivity=spec.connectivity,
                panel=spec.panel,
                size_m2=spec.size_m2,
                resolution=spec.resolution,
            )
            created += 1
        made.append(device)
    return made, created


def _bundle_file() -> Path:
    return Path(settings.DATA_DIR) / "demo" / "eboard-bundles.json"


def _warning_item(editor: User, unit: AdministrativeUnit) -> BoardItem | None:
    """The approved demo flood warning as a board item (None when it is not showable here)."""
    bulletin = showable_bulletins(unit).filter(title=WARNING_TITLE).first()
    if bulletin is None:
        return None
    return items.create_item(
        actor=editor,
        unit=unit,
        kind=ItemKind.BULLETIN,
        bulletin=bulletin,
        theme=Theme.ALERT,
        duration_seconds=12,
    )


def _place(place: PlaceContent, boards: list[Device]) -> bool:
    """One place's items, playlists and schedules; False when they exist already."""
    unit = _commune(place.commune)
    if Playlist.objects.filter(unit=unit, name=DEFAULT_PLAYLIST).exists():
        return False
    editor = User.objects.get(username=place.editor)
    clock = items.create_item(actor=editor, unit=unit, kind=ItemKind.CLOCK, duration_seconds=10)
    welcome = items.create_item(
        actor=editor, unit=unit, kind=ItemKind.TEXT, title=place.welcome[0], body=place.welcome[1]
    )
    daytime = items.create_item(
        actor=editor,
        unit=unit,
        kind=ItemKind.TEXT,
        title=place.daytime[0],
        body=place.daytime[1],
        ticker=place.daytime[2],
        layout=Layout.TICKER,
        theme=Theme.LIGHT,
    )
    evening = items.create_item(
        actor=editor, unit=unit, kind=ItemKind.TEXT, title=place.evening[0], body=place.evening[1]
    )
    warning = _warning_item(editor, unit)
    playlists.create_playlist(
        actor=editor,
        unit=unit,
        name=DEFAULT_PLAYLIST,
        description="Khi không có lịch nào",
        is_default=True,
        entries=[(welcome, None), (clock, None)],
    )
    day_entries = [(warning, None)] if warning is not None else []
    day_loop = playlists.create_playlist(
        actor=editor, unit=unit, name="Tin ban ngày", entries=[*day_entries, (daytime, None)]
    )
    evening_loop = playlists.create_playlist(
        actor=editor, unit=unit, name="Buổi tối", entries=[(evening, None), (clock, 5)]
    )
    start = timezone.localdate() - timedelta(days=7)
    schedules.create_schedule(
        actor=editor,
        unit=unit,
        name="Ban ngày",
        playlist=day_loop,
        weekdays=EVERY_DAY,
        start_time=time(7, 0),
        end_time=time(21, 0),
        start_date=start,
    )
    schedules.create_schedule(
        actor=editor,
        unit=unit,
        name="Buổi tối",
        playlist=evening_loop,
        weekdays=EVERY_DAY,
        start_time=time(18, 0),
        end_time=time(22, 0),
        start_date=start,
        priority=SchedulePriority.HIGH,
        all_boards=False,
        devices=[next(b for b in boards if b.unit_id == unit.pk)],
    )
    return True


def load_boards(*, say: Callable[[str], None] = lambda _: None) -> int:
    """Create whatever of the demo e-boards is missing and compile them; returns the boards compiled."""
    technician = User.objects.get(username=TECHNICIAN)
    boards, new_boards = _boards()
    _bundles, fresh = simulated_bundles(actor=technician, devices=boards, cache=_bundle_file())
    say(f"Demo e-boards: {len(boards)} ({new_boards} new, {fresh} provisioned; bundles in {_bundle_file()})")
    made = [p for p in PLACES if _place(p, boards)]
    say(f"Demo e-board content: {len(made)} places with playlists and schedules")
    missing = (
        len(boards) - DeviceManifest.objects.filter(device__in=boards).values("device").distinct().count()
    )
    if not (made or new_boards or missing):
        say("Demo e-board manifests: up to date")
        return 0
    changed = compiled = 0
    for code in dict.fromkeys(b.commune for b in BOARDS):
        editor = User.objects.get(username=next(p.editor for p in PLACES if p.commune == code))
        result = compilation.compile_unit(actor=editor, unit=_commune(code))
        compiled += result.boards
        changed += result.changed
    say(f"Demo e-board manifests: {compiled} boards compiled, {changed} changed")
    return compiled
