"""Screens: writing, reading and moving bulletins through the workflow.

Attachments and revisions have their own modules (``attachments.py``, ``revisions.py``); their URLs are
part of this module's ``urlpatterns``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from nguon.content.choices import EDITABLE_STATUSES, Priority, Status
from nguon.content.forms.bulletins import BulletinForm, StepForm, add_service_errors, writable_places
from nguon.content.models import Bulletin
from nguon.content.selectors import bulletins as selectors
from nguon.content.services import bulletins as bulletin_services
from nguon.content.services import renditions, workflow
from nguon.content.views import attachments, revisions
from nguon.content.views.bulletin_page import detail_response
from nguon.core import access

# -- list ---------------------------------------------------------------------------------------------------


@login_required
def bulletin_list_view(request: HttpRequest) -> HttpResponse:
    if not access.has_action(request.user, access.CONTENT_VIEW):
        raise Http404
    status = request.GET.get("status", "")
    priority = request.GET.get("priority", "")
    mine = request.GET.get("mine") == "1"
    qs = selectors.list_bulletins(
        request.user,
        status=status if status in Status.values else None,
        priority=priority if priority in Priority.values else None,
        mine=mine,
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "content/bulletins/list.html",
        {
            "page": page,
            "filters": {"status": status, "priority": priority, "mine": mine},
            "query": query.urlencode(),
            "statuses": Status.choices,
            "priorities": Priority.choices,
            "can_write": access.has_action(request.user, access.CONTENT_WRITE),
        },
    )


# -- write --------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_new_view(request: HttpRequest) -> HttpResponse:
    places = writable_places(request.user)
    if not places:
        raise Http404
    form = BulletinForm(request.POST or None, places=places)
    if request.method == "POST" and form.is_valid():
        place = form.chosen_place
        if place is None:
            raise Http404
        try:
            bulletin = bulletin_services.create_bulletin(
                actor=request.user,
                data=form.to_input(),
                unit=place.unit,
                organisation=place.organisation,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect("content:bulletin", pk=bulletin.pk)
    return render(
        request,
        "content/bulletins/form.html",
        {"form": form, "bulletin": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.get_bulletin(request.user, pk)
    if not workflow.can_write(request.user, bulletin):
        raise Http404
    if bulletin.status not in EDITABLE_STATUSES:
        messages.error(request, _("Chỉ sửa được bản nháp hoặc bản tin bị trả lại."))
        return redirect("content:bulletin", pk=bulletin.pk)
    form = BulletinForm(request.POST or None, places=[], bulletin=bulletin)
    if request.method == "POST" and form.is_valid():
        try:
            bulletin_services.update_bulletin(
                actor=request.user,
                bulletin=bulletin,
                data=form.to_input(),
                note=request.POST.get("note", "")[:300],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("content:bulletin", pk=bulletin.pk)
    return render(
        request,
        "content/bulletins/form.html",
        {"form": form, "bulletin": bulletin},
        status=400 if form.errors else 200,
    )


# -- read ---------------------------------------------------------------------------------------------------


@login_required
def bulletin_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_response(request, selectors.get_bulletin(request.user, pk))


# -- workflow -----------------------------------------------------------------------------------------------

_STEPS: dict[str, Callable[[Any, Bulletin, str], Bulletin]] = {
    "submit": lambda user, b, text: workflow.submit(actor=user, bulletin=b, comment=text),
    "appraise": lambda user, b, text: workflow.appraise(actor=user, bulletin=b, comment=text),
    "return": lambda user, b, text: workflow.return_for_changes(actor=user, bulletin=b, comment=text),
    "approve": lambda user, b, text: workflow.approve(actor=user, bulletin=b, comment=text),
    "withdraw": lambda user, b, text: workflow.withdraw(actor=user, bulletin=b, reason=text),
    "correct": lambda user, b, text: workflow.start_correction(actor=user, bulletin=b, note=text),
}

_DONE = {
    "submit": gettext_lazy("Đã gửi duyệt."),
    "appraise": gettext_lazy("Đã thẩm định; bản tin chuyển tới người phê duyệt."),
    "return": gettext_lazy("Đã trả lại bản tin cho người soạn."),
    "approve": gettext_lazy("Đã phê duyệt; bản tin đã phát hành tới các xã và kênh."),
    "withdraw": gettext_lazy("Đã thu hồi bản tin."),
    "correct": gettext_lazy(
        "Đã mở đính chính: sửa nội dung rồi gửi duyệt lại. Bản đang phát vẫn giữ nguyên."
    ),
}


@login_required
@require_POST
def bulletin_step_view(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.get_bulletin(request.user, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        raise Http404
    step = form.cleaned_data["step"]
    comment = form.cleaned_data["comment"]
    try:
        _STEPS[step](request.user, bulletin, comment)
    except ValidationError as error:
        bulletin.refresh_from_db()
        return detail_response(request, bulletin, status=422, step_error=error.messages, comment=comment)
    messages.success(request, str(_DONE[step]))
    if step == "correct":
        return redirect("content:bulletin_edit", pk=bulletin.pk)
    return redirect("content:bulletin", pk=bulletin.pk)


@login_required
@require_POST
def bulletin_audio_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Nghe thử / Tạo bản âm thanh": read the bulletin with its voice (a background render)."""
    bulletin = selectors.get_bulletin(request.user, pk)
    try:
        renditions.render_audio(actor=request.user, bulletin=bulletin)
    except ValidationError as error:
        return detail_response(request, bulletin, status=422, step_error=error.messages)
    messages.success(request, _("Đang tạo bản âm thanh; nghe thử khi thanh tiến độ chạy xong."))
    return redirect("content:bulletin", pk=bulletin.pk)


urlpatterns: list[URLPattern] = [
    path("b/", bulletin_list_view, name="bulletins"),
    path("b/new/", bulletin_new_view, name="bulletin_new"),
    path("b/<int:pk>/", bulletin_detail_view, name="bulletin"),
    path("b/<int:pk>/edit/", bulletin_edit_view, name="bulletin_edit"),
    path("b/<int:pk>/step/", bulletin_step_view, name="bulletin_step"),
    path("b/<int:pk>/audio/", bulletin_audio_view, name="bulletin_audio"),
    *attachments.urlpatterns,
    *revisions.urlpatterns,
]
