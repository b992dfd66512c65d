"""Forms of the translation screens: the translator's text and the work list's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nguon.translations.selectors import STATE_LABELS, TARGET_LANGUAGES


class TranslationForm(forms.Form):
    """The translated title, summary and body (HTML is sanitised by the service)."""

    title = forms.CharField(label=_("Tiêu đề bản dịch"), max_length=300)
    summary = forms.CharField(label=_("Tóm tắt"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 16}))


class WorkListFilter(forms.Form):
    language = forms.ChoiceField(label=_("Ngôn ngữ"), choices=TARGET_LANGUAGES, required=False)
    state = forms.ChoiceField(
        label=_("Tình trạng"),
        choices=[("", _("Tất cả")), *((k, _(v)) for k, v in STATE_LABELS.items())],
        required=False,
    )
