"""The destination form: credentials are write-only password fields (empty keeps what is stored)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nguon.content.choices import Language
from nguon.content.models import Category
from nguon.outbound.choices import PluginKind
from nguon.outbound.models import Destination
from nguon.outbound.plugins import REGISTRY
from nguon.outbound.services.destinations import OUTBOUND_CHANNELS, DestinationInput
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit


def credential_field_name(kind: str, name: str) -> str:
    return f"cred__{kind}__{name}"


class DestinationForm(forms.Form):
    name = forms.CharField(label=_("Tên nơi nhận"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại kênh"), choices=PluginKind.choices)
    channel = forms.ChoiceField(label=_("Kênh nội dung mang theo"))
    unit_code = forms.CharField(
        label=_("Mã tỉnh hoặc xã, phường"),
        max_length=16,
        help_text=_("Nhận bản tin của đơn vị này và cấp dưới."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Chỉ các lĩnh vực (để trống: mọi lĩnh vực)"),
        queryset=Category.objects.filter(is_active=True).order_by("sort_order", "name"),
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Chỉ các ngôn ngữ (để trống: mọi ngôn ngữ)"), choices=Language.choices, required=False
    )
    settings = forms.CharField(
        label=_("Cấu hình (JSON)"), widget=forms.Textarea(attrs={"rows": 6}), required=False, initial="{}"
    )
    is_enabled = forms.BooleanField(label=_("Đang bật"), required=False, initial=True)
    rate_limit_per_minute = forms.IntegerField(label=_("Giới hạn số lần gửi mỗi phút"), initial=30)
    max_attempts = forms.IntegerField(label=_("Số lần thử tối đa"), initial=8)
    clear_credentials = forms.BooleanField(label=_("Xóa thông tin xác thực đã lưu"), required=False)

    def __init__(self, *args: Any, destination: Destination | None = None, **kwargs: Any) -> None:
        self.destination = destination
        if destination is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": destination.name,
                "kind": destination.kind,
                "channel": destination.channel,
                "unit_code": destination.unit.code,
                "categories": list(destination.categories.all()),
                "languages": destination.languages,
                "settings": json.dumps(destination.settings, ensure_ascii=False, indent=2),
                "is_enabled": destination.is_enabled,
                "rate_limit_per_minute": destination.rate_limit_per_minute,
                "max_attempts": destination.max_attempts,
            }
        super().__init__(*args, **kwargs)
        if destination is not None:  # the stored credentials belong to the plug-in: it cannot change
            self.fields["kind"].disabled = True
        channel_field = self.fields["channel"]
        assert isinstance(channel_field, forms.ChoiceField)
        channel_field.choices = [(c.value, c.label) for c in OUTBOUND_CHANNELS]
        state = (
            _("Đã đặt — để trống để giữ nguyên")
            if destination and destination.has_credentials
            else _("Chưa đặt")
        )
        self.credential_names: list[str] = []
        for kind, plugin in REGISTRY.items():
            if destination is not None and kind != destination.kind:
                continue
            for f in plugin.credential_fields:
                name = credential_field_name(kind, f.name)
                self.fields[name] = forms.CharField(
                    label=f"{PluginKind(kind).label}: {f.label}",
                    required=False,
                    strip=True,
                    widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                    help_text=state,
                )
                self.credential_names.append(name)

    def clean_settings(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("settings") or "{}"
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("Cấu hình không phải JSON hợp lệ.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Cấu hình phải là một đối tượng JSON ({…})."))
        return value

    def clean_unit_code(self) -> AdministrativeUnit:
        code = self.cleaned_data["unit_code"].strip()
        unit = AdministrativeUnit.objects.filter(
            code=code, is_current=True, level__in=[UnitLevel.PROVINCE, UnitLevel.COMMUNE]
        ).first()
        if unit is None:
            raise forms.ValidationError(_("Không tìm thấy tỉnh hoặc xã, phường hiện hành có mã này."))
        return unit

    def to_input(self) -> DestinationInput:
        data = self.cleaned_data
        kind = data["kind"]
        prefix = f"cred__{kind}__"
        credentials = {
            name.removeprefix(prefix): str(value)
            for name, value in data.items()
            if name.startswith(prefix) and value
        }
        return DestinationInput(
            name=data["name"],
            kind=kind,
            channel=data["channel"],
            unit=data["unit_code"],
            settings=data["settings"],
            credentials=credentials,
            clear_credentials=bool(data.get("clear_credentials")),
            categories=list(data["categories"]),
            languages=list(data["languages"]),
            is_enabled=bool(data["is_enabled"]),
            rate_limit_per_minute=data["rate_limit_per_minute"],
            max_attempts=data["max_attempts"],
        )
