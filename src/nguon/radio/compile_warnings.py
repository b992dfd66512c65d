"""The compiler's warnings in plain Vietnamese: ``{"code", "message", "occurrence"?, "device"?}``.

Codes: ``overlap``, ``item_overflows_slot``, ``missing_audio``, ``no_fallback``, ``quiet_hours``,
``storage``, ``withdrawn``, ``relay_unsupported``. The same warning found on several devices is stored
once with ``devices`` counting them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from nguon.devices.models import Device
from nguon.radio import planning
from nguon.radio.models import Occurrence

MB = 1024 * 1024
ORDER = (
    "too_many_items",
    "storage",
    "overlap",
    "missing_audio",
    "withdrawn",
    "item_overflows_slot",
    "quiet_hours",
    "relay_unsupported",
    "no_fallback",
)


def _hm(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _airing(occurrence: Occurrence) -> str:
    """«Title» 26/11/2026 06:00–06:30"""
    return (
        f"«{occurrence.programme.title}» ngày {occurrence.date:%d/%m/%Y} "
        f"({_hm(occurrence.starts_at)}–{_hm(occurrence.ends_at)})"
    )


def _length(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60} phút {whole % 60:02d} giây" if whole >= 60 else f"{whole} giây"


def _warning(code: str, message: str, occurrence: Occurrence | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "message": message}
    if occurrence is not None:
        out["occurrence"] = occurrence.pk
    out.update(extra)
    return out


def withdrawn(title: str, occurrence: Occurrence) -> dict[str, Any]:
    return _warning(
        "withdrawn",
        f"Bản tin «{title}» trong buổi {_airing(occurrence)} đã bị thu hồi hoặc không còn được phát: bỏ qua.",
        occurrence,
    )


def relay_unsupported(title: str, occurrence: Occurrence) -> dict[str, Any]:
    return _warning(
        "relay_unsupported",
        f"Mục tiếp sóng «{title}» trong buổi {_airing(occurrence)} chưa phát được trên cụm loa "
        "(chưa hỗ trợ tiếp sóng): khoảng thời gian đó để trống.",
        occurrence,
    )


def too_many_items(device: Device, dropped: int, limit: int) -> dict[str, Any]:
    return _warning(
        "too_many_items",
        f"Lịch phát của cụm loa {device.name or device.device_id} ({device.device_id}) vượt {limit} mục; "
        f"đã bỏ {dropped} mục cuối (ưu tiên bỏ âm thanh dự phòng). Dùng âm thanh dự phòng dài hơn hoặc giảm "
        "số ngày lập lịch trước.",
        device=device.device_id,
    )


def storage(device: Device, needed: int, capacity: int) -> dict[str, Any]:
    return _warning(
        "storage",
        f"Cụm loa {device.name or device.device_id} ({device.device_id}) không đủ chỗ lưu âm thanh của lịch "
        f"phát: cần {needed / MB:.0f} MB, chỉ còn khoảng {capacity / MB:.0f} MB. Bớt nội dung hoặc kiểm tra "
        "bộ nhớ thiết bị.",
        device=device.device_id,
    )


def from_plan(
    warning: planning.PlanWarning,
    occurrences: Mapping[str, Occurrence],
    quiet: planning.QuietHours,
    *,
    has_fallback: bool,
) -> dict[str, Any]:
    """A planning warning in words, naming the airing(s) concerned."""
    occurrence = occurrences[warning.slot]
    airing = _airing(occurrence)
    code = warning.code
    if code == "overlap":
        other = occurrences[warning.other]
        message = (
            f"Buổi {airing} trùng giờ với buổi {_airing(other)} trên cùng cụm loa: buổi bắt đầu sau bị "
            f"cắt {_length(warning.seconds)} đầu."
        )
        return _warning(code, message, occurrence, other=other.pk)
    if code == "item_overflows_slot":
        message = (
            f"Mục «{warning.title}» ({_length(warning.seconds)}) không còn đủ thời gian trong buổi {airing}: "
            "bỏ qua mục này."
        )
    elif code == "missing_audio":
        instead = (
            "phát âm thanh dự phòng thay thế" if has_fallback else "bỏ qua (đài chưa đặt âm thanh dự phòng)"
        )
        message = f"«{warning.title}» trong buổi {airing} chưa có âm thanh hoàn chỉnh: {instead}."

    elif code == "no_fallback":
        message = (
            f"Buổi {airing} còn trống {_length(warning.seconds)} và đài chưa đặt âm thanh dự phòng: khoảng đó "
            "sẽ im lặng."
        )
    elif code == "quiet_hours":
        message = (
            f"Buổi {airing} rơi một phần vào giờ yên tĩnh {quiet.start:%H:%M}–{quiet.end:%H:%M}: phần đó "
            "không phát."
        )
    else:
        message = f"Buổi {airing}: {code}."
    return _warning(code, message, occurrence)


def sort_key(warning: Mapping[str, Any]) -> tuple[int, int, str]:
    code = str(warning["code"])
    return (ORDER.index(code) if code in ORDER else len(ORDER), int(warning.get("occurrence") or 0), code)
