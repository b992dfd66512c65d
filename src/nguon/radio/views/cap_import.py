"""The screen to import a CAP 1.2 alert (/radio/cap/import/): choose the issuer unit, upload the file or
paste the XML; the order is created waiting for approval and the person lands on it. Refusals show the
reason on the form."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nguon.radio.cap.schema import MAX_BYTES
from nguon.radio.choices import EmergencyStatus
from nguon.radio.selectors.emergencies import issuer_units
from nguon.radio.services.cap import import_cap
from nguon.radio.views.emergency_forms import set_choices


class CapImportForm(forms.Form):
    issuer = forms.ChoiceField(label=gettext_lazy("Đơn vị nhận cảnh báo"))
    file = forms.FileField(label=gettext_lazy("Tệp CAP (.xml)"), required=False)
    xml = forms.CharField(
        label=gettext_lazy("Hoặc dán nội dung XML"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )

    def payload(self) -> bytes:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return bytes(upload.read(MAX_BYTES + 1))
        return str(self.cleaned_data.get("xml") or "").encode("utf-8")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("file") and not str(data.get("xml") or "").strip():
            raise ValidationError(_("Chọn tệp CAP hoặc dán nội dung XML."))
        return data


@login_required
def cap_import_view(request: HttpRequest) -> HttpResponse:
    issuers = issuer_units(user=request.user)
    if not issuers:
        raise Http404
    form = CapImportForm(request.POST or None, request.FILES or None)
    set_choices(form, "issuer", [(str(u.pk), u.full_name) for u in issuers])
    if request.method == "POST" and form.is_valid():
        issuer = next(u for u in issuers if str(u.pk) == form.cleaned_data["issuer"])
        try:
            order = import_cap(actor=request.user, xml=form.payload(), issuer_unit=issuer)
        except ValidationError as error:
            reasons = error.message_dict.get("xml") if hasattr(error, "error_dict") else None
            form.add_error(None, " ".join(reasons or error.messages))
        else:
            if order.status == EmergencyStatus.AWAITING_APPROVAL:
                messages.success(
                    request, _("Đã nhập cảnh báo; lệnh phát khẩn cấp đang chờ phê duyệt bằng mã xác thực.")
                )
            else:
                messages.success(request, _("Đã nhập bản tin hủy; lệnh phát khẩn cấp liên quan đã dừng."))
            return redirect("radio:emergency-detail", pk=order.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "radio/cap/import.html", {"form": form}, status=status)


urlpatterns: list[URLPattern] = [path("cap/import/", cap_import_view, name="cap-import")]
