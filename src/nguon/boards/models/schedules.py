"""When and where playlists play: dayparts on days of the week, a date range, a priority, targets."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from nguon.boards.choices import SchedulePriority
from nguon.boards.models.content import Playlist
from nguon.core.access import Scope


class BoardSchedule(models.Model):
    """``playlist`` plays from ``start_time`` to ``end_time`` (local time; an end at or before the start
    runs past midnight) on ``weekdays`` (ISO 1 = Monday … 7), between ``start_date`` and ``end_date``, on
    the boards targeted: every board of ``unit`` when ``all_boards`` is set, else the listed boards and
    groups. Where schedules overlap the higher ``priority`` wins, then the newer one."""

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("tên lịch", max_length=200)
    playlist = models.ForeignKey(Playlist, on_delete=models.PROTECT, related_name="schedules")
    priority = models.PositiveSmallIntegerField(
        "mức ưu tiên", choices=SchedulePriority.choices, default=SchedulePriority.NORMAL
    )
    weekdays = models.JSONField(
        "các ngày trong tuần", default=list, help_text="ISO: 1 = thứ Hai … 7 = Chủ nhật"
    )
    start_time = models.TimeField("từ giờ")
    end_time = models.TimeField("đến giờ")
    start_date = models.DateField("từ ngày")
    end_date = models.DateField("đến ngày", null=True, blank=True)
    all_boards = models.BooleanField("mọi bảng tin của địa bàn", default=True)
    devices = models.ManyToManyField("devices.Device", blank=True, related_name="board_schedules")
    groups = models.ManyToManyField("devices.DeviceGroup", blank=True, related_name="board_schedules")
    enabled = models.BooleanField("đang dùng", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("unit__path", "-priority", "start_time")
        verbose_name = "lịch bảng tin"
        verbose_name_plural = "lịch bảng tin"

    def __str__(self) -> str:
        return self.name
