"""Voices, the pronunciation dictionaries administrators extend, and cached audio renders."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from nguon.core.access import Scope
from nguon.speech.choices import EngineKind, ReadingStyleChoice, RenderSource, RenderStatus


class Voice(models.Model):
    """A voice people can choose for a bulletin: an engine, its voice id, and how numbers are read."""

    code = models.SlugField("mã", max_length=64, unique=True)
    label = models.CharField("tên hiển thị", max_length=120)
    engine = models.CharField("bộ đọc", max_length=16, choices=EngineKind.choices)
    engine_voice = models.CharField(
        "giọng của bộ đọc",
        max_length=500,
        help_text="espeak-ng: vi, vi-vn-x-central…; Piper: đường dẫn tệp .onnx",
    )
    reading_style = models.CharField(
        "cách đọc số", max_length=16, choices=ReadingStyleChoice.choices, default=ReadingStyleChoice.NORTHERN
    )
    default_speed = models.DecimalField("tốc độ", max_digits=3, decimal_places=2, default=1)
    default_pitch = models.PositiveSmallIntegerField("cao độ", default=50)
    http_url = models.URLField("địa chỉ dịch vụ", blank=True)
    http_api_key_sealed = models.TextField("khóa truy cập (đã mã hóa)", blank=True, editable=False)
    is_active = models.BooleanField("đang dùng", default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    #: What administrators configure (the sealed key is set separately); form and audit use the same list.
    CONFIG_FIELDS = (
        "code",
        "label",
        "engine",
        "engine_voice",
        "reading_style",
        "default_speed",
        "default_pitch",
        "http_url",
        "is_active",
        "sort_order",
    )

    class Meta:
        verbose_name = "giọng đọc"
        verbose_name_plural = "giọng đọc"
        ordering = ("sort_order", "label")

    def __str__(self) -> str:
        return self.label


class Abbreviation(models.Model):
    """How an abbreviation is read aloud ("UBND" → "ủy ban nhân dân"); extends the built-in list."""

    term = models.CharField("chữ viết tắt", max_length=40, unique=True)
    reading = models.CharField("cách đọc", max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "chữ viết tắt"
        verbose_name_plural = "chữ viết tắt"
        ordering = ("term",)

    def __str__(self) -> str:
        return f"{self.term} → {self.reading}"


class Pronunciation(models.Model):
    """How a name or place is read ("Pác Nặm" → "Pắc Nặm"), matched as a whole word, any case."""

    word = models.CharField("từ", max_length=120, unique=True)
    reading = models.CharField("cách đọc", max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cách đọc tên riêng"
        verbose_name_plural = "cách đọc tên riêng"
        ordering = ("word",)

    def __str__(self) -> str:
        return f"{self.word} → {self.reading}"


class AudioRender(models.Model):
    """Broadcast-ready audio made from text (or an upload), cached by everything that shapes it.

    ``cache_key`` covers the normalised text, voice, speed, pitch and audio settings: the same inputs
    reuse the file; changed text makes a new render.
    """

    access_scope: ClassVar[Scope] = Scope(unit_path="unit__path")

    cache_key = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=16, choices=RenderSource.choices, default=RenderSource.TEXT)
    source_text = models.TextField("văn bản", blank=True)
    normalized_text = models.TextField("văn bản sẽ đọc", blank=True)
    voice = models.ForeignKey(Voice, null=True, blank=True, on_delete=models.PROTECT, related_name="renders")
    speed = models.DecimalField(max_digits=3, decimal_places=2, default=1)
    pitch = models.PositiveSmallIntegerField(default=50)
    audio_settings = models.JSONField(default=dict)
    unit = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=RenderStatus.choices, default=RenderStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    mp3 = models.FileField(upload_to="speech/", blank=True)
    opus = models.FileField(upload_to="speech/", blank=True)
    waveform = models.FileField(upload_to="speech/", blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    integrated_lufs = models.FloatField(null=True, blank=True)
    true_peak_dbtp = models.FloatField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "bản âm thanh"
        verbose_name_plural = "bản âm thanh"
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk} ({self.get_status_display()})"
