from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from nguon.speech.models import Voice


class SpeechForm(forms.Form):
    text = forms.CharField(
        label=_("Văn bản cần đọc"), widget=forms.Textarea(attrs={"rows": 8}), max_length=100_000
    )
    voice = forms.ModelChoiceField(
        label=_("Giọng đọc"), queryset=Voice.objects.filter(is_active=True), empty_label=None
    )
    speed = forms.DecimalField(
        label=_("Tốc độ"),
        min_value=Decimal("0.5"),
        max_value=Decimal("2.0"),
        initial=Decimal("1.0"),
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp ghi âm (MP3, WAV, OGG, M4A)"))


class DictionaryForm(forms.Form):
    KIND_CHOICES = (("abbreviation", _("Chữ viết tắt")), ("pronunciation", _("Tên riêng")))
    kind = forms.ChoiceField(label=_("Loại"), choices=KIND_CHOICES)
    term = forms.CharField(label=_("Viết"), max_length=120)
    reading = forms.CharField(label=_("Đọc là"), max_length=200)
