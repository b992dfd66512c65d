"""Forms of the emergency and play-now screens. Choices are filled by the view from the selectors, so a
person only ever sees the units, files and groups within their scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

TARGET_WHOLE = "whole"
TARGET_COMMUNES = "communes"
TARGET_RESIDENTIAL = "residential"


class AudioMixin(forms.Form):
    """Pick an audio file already stored, or upload one (checked by its content, not its name)."""

    audio = forms.ChoiceField(label=_("Tệp âm thanh có sẵn"), required=False)
    upload = forms.FileField(label=_("Hoặc tải lên tệp âm thanh"), required=False)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not data.get("audio") and not data.get("upload"):
            raise forms.ValidationError(_("Chọn một tệp âm thanh có sẵn hoặc tải lên một tệp."))
        return data


class EmergencyForm(AudioMixin):
    issuer = forms.ChoiceField(label=_("Đơn vị ra lệnh"))
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    message = forms.CharField(
        label=_("Nội dung (văn bản)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    repeat = forms.IntegerField(label=_("Số lần phát"), min_value=1, max_value=100, initial=1)
    target = forms.ChoiceField(
        label=_("Phát tới"),
        widget=forms.RadioSelect,
        initial=TARGET_WHOLE,
        choices=(
            (TARGET_WHOLE, _("Toàn bộ địa bàn của đơn vị ra lệnh")),
            (TARGET_COMMUNES, _("Các xã/phường được chọn")),
            (TARGET_RESIDENTIAL, _("Các thôn, tổ dân phố được chọn")),
        ),
    )
    communes = forms.MultipleChoiceField(
        label=_("Xã/phường"), required=False, widget=forms.CheckboxSelectMultiple
    )
    residential = forms.MultipleChoiceField(
        label=_("Thôn, tổ dân phố"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("target") == TARGET_COMMUNES and not data.get("communes"):
            self.add_error("communes", _("Chọn ít nhất một xã/phường."))
        if data.get("target") == TARGET_RESIDENTIAL and not data.get("residential"):
            self.add_error("residential", _("Chọn ít nhất một thôn, tổ dân phố."))
        return data


class ConfirmForm(forms.Form):
    """The confirm step: what was chosen travels in hidden fields; the TOTP code is typed now."""

    issuer = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=300, widget=forms.HiddenInput)
    message = forms.CharField(required=False, widget=forms.HiddenInput)
    repeat = forms.IntegerField(min_value=1, max_value=100, widget=forms.HiddenInput)
    audio = forms.CharField(max_length=64, widget=forms.HiddenInput)
    units = forms.CharField(widget=forms.HiddenInput)
    totp_code = forms.CharField(
        label=_("Nhập mã xác thực 6 số"),
        max_length=8,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*", "size": 8}
        ),
    )

    def unit_ids(self) -> list[int]:
        raw = str(self.cleaned_data.get("units") or "")
        return [int(p) for p in raw.split(",") if p.strip().isdigit()]


class TotpForm(forms.Form):
    totp_code = forms.CharField(
        label=_("Nhập mã xác thực 6 số"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do từ chối"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlayNowForm(AudioMixin):
    unit = forms.ChoiceField(label=_("Xã/phường"))
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    residential = forms.MultipleChoiceField(
        label=_("Chỉ các thôn, tổ dân phố (để trống: toàn xã/phường)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ChoiceField(label=_("Hoặc một nhóm thiết bị"), required=False)


def set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    """Fill a choice field's options (from the selectors, in the view)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices
