"""Forms of the comments app: the reader's comment (with its honeypot) and the moderators' forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nguon.comments.choices import CommentStatus
from nguon.comments.intake import MAX_LENGTH, MAX_NAME_LENGTH

#: The hidden field a person leaves empty and a bot fills in.
HONEYPOT = "website"


class CommentForm(forms.Form):
    author_name = forms.CharField(label=_("Tên của bạn"), max_length=MAX_NAME_LENGTH)
    email = forms.EmailField(
        label=_("Thư điện tử (không công khai, không bắt buộc)"), required=False, max_length=254
    )
    text = forms.CharField(
        label=_("Bình luận"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_LENGTH}),
    )
    website = forms.CharField(required=False, label=_("Để trống ô này"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class QueueFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Tất cả")), *CommentStatus.choices], required=False
    )
    held = forms.ChoiceField(
        label=_("Bộ lọc"),
        choices=[("", _("Tất cả")), ("1", _("Bị giữ lại (liên kết)"))],
        required=False,
    )
    bulletin = forms.IntegerField(label=_("Mã bản tin"), required=False, min_value=1)
    q = forms.CharField(label=_("Tìm trong nội dung, tên"), required=False, max_length=100)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Lý do từ chối"), max_length=300, required=False)


class BannedWordForm(forms.Form):
    word = forms.CharField(label=_("Từ, cụm từ bị cấm"), max_length=100)
