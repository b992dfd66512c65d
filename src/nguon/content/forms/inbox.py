"""Forms of the commune inbox: declining with a reason and ordering accepted priority items."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do không phát"),
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi lý do không phát.")},
    )


class OrderForm(forms.Form):
    """Move one accepted priority item up or down in its commune's airing order."""

    DIRECTIONS = (("up", _("Lên")), ("down", _("Xuống")))
    entry = forms.IntegerField(min_value=1)
    direction = forms.ChoiceField(choices=DIRECTIONS)
