"""Screens for handlers: the queue (/feedback/handle/) and one feedback with its timeline and files.

Only people with ``feedback.handle`` over the feedback's handling unit/organisation reach these pages
(anyone else gets 404, like a missing feedback); they see the sender's personal data and internal notes.
Files are served through the same scope, never from a public address.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from nguon.content.views.attachments import blob_response
from nguon.core import access
from nguon.feedback.choices import OPEN_STATUSES, AnswerStatus, Status
from nguon.feedback.forms.staff import (
    AnswerForm,
    AssignForm,
    NoteForm,
    QueueFilterForm,
    ReasonForm,
    TransferForm,
)
from nguon.feedback.models import Feedback
from nguon.feedback.selectors import staff as selectors
from nguon.feedback.services.answers import personal_data_in


def require_handler_somewhere(request: HttpRequest) -> None:
    if not access.has_action(request.user, access.FEEDBACK_HANDLE):
        raise Http404


@login_required
def queue_view(request: HttpRequest) -> HttpResponse:
    require_handler_somewhere(request)
    communes = list(selectors.entry_communes(request.user))
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = "open"
    form = QueueFilterForm(data, communes=communes)
    cleaned: dict[str, Any] = form.cleaned_data if form.is_valid() else {"status": "open"}
    filters = selectors.QueueFilters(
        status=cleaned.get("status") or "",
        category=cleaned.get("category") or "",
        channel=cleaned.get("channel") or "",
        commune=cleaned.get("commune") or "",
        overdue=bool(cleaned.get("overdue")),
        mine=bool(cleaned.get("mine")),
        query=cleaned.get("q") or "",
    )
    now = timezone.now()
    rows = selectors.queue(request.user, filters, now=now)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    base = selectors.handled(request.user)
    return render(
        request,
        "feedback/staff_queue.html",
        {
            "form": form,
            "page": page,
            "now": now,
            "open_statuses": OPEN_STATUSES,
            "counts": {
                "open": base.filter(status__in=OPEN_STATUSES).count(),
                "overdue": base.filter(status__in=OPEN_STATUSES, due_at__lt=now).count(),
                "awaiting": base.filter(status=Status.AWAITING_APPROVAL).count(),
            },
            "can_configure": access.has_action(request.user, access.FEEDBACK_CONFIGURE),
            "query": request.GET.urlencode(),
        },
    )


def _flags(user: Any, feedback: Feedback) -> dict[str, bool]:
    unit, organisation = feedback.handling_unit, feedback.handling_organisation
    can_handle = access.can(user, access.FEEDBACK_HANDLE, unit=unit, organisation=organisation)
    can_approve = access.can(user, access.FEEDBACK_APPROVE, unit=unit, organisation=organisation)
    is_open = feedback.status in OPEN_STATUSES
    return {
        "can_handle": can_handle,
        "can_approve": can_approve,
        "is_open": is_open,
        "can_draft": can_handle and feedback.status in (Status.RECEIVED, Status.IN_PROGRESS),
    }


def detail_response(
    request: HttpRequest, feedback: Feedback, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The detail page, with any bound (invalid) form passed in to show its errors."""
    answer = selectors.current_answer(feedback)
    flags = _flags(request.user, feedback)
    warning: list[str] = []
    if answer is not None and answer.status == AnswerStatus.SUBMITTED:
        warning = personal_data_in(f"{answer.public_title}\n{answer.body}", feedback)
    answer_initial = (
        {"public_title": answer.public_title, "body": answer.body, "air_on_radio": answer.air_on_radio}
        if answer is not None and answer.status in (AnswerStatus.DRAFT, AnswerStatus.RETURNED)
        else {}
    )
    now = timezone.now()
    context = {
        "feedback": feedback,
        "events": selectors.timeline(feedback),
        "files": selectors.attachments(feedback),
        "answer": answer,
        "answers": feedback.answers.order_by("created_at", "pk"),
        "personal_data_warning": warning,
        "overdue": feedback.status in OPEN_STATUSES and feedback.due_at < now,
        "now": now,
        "note_form": forms.get("note_form") or NoteForm(),
        "assign_form": forms.get("assign_form") or AssignForm(people=selectors.assignable(feedback)),
        "transfer_form": forms.get("transfer_form")
        or TransferForm(units=selectors.province_units(), organisations=selectors.organisations()),
        "decline_form": forms.get("decline_form") or ReasonForm(),
        "return_form": forms.get("return_form") or ReasonForm(),
        "answer_form": forms.get("answer_form") or AnswerForm(initial=answer_initial),
        "AnswerStatus": AnswerStatus,
        **flags,
    }
    return render(request, "feedback/staff_detail.html", context, status=status)


@login_required
def detail_view(request: HttpRequest, public_id: str) -> HttpResponse:
    feedback = selectors.get_handled(request.user, public_id)
    return detail_response(request, feedback)


@login_required
def file_view(request: HttpRequest, public_id: str, attachment_id: int) -> FileResponse:
    """A file the sender attached, for handlers only (image preview, audio player, download)."""
    feedback = selectors.get_handled(request.user, public_id)
    attachment = feedback.attachments.filter(pk=attachment_id).select_related("blob").first()
    if attachment is None:
        raise Http404
    response = blob_response(attachment.blob, attachment.name, download=request.GET.get("download") == "1")
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("handle/", queue_view, name="queue"),
    path("handle/<str:public_id>/", detail_view, name="detail"),
    path("handle/<str:public_id>/files/<int:attachment_id>/", file_view, name="staff-file"),
]
