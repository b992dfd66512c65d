"""Board items: announcements, approved bulletins, images, videos and clocks (the one write path).

Text is stored plain and NFC. HTML typed or pasted into an announcement is sanitised to plain text (the
saved item's ``notices`` say so, for the person); nothing executable can reach a board. A bulletin item
shows the bulletin's live text, split into pages when the boards are compiled, so a correction or a
withdrawal reaches the boards on the next compilation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nguon.boards.choices import ItemKind, Layout, Theme
from nguon.boards.models import BoardItem
from nguon.boards.selectors.bulletins import is_showable
from nguon.boards.services import media as board_media
from nguon.boards.services.compilation import request_compile
from nguon.boards.services.text import plain_text
from nguon.content.choices import AttachmentKind
from nguon.content.models import Bulletin, MediaBlob
from nguon.content.services.attachments import Upload
from nguon.core import access, audit
from nguon.units.models import AdministrativeUnit

FIELDS = (
    "unit",
    "kind",
    "title",
    "body",
    "bulletin",
    "media",
    "layout",
    "theme",
    "ticker",
    "side_title",
    "side_body",
    "duration_seconds",
    "valid_from",
    "valid_until",
    "archived_at",
)
HTML_REMOVED = "Nội dung có mã HTML đã được chuyển thành chữ thuần (mã lệnh, định dạng và liên kết đã bị bỏ)."
DEFAULT_TITLES: dict[str, str] = {ItemKind.CLOCK: "Đồng hồ"}


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def _clean(
    *,
    unit: AdministrativeUnit,
    kind: str,
    title: str,
    body: str,
    bulletin: Bulletin | None,
    layout: str,
    theme: str,
    ticker: str,
    side_title: str,
    side_body: str,
    duration_seconds: int | None,
    valid_from: datetime | None,
    valid_until: datetime | None,
) -> tuple[dict[str, Any], list[str]]:
    """Checked and normalised values, and notices for the person; ``ValidationError`` (Vietnamese) if bad."""
    errors: dict[str, str] = {}
    notices: list[str] = []
    if kind not in ItemKind.values:
        errors["kind"] = "Loại mục không hợp lệ."
    if layout not in Layout.values:
        errors["layout"] = "Bố cục không hợp lệ."
    if theme not in Theme.values:
        errors["theme"] = "Giao diện không hợp lệ."
    texts = {
        "title": plain_text(title, multiline=False),
        "body": plain_text(body),
        "ticker": plain_text(ticker, multiline=False),
        "side_title": plain_text(side_title, multiline=False),
        "side_body": plain_text(side_body),
    }
    if any(t.was_html for t in texts.values()):
        notices.append(HTML_REMOVED)
    values: dict[str, Any] = {name: t.text for name, t in texts.items()}
    if kind == ItemKind.BULLETIN:
        if bulletin is None:
            errors["bulletin"] = "Chọn một bản tin đã được phê duyệt."
        elif not is_showable(bulletin, unit):
            errors["bulletin"] = (
                "Bản tin này chưa được phê duyệt, đã bị thu hồi, hoặc không thuộc/không được gửi tới địa bàn này."
            )
        elif not values["title"]:
            values["title"] = plain_text(bulletin.title, multiline=False).text
    else:
        bulletin = None
    if not values["title"]:
        values["title"] = DEFAULT_TITLES.get(kind, "")
    if not values["title"]:
        errors["title"] = "Nhập tiêu đề."
    limits = {"title": 300, "ticker": 1000, "side_title": 300, "side_body": 2000, "body": 20000}
    for name, limit in limits.items():
        if len(values[name]) > limit:
            errors[name] = f"Dài quá {limit} ký tự."
    seconds = duration_seconds if duration_seconds is not None else 15
    if not 1 <= seconds <= 3600:
        errors["duration_seconds"] = "Thời lượng mỗi trang phải từ 1 đến 3600 giây."
    if valid_from and valid_until and valid_until <= valid_from:
        errors["valid_until"] = "Thời điểm kết thúc phải sau thời điểm bắt đầu."
    if errors:
        raise ValidationError(errors)
    values |= {
        "kind": kind,
        "bulletin": bulletin,
        "layout": layout,
        "theme": theme,
        "duration_seconds": seconds,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    return values, notices


def _check_media(kind: str, blob: MediaBlob | None) -> None:
    if kind in (ItemKind.IMAGE, ItemKind.VIDEO) and blob is None:
        noun = "ảnh" if kind == ItemKind.IMAGE else "video"
        raise ValidationError({"media": f"Tải lên tệp {noun}."})
    if blob is None:
        return
    wanted = {ItemKind.IMAGE: AttachmentKind.IMAGE, ItemKind.VIDEO: AttachmentKind.VIDEO}.get(
        ItemKind(kind), AttachmentKind.IMAGE
    )
    if blob.kind != wanted:
        message = {
            ItemKind.VIDEO: "Mục video cần một tệp video (MP4, WebM).",
        }.get(ItemKind(kind), "Ở đây cần một tệp ảnh (JPEG, PNG, WebP, GIF).")
        raise ValidationError({"media": message})


def _save(
    *, actor: Any, item: BoardItem, values: dict[str, Any], upload: Upload | None, action: str
) -> BoardItem:
    before = audit.snapshot(item, FIELDS) if item.pk else None
    with transaction.atomic():
        if upload is not None:
            with board_media.board_blob(upload) as blob:
                item.media = blob
        for name, value in values.items():
            setattr(item, name, value)
        if item.kind == ItemKind.CLOCK or (
            item.kind in (ItemKind.TEXT, ItemKind.BULLETIN) and item.layout != Layout.SPLIT
        ):
            item.media = None  # only images, videos and the side picture of a split layout use a file
        _check_media(item.kind, item.media)
        item.save()
        audit.record(
            actor=actor,
            action=action,
            target=item,
            unit=item.unit,
            before=before,
            after=audit.snapshot(item, FIELDS),
        )
        request_compile(item.unit)
    return item


def create_item(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    kind: str,
    title: str = "",
    body: str = "",
    bulletin: Bulletin | None = None,
    upload: Upload | None = None,
    media: MediaBlob | None = None,
    layout: str = Layout.FULL,
    theme: str = Theme.DARK,
    ticker: str = "",
    side_title: str = "",
    side_body: str = "",
    duration_seconds: int | None = 15,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> BoardItem:
    """A new item placed at ``unit``; the returned item's ``notices`` tell what was changed on the way
    (HTML removed). An image/video comes as ``upload`` (checked: :mod:`nguon.boards.services.media`)
    or as an already stored ``media``."""
    access.require(actor, access.BOARDS_MANAGE, unit=unit)
    values, notices = _clean(
        unit=unit,
        kind=kind,
        title=title,
        body=body,
        bulletin=bulletin,
        layout=layout,
        theme=theme,
        ticker=ticker,
        side_title=side_title,
        side_body=side_body,
        duration_seconds=duration_seconds,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if media is not None and upload is None:
        board_media.check_blob(media)
    item = BoardItem(unit=unit, created_by=_user(actor), media=media)
    saved = _save(actor=actor, item=item, values=values, upload=upload, action="boards.item.create")
    saved.notices = tuple(notices)
    return saved


def update_item(
    *,
    actor: Any,
    item: BoardItem,
    kind: str | None = None,
    title: str | None = None,
    body: str | None = None,
    bulletin: Bulletin | None = None,
    upload: Upload | None = None,
    layout: str | None = None,
    theme: str | None = None,
    ticker: str | None = None,
    side_title: str | None = None,
    side_body: str | None = None,
    duration_seconds: int | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> BoardItem:
    """Change an item (arguments left ``None`` keep their value; the validity dates are always set)."""
    access.require(actor, access.BOARDS_MANAGE, unit=item.unit)
    if item.archived_at is not None:
        raise ValidationError("Mục này đã được lưu trữ; không sửa được.")
    new_kind = kind or item.kind
    values, notices = _clean(
        unit=item.unit,
        kind=new_kind,
        title=item.title if title is None else title,
        body=item.body if body is None else body,
        bulletin=bulletin if bulletin is not None else item.bulletin,
        layout=layout or item.layout,
        theme=theme or item.theme,
        ticker=item.ticker if ticker is None else ticker,
        side_title=item.side_title if side_title is None else side_title,
        side_body=item.side_body if side_body is None else side_body,
        duration_seconds=duration_seconds if duration_seconds is not None else item.duration_seconds,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    saved = _save(actor=actor, item=item, values=values, upload=upload, action="boards.item.update")
    saved.notices = tuple(notices)
    return saved


def archive_item(*, actor: Any, item: BoardItem) -> BoardItem:
    """Take an item off every board (its playlist entries stay, shown as archived; nothing is deleted)."""
    access.require(actor, access.BOARDS_MANAGE, unit=item.unit)
    if item.archived_at is not None:
        return item
    before = audit.snapshot(item, FIELDS)
    with transaction.atomic():
        item.archived_at = timezone.now()
        item.save(update_fields=["archived_at", "updated_at"])
        audit.record(
            actor=actor,
            action="boards.item.archive",
            target=item,
            unit=item.unit,
            before=before,
            after=audit.snapshot(item, FIELDS),
        )
        request_compile(item.unit)
    return item
