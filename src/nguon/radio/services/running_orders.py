"""Running orders: the lines of a programme or of one customised day, each checked before it is saved.

A line is a bulletin (its finished audio), an uploaded audio file or jingle the commune may use, a relay of
a stream, or a silence. The checks raise ``ValidationError`` with Vietnamese messages keyed ``items``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from nguon.content.choices import AttachmentKind
from nguon.content.models import Bulletin, MediaBlob
from nguon.content.services import renditions
from nguon.core.text import nfc
from nguon.radio.choices import ItemKind
from nguon.radio.models import BroadcastSettings, RunningOrderItem
from nguon.radio.selectors.bulletins import airable_bulletins
from nguon.units.models import AdministrativeUnit


@dataclass(frozen=True)
class ItemInput:
    """One line of a running order as an operator gives it."""

    kind: str
    title: str = ""
    bulletin_id: int | None = None
    blob_sha256: str = ""
    stream_url: str = ""
    duration_seconds: int | None = None


def _bulletin(unit: AdministrativeUnit, bulletin_id: int | None) -> Bulletin:
    found = airable_bulletins(unit).filter(pk=bulletin_id).first() if bulletin_id else None
    if found is None:
        raise ValidationError(
            {"items": ["Bản tin không có trong danh sách được phát của xã (chưa duyệt hoặc chưa nhận)."]}
        )
    if found.audio_render is None or not renditions.is_current(found) or renditions.audio_blob(found) is None:
        raise ValidationError(
            {
                "items": [
                    f"Bản tin «{found.title}» chưa có âm thanh hoàn chỉnh; tạo âm thanh trước khi xếp vào chương trình."
                ]
            }
        )
    return found


def item_seconds(item: RunningOrderItem) -> float:
    """How long one running-order line takes on air."""
    if item.kind == ItemKind.BULLETIN and item.bulletin is not None:
        blob = renditions.audio_blob(item.bulletin)
        return float(blob.duration_seconds or 0) if blob else 0.0
    if item.kind in (ItemKind.AUDIO, ItemKind.JINGLE) and item.blob is not None:
        return float(item.blob.duration_seconds or 0)
    return float(item.duration_seconds or 0)


def usable_audio(actor: Any, unit: AdministrativeUnit, sha256: str) -> MediaBlob | None:
    """The audio blob ``sha256`` if the commune may put it on air: uploaded for the commune's station, already
    in one of its running orders, its fallback, or reachable by ``actor`` (an attachment of a bulletin they
    can see, an emergency's audio). A hash alone does not open another commune's files."""
    blob = MediaBlob.objects.filter(sha256=sha256, kind=AttachmentKind.AUDIO).first() if sha256 else None
    if blob is None:
        return None
    from nguon.core.models import AuditEvent
    from nguon.radio.selectors.emergencies import get_audio

    uploaded = AuditEvent.objects.filter(
        action="radio.audio.upload",
        target_type="content.mediablob",
        target_id=str(blob.pk),
        unit_path=unit.path,
    )
    in_use = RunningOrderItem.objects.filter(blob=blob).filter(
        Q(programme__unit=unit) | Q(occurrence__programme__unit=unit)
    )
    fallback = BroadcastSettings.objects.filter(unit=unit, fallback_blob=blob)
    if uploaded.exists() or in_use.exists() or fallback.exists() or get_audio(user=actor, sha256=sha256):
        return blob
    return None


def build_items(actor: Any, unit: AdministrativeUnit, items: Sequence[ItemInput]) -> list[RunningOrderItem]:
    """Unsaved running-order lines, each checked; raises ValidationError on the first bad one."""
    built = []
    for position, entry in enumerate(items, start=1):
        title = nfc(entry.title).strip()[:300]
        line = RunningOrderItem(position=position, kind=entry.kind, title=title)
        if entry.kind == ItemKind.BULLETIN:
            line.bulletin = _bulletin(unit, entry.bulletin_id)
            line.title = title or line.bulletin.title[:300]
        elif entry.kind in (ItemKind.AUDIO, ItemKind.JINGLE):
            blob = usable_audio(actor, unit, entry.blob_sha256)
            if blob is None:
                raise ValidationError({"items": [f"Mục {position}: chọn một tệp âm thanh đã tải lên."]})
            line.blob = blob
        elif entry.kind == ItemKind.RELAY:
            url = entry.stream_url.strip()
            if not url.startswith(("http://", "https://")) or "@" in url.split("/")[2 if "//" in url else 0]:
                raise ValidationError(
                    {
                        "items": [
                            f"Mục {position}: địa chỉ tiếp sóng phải là http(s)://… và không chứa mật khẩu."
                        ]
                    }
                )
            if not entry.duration_seconds:
                raise ValidationError({"items": [f"Mục {position}: nhập thời lượng tiếp sóng."]})
            line.stream_url, line.duration_seconds = url, entry.duration_seconds
        elif entry.kind == ItemKind.SILENCE:
            if not entry.duration_seconds:
                raise ValidationError({"items": [f"Mục {position}: nhập thời lượng khoảng lặng."]})
            line.duration_seconds = entry.duration_seconds
        else:
            raise ValidationError({"items": [f"Mục {position}: loại mục không hợp lệ."]})
        built.append(line)
    return built


def check_length(built: list[RunningOrderItem], minutes: int) -> None:
    total = sum(item_seconds(i) for i in built)
    if total > minutes * 60:
        message = (
            f"Các mục dài {total / 60:.1f} phút, vượt thời lượng chương trình {minutes} phút. "
            "Bớt mục hoặc kéo dài chương trình."
        )
        raise ValidationError({"items": [message]})
