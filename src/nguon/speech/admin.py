from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from nguon.core import access
from nguon.core.admin_site import AdminSiteOnly, ScopedAdmin, admin_site
from nguon.speech import services
from nguon.speech.models import Abbreviation, AudioRender, Pronunciation, Voice


class VoiceForm(forms.ModelForm):  # type: ignore[type-arg]
    http_url = forms.URLField(label="Địa chỉ dịch vụ", required=False, assume_scheme="https")
    api_key = forms.CharField(
        label="Khóa truy cập dịch vụ TTS",
        required=False,
        widget=forms.PasswordInput,
        help_text="Chỉ cho bộ đọc qua HTTPS. Được mã hóa khi lưu và không hiển thị lại; để trống để giữ khóa cũ.",
    )

    class Meta:
        model = Voice
        fields = Voice.CONFIG_FIELDS


@admin.register(Voice, site=admin_site)
class VoiceAdmin(AdminSiteOnly):
    """Voices are installation configuration: system administrators edit them; saving is audited."""

    form = VoiceForm
    list_display = ("label", "code", "engine", "engine_voice", "reading_style", "is_active")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def save_model(self, request: HttpRequest, obj: Voice, form: Any, change: bool) -> None:
        services.save_voice(actor=request.user, voice=obj, api_key=form.cleaned_data.get("api_key", ""))


@admin.register(AudioRender, site=admin_site)
class AudioRenderAdmin(ScopedAdmin):
    view_action = access.SPEECH_USE
    list_display = (
        "pk",
        "source",
        "voice",
        "status",
        "duration_seconds",
        "integrated_lufs",
        "unit",
        "created_at",
    )
    list_filter = ("status", "source")
    readonly_fields = tuple(f.name for f in AudioRender._meta.fields)


class _DictionaryAdmin(AdminSiteOnly):
    """Read-only here; the dictionary page (/speech/dictionary/) edits through the services."""


@admin.register(Abbreviation, site=admin_site)
class AbbreviationAdmin(_DictionaryAdmin):
    list_display = ("term", "reading", "updated_at")
    search_fields = ("term", "reading")


@admin.register(Pronunciation, site=admin_site)
class PronunciationAdmin(_DictionaryAdmin):
    list_display = ("word", "reading", "updated_at")
    search_fields = ("word", "reading")
