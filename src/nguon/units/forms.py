from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nguon.units.choices import RESIDENTIAL_KINDS, UnitKind


class ResidentialUnitForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=12, help_text=_("Chữ không dấu và số, ví dụ TDP01"))
    name = forms.CharField(label=_("Tên"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại"), choices=[(k, UnitKind(k).label) for k in RESIDENTIAL_KINDS])


class ResidentialImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp CSV hoặc XLSX"), help_text=_("Các cột: ma, ten, loai (tùy chọn: vi_do, kinh_do)")
    )
