"""Screens: what waits for the signed-in person — notifications and the work queue ("Việc chờ tôi")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nguon.content.selectors import bulletins as selectors
from nguon.content.services import notifications as notification_services
from nguon.core import access

TASK_LABELS = {
    "appraise": gettext_lazy("Thẩm định"),
    "approve": gettext_lazy("Phê duyệt"),
    "revise": gettext_lazy("Sửa bản tin bị trả lại"),
    "decide": gettext_lazy("Quyết định nhận tin"),
    "review_correction": gettext_lazy("Xem bản đính chính"),
}


@login_required
def notifications_view(request: HttpRequest) -> HttpResponse:
    notices = selectors.recent_notifications(request.user, limit=100)
    return render(
        request,
        "content/notifications.html",
        {"notices": notices, "unread": sum(1 for n in notices if n.read_at is None)},
    )


@login_required
@require_POST
def notifications_read_view(request: HttpRequest) -> HttpResponse:
    """Mark one notice (``id``) or all of the person's unread notices read."""
    raw = request.POST.get("id")
    ids = None
    if raw:
        try:
            ids = [int(raw)]
        except ValueError:
            raise Http404 from None
    count = notification_services.mark_read(user=request.user, ids=ids)
    if ids is None:
        messages.success(request, _("Đã đánh dấu %(n)d thông báo là đã đọc.") % {"n": count})
    return redirect("content:notifications")


@login_required
def waiting_view(request: HttpRequest) -> HttpResponse:
    if not access.has_action(request.user, access.CONTENT_VIEW):
        raise Http404
    items = selectors.waiting_for(request.user)
    return render(
        request,
        "content/waiting.html",
        {
            "items": [(item, TASK_LABELS.get(item.task, item.task)) for item in items],
            "now": timezone.now(),
        },
    )


urlpatterns: list[URLPattern] = [
    path("notifications/", notifications_view, name="notifications"),
    path("notifications/read/", notifications_read_view, name="notifications_read"),
    path("waiting/", waiting_view, name="waiting"),
]
