"""What boards show: items (slides' sources) and playlists of them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from nguon.boards.choices import ItemKind, Layout, Theme
from nguon.core.access import Scope


class BoardItem(models.Model):
    """One thing a board shows: an approved bulletin rendered as readable slides, an announcement, an
    image, a video or a clock. Text is stored plain (NFC); HTML never reaches a board."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("loại", max_length=16, choices=ItemKind.choices)
    title = models.CharField("tiêu đề", max_length=300)
    body = models.TextField("nội dung", blank=True, help_text="Chữ thuần; mỗi đoạn một dòng.")
    bulletin = models.ForeignKey(
        "content.Bulletin", null=True, blank=True, on_delete=models.PROTECT, related_name="board_items"
    )
    media = models.ForeignKey(
        "content.MediaBlob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    layout = models.CharField("bố cục", max_length=8, choices=Layout.choices, default=Layout.FULL)
    theme = models.CharField("giao diện", max_length=8, choices=Theme.choices, default=Theme.DARK)
    ticker = models.CharField("dòng chữ chạy", max_length=1000, blank=True)
    side_title = models.CharField("tiêu đề bên phải", max_length=300, blank=True)
    side_body = models.TextField("nội dung bên phải", blank=True)
    duration_seconds = models.PositiveIntegerField("thời lượng mỗi trang (giây)", default=15)
    valid_from = models.DateTimeField("hiển thị từ", null=True, blank=True)
    valid_until = models.DateTimeField("hiển thị đến", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    #: Messages for the person after a save (for example "HTML removed"); not stored.
    notices: tuple[str, ...] = ()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = "mục bảng tin"
        verbose_name_plural = "mục bảng tin"

    def __str__(self) -> str:
        return self.title


class Playlist(models.Model):
    """An ordered loop of items. A unit's default playlist fills the time no schedule covers."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("tên danh sách", max_length=200)
    description = models.CharField("mô tả", max_length=500, blank=True)
    is_default = models.BooleanField("nội dung mặc định khi không có lịch", default=False)
    items: models.ManyToManyField[BoardItem, PlaylistEntry] = models.ManyToManyField(
        BoardItem, through="PlaylistEntry", related_name="playlists"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("unit__path", "name")
        verbose_name = "danh sách phát bảng tin"
        verbose_name_plural = "danh sách phát bảng tin"
        constraints = (
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(is_default=True), name="boards_one_default_playlist"
            ),
        )

    def __str__(self) -> str:
        return self.name


class PlaylistEntry(models.Model):
    access_scope: ClassVar[Scope] = Scope(unit_path="playlist__unit__path")

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(BoardItem, on_delete=models.PROTECT, related_name="entries")
    position = models.PositiveIntegerField()
    duration_seconds = models.PositiveIntegerField("thời lượng riêng (giây)", null=True, blank=True)

    class Meta:
        ordering = ("playlist", "position")
        constraints = (
            models.UniqueConstraint(fields=["playlist", "position"], name="boards_entry_unique_position"),
        )

    def __str__(self) -> str:
        return f"{self.playlist_id}#{self.position}"
