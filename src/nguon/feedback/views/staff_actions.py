"""Actions on one feedback (POST only): accept, assign, note, transfer, decline, draft and submit the
answer, approve or return it, publish a photo. Each calls one service; the service checks access (404)
and state. A refusal re-renders the page with the reason next to the form (422) and nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nguon.feedback.choices import AnswerStatus
from nguon.feedback.forms.staff import (
    AnswerForm,
    AssignForm,
    NoteForm,
    PublicFileForm,
    ReasonForm,
    TransferForm,
)
from nguon.feedback.models import Answer, Feedback
from nguon.feedback.selectors import staff as selectors
from nguon.feedback.services import answers, handling
from nguon.feedback.services.attachments import set_public
from nguon.feedback.views.staff import detail_response


def _done(request: HttpRequest, feedback: Feedback, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("feedback:detail", public_id=feedback.public_id)


def _refused(
    request: HttpRequest,
    feedback: Feedback,
    error: ValidationError,
    form_name: str = "",
    form: Form | None = None,
) -> HttpResponse:
    text = " ".join(error.messages)
    if form is not None and form_name:
        form.add_error(None, text)
        return detail_response(request, feedback, status=422, **{form_name: form})
    messages.error(request, text)
    return detail_response(request, feedback, status=422)


def _working_answer(feedback: Feedback, *statuses: str) -> Answer:
    answer = feedback.answers.filter(status__in=statuses).last()
    if answer is None:
        raise Http404
    return answer


def _action(handler: Callable[[HttpRequest, Feedback], HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, public_id: str) -> HttpResponse:
        feedback = selectors.get_handled(request.user, public_id)
        return handler(request, feedback)

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


@_action
def accept_view(request: HttpRequest, feedback: Feedback) -> HttpResponse:
    try:
        handling.accept(actor=request.user, feedback=feedback)
    except ValidationError as error:
        return _refused(request, feedback, error)
    return _done(request, feedback, _("Đã nhận xử lý phản ánh %(id)s.") % {"id": feedback.public_id})


@_action
def assign_view(request: HttpRequest, feedback: Feedback) -> HttpResponse:
    form = AssignForm(request.POST, people=selectors.assignable(feedback))
    if not form.is_valid():
        return detail_response(request, feedback, status=422, assign_form=form)
    person = form.cleaned_data["assignee"]
    try:
        handling.assign(actor=request.user, feedback=feedback, assignee=person)
    except ValidationError as error:
        return _refused(request, feedback, error, "assign_form", form)
    return _done(request, feedback, _("Đã giao cho %(name)s.") % {"name": person.get_full_name()})


@_action
def note_view(request: HttpRequest, feedback: Feedback) -> HttpResponse:
    form = NoteForm(request.POST)
    if not form.is_valid():
        return detail_response(request, feedback, status=422, note_form=form)
    try:
        handling.add_note(actor=request.user, feedback=feedback, text=form.cleaned_data["text"])
    except ValidationError as error:
        return _refused(request, feedback, error, "note_form", form)
    return _done(request, feedback, _("Đã thêm ghi chú nội bộ."))


@_action
def transfer_view(request: HttpRequest, feedback: Feedback) -> HttpResponse:
    form = TransferForm(
        request.POST, units=selectors.province_units(), organisations=selectors.organisations()
    )
    if not form.is_valid():
        return detail_response(request, feedback, status=422, transfer_form=form)
    data = form.cleaned_data
    try:
        handling.transfer(
            actor=request.user,
            feedback=feedback,
            unit=data["unit"],
            organisation=data["organisation"],
            reason=data["reason"],
        )
    except ValidationError as error:
        return _refused(request, feedback, error, "transfer_form", form)
    where = data["organisation"].name if data["organisation"] else data["unit"].full_name
    messages.success(
        request, _("Đã chuyển phản ánh %(id)s đến %(where)s.") % {"id": feedback.public_id, "where": where}
    )
    # The sender's unit may be outside the actor's scope now: back to the queue.
    return redirect("feedback:queue")


@_action
def decline_view(request: HttpRequest, feedback: Feedback) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return detail_response(request, feedback, status=422, decline_form=form)
    try:
        handling.decline(actor=request.user, feedback=feedback, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _refused(request, feedback, error, "decline_form", form)
    return _done(
        request, feedback, _("Đã ghi nhận không thụ lý phản ánh %(id)s.") % {"id": feedback.public_id}
    )


@_action
def draft_view(request: HttpRequest, feedback: Feedback) -> HttpResponse:
    """Save the draft answer; with ``submit`` in the form, also send it to the approvers."""
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return detail_response(request, feedback, status=422, answer_form=form)
    data = form.cleaned_data
    try:
        answer = answers.draft_answer(
            actor=request.user,
            feedback=feedback,
            body=data["body"],
            public_title=data["public_title"],
            air_on_radio=data["air_on_radio"],
        )
        if "submit" in request.POST:
            answers.submit_answer(actor=request.user, answer=answer)
    except ValidationError as error:
        return _refused(request, feedback, error, "answer_form", form)
    if "submit" in request.POST:
        return _done(request, feedback, _("Đã trình duyệt bản trả lời."))
    return _done(request, feedback, _("Đã lưu bản nháp trả lời."))


@_action
def submit_view(request: HttpRequest, feedback: Feedback) -> HttpResponse:
    answer = _working_answer(feedback, AnswerStatus.DRAFT, AnswerStatus.RETURNED)
    try:
        answers.submit_answer(actor=request.user, answer=answer)
    except ValidationError as error:
        return _refused(request, feedback, error)
    return _done(request, feedback, _("Đã trình duyệt bản trả lời."))


@_action
def approve_view(request: HttpRequest, feedback: Feedback) -> HttpResponse:
    answer = _working_answer(feedback, AnswerStatus.SUBMITTED)
    try:
        answers.approve_answer(actor=request.user, answer=answer)
    except ValidationError as error:
        return _refused(request, feedback, error)
    return _done(
        request, feedback, _("Đã duyệt và công bố trả lời phản ánh %(id)s.") % {"id": feedback.public_id}
    )


@_action
def return_view(request: HttpRequest, feedback: Feedback) -> HttpResponse:
    answer = _working_answer(feedback, AnswerStatus.SUBMITTED)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return detail_response(request, feedback, status=422, return_form=form)
    try:
        answers.return_answer(actor=request.user, answer=answer, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _refused(request, feedback, error, "return_form", form)
    return _done(request, feedback, _("Đã trả lại bản trả lời để sửa."))


@login_required
@require_POST
def file_public_view(request: HttpRequest, public_id: str, attachment_id: int) -> HttpResponse:
    feedback = selectors.get_handled(request.user, public_id)
    attachment = feedback.attachments.filter(pk=attachment_id).select_related("blob", "feedback").first()
    if attachment is None:
        raise Http404
    form = PublicFileForm(request.POST)
    public = bool(form.is_valid() and form.cleaned_data["public"])
    try:
        set_public(actor=request.user, attachment=attachment, public=public)
    except ValidationError as error:
        return _refused(request, feedback, error)
    message: Any = _("Đã cho công bố ảnh %(name)s.") if public else _("Đã thôi công bố %(name)s.")
    return _done(request, feedback, message % {"name": attachment.name})


urlpatterns: list[URLPattern] = [
    path("handle/<str:public_id>/accept/", accept_view, name="accept"),
    path("handle/<str:public_id>/assign/", assign_view, name="assign"),
    path("handle/<str:public_id>/note/", note_view, name="note"),
    path("handle/<str:public_id>/transfer/", transfer_view, name="transfer"),
    path("handle/<str:public_id>/decline/", decline_view, name="decline"),
    path("handle/<str:public_id>/answer/", draft_view, name="answer-draft"),
    path("handle/<str:public_id>/answer/submit/", submit_view, name="answer-submit"),
    path("handle/<str:public_id>/answer/approve/", approve_view, name="answer-approve"),
    path("handle/<str:public_id>/answer/return/", return_view, name="answer-return"),
    path("handle/<str:public_id>/files/<int:attachment_id>/public/", file_public_view, name="file-public"),
]
