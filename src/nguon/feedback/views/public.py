"""The citizens' pages (no sign-in): the feedback form, the "sent" page, the tracking page with its
rating and reopen forms, the published answers and their released photos.

Anti-abuse runs before anything is stored, in this order: the request size, the honeypot and the signed
start time (400), the rate limits per address and per phone (429 with ``Retry-After``), then the form and
the service (400; 413 for a file over its limit). The service is atomic: a refused file leaves nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from nguon.content import files
from nguon.content.files import RejectedFileError
from nguon.core.access import SYSTEM
from nguon.core.request_context import client_ip
from nguon.feedback.choices import Channel
from nguon.feedback.forms.public import (
    HONEYPOT,
    FeedbackForm,
    RatingForm,
    ReopenForm,
    add_service_errors,
    elapsed_since,
    make_stamp,
)
from nguon.feedback.selectors import public_pages
from nguon.feedback.services import answers, antiabuse
from nguon.feedback.services.intake import MAX_FILES, submit_feedback

#: Room for the multipart envelope and the text fields around the files.
FORM_OVERHEAD = 256 * 1024
ANSWERS_PER_PAGE = 20
SENT_SESSION_KEY = "nguon_feedback_sent"


def _max_request_bytes() -> int:
    return MAX_FILES * max(files.max_bytes("image"), files.max_bytes("audio")) + FORM_OVERHEAD


def _private(response: HttpResponse) -> HttpResponse:
    """Pages that hold a tracking code: not indexed, not cached, the code never sent on as a referrer."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # "no-referrer" would make form posts "Origin: null"
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- the form -------------------------------------------------------------------------------------


def _form_page(
    request: HttpRequest, form: FeedbackForm, *, status: int = 200, refusal: str = ""
) -> HttpResponse:
    communes = {
        c.code: [float(c.latitude), float(c.longitude)]
        for c in public_pages.province_communes()
        if c.latitude is not None and c.longitude is not None
    }
    context = {
        "nav": "submit",
        "form": form,
        "refusal": refusal,
        "honeypot": form[HONEYPOT],
        "tile_url": settings.NGUON_MAP_TILE_URL,
        "commune_points": communes,
        "max_files": MAX_FILES,
        "image_mb": files.max_bytes("image") // files.MB,
        "audio_mb": files.max_bytes("audio") // files.MB,
    }
    return _private(render(request, "feedback/public_form.html", context, status=status))


class _TrackedUpload:
    """An upload that remembers, when read, that it is the one being checked (to name it in errors)."""

    def __init__(self, upload: Any, seen: list[str]) -> None:
        self.upload = upload
        self.name: str | None = upload.name
        self.seen = seen

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        self.seen.append(self.name or "")
        return iter(self.upload.chunks(chunk_size))


def _refused(
    request: HttpRequest, form: FeedbackForm, error: antiabuse.SubmissionRefusedError
) -> HttpResponse:
    response = _form_page(request, form, status=error.status, refusal=error.message)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


@csrf_exempt  # checked in _submit, after the size check: reading the CSRF field would read the body
@require_http_methods(["GET", "HEAD", "POST"])
def form_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, FeedbackForm())
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > _max_request_bytes():
        message = _("Các tệp gửi kèm quá lớn (tổng cộng tối đa %(mb)d MB). Vui lòng gửi ít tệp hơn.") % {
            "mb": _max_request_bytes() // files.MB
        }
        return _form_page(request, FeedbackForm(), status=413, refusal=message)
    return _submit(request)


def _check_abuse(honeypot: str, elapsed: float | None, ip_address: str, phone: str) -> None:
    """Refuse bots (honeypot, a form sent too fast or without a valid start time) and floods."""
    if elapsed is None and not honeypot.strip():
        raise antiabuse.SubmissionRefusedError(
            _("Biểu mẫu đã hết hạn. Vui lòng kiểm tra lại nội dung rồi gửi lại."),
            status=400,
            code="form_expired",
        )
    antiabuse.check_form_timing(honeypot=honeypot, elapsed_seconds=elapsed or 0.0)
    antiabuse.check_rate(
        ip_hash=antiabuse.keyed_hash(ip_address),
        phone_hash=antiabuse.keyed_hash(antiabuse.normalise_phone(phone)),
    )


@csrf_protect
def _submit(request: HttpRequest) -> HttpResponse:
    data = request.POST.copy()
    elapsed = elapsed_since(data.get("started", ""))
    if elapsed is None:  # missing, forged or a day old: a fresh start time, and the person sends again
        data["started"] = make_stamp()
    form = FeedbackForm(data, request.FILES)
    ip_address = client_ip(request) or ""
    try:
        _check_abuse(data.get(HONEYPOT, ""), elapsed, ip_address, data.get("reporter_phone", ""))
    except antiabuse.SubmissionRefusedError as error:
        return _refused(request, form, error)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    seen: list[str] = []
    uploads = [_TrackedUpload(upload, seen) for upload in form.cleaned_data["uploads"]]
    try:
        feedback = submit_feedback(
            actor=SYSTEM, data=form.to_input(uploads), channel=Channel.WEB, ip_address=ip_address
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _form_page(request, form, status=400)
    except RejectedFileError as error:
        name = seen[-1] if seen else ""
        form.add_error("uploads", f"{name}: {error.message}" if name else error.message)
        return _form_page(request, form, status=413 if error.status == 413 else 400)
    request.session[SENT_SESSION_KEY] = feedback.tracking_code
    return redirect("feedback:sent")


@require_safe
def sent_view(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SENT_SESSION_KEY, "")
    record = public_pages.tracking(str(code), now=timezone.now()) if code else None
    if record is None:
        return redirect("feedback:submit")
    link = request.build_absolute_uri(reverse("feedback:track", args=[record.tracking_code]))
    return _private(render(request, "feedback/public_sent.html", {"record": record, "link": link}))


@require_safe
def places_view(request: HttpRequest, code: str) -> JsonResponse:
    """The residential units of one of the province's communes (the form's second picker)."""
    commune = public_pages.province_commune(code)
    if commune is None:
        raise Http404
    units = [{"code": u.code, "name": u.full_name} for u in public_pages.residential_units(commune)]
    response = JsonResponse({"commune": commune.code, "units": units})
    patch_cache_control(response, public=True, max_age=300)
    return response


# --- the tracking page ----------------------------------------------------------------------------


def _track_page(
    request: HttpRequest,
    code: str,
    *,
    rating_form: RatingForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    record = public_pages.tracking(code, now=timezone.now())
    if record is None:
        return _private(render(request, "feedback/public_not_found.html", status=404))
    context = {
        "record": record,
        "rating_form": rating_form or RatingForm(),
        "reopen_form": reopen_form or ReopenForm(),
    }
    return _private(render(request, "feedback/public_track.html", context, status=status))


@require_safe
def track_view(request: HttpRequest, code: str) -> HttpResponse:
    return _track_page(request, code)


@require_POST
def rate_view(request: HttpRequest, code: str) -> HttpResponse:
    feedback = public_pages.feedback_for_tracking(code)
    if feedback is None:
        return _track_page(request, code)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            answers.rate(
                feedback=feedback, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Cảm ơn bạn đã đánh giá kết quả xử lý."))
            return redirect("feedback:track", code=code)
    return _track_page(request, code, rating_form=form, status=400)


@require_POST
def reopen_view(request: HttpRequest, code: str) -> HttpResponse:
    feedback = public_pages.feedback_for_tracking(code)
    if feedback is None:
        return _track_page(request, code)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            answers.reopen(feedback=feedback, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Phản ánh đã được chuyển lại cho đơn vị xử lý."))
            return redirect("feedback:track", code=code)
    return _track_page(request, code, reopen_form=form, status=400)


# --- published answers ----------------------------------------------------------------------------


@require_safe
def answers_view(request: HttpRequest) -> HttpResponse:
    commune_code = request.GET.get("commune", "")[:32]
    category_code = request.GET.get("category", "")[:64]
    rows = public_pages.published_answers(commune_code=commune_code, category_code=category_code)
    page = Paginator(rows, ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "answers",
        "page": page,
        "answers": [public_pages.public_answer(row) for row in page.object_list],
        "communes": public_pages.province_communes(),
        "category_groups": public_pages.category_groups(),
        "commune_code": commune_code,
        "category_code": category_code,
        "query": query.urlencode(),
    }
    response = render(request, "feedback/public_answers.html", context)
    patch_cache_control(response, public=True, max_age=60)
    return response


@require_safe
def answer_view(request: HttpRequest, public_id: str) -> HttpResponse:
    answer = public_pages.published_answer(public_id)
    if answer is None:
        raise Http404
    context = {"nav": "answers", "answer": answer, "photos": public_pages.public_photos(public_id)}
    response = render(request, "feedback/public_answer.html", context)
    patch_cache_control(response, public=True, max_age=60)
    return response


@require_safe
def photo_view(request: HttpRequest, public_id: str, pk: int) -> FileResponse:
    attachment = public_pages.public_photo(public_id, pk)
    if attachment is None:
        raise Http404
    blob = attachment.blob
    response = FileResponse(blob.file.open("rb"), content_type=blob.mime_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{blob.sha256}"'
    patch_cache_control(response, public=True, max_age=3600)
    return response


urlpatterns: list[URLPattern] = [
    path("", form_view, name="submit"),
    path("sent/", sent_view, name="sent"),
    path("places/<str:code>/", places_view, name="places"),
    path("track/<str:code>/", track_view, name="track"),
    path("track/<str:code>/rate/", rate_view, name="track_rate"),
    path("track/<str:code>/reopen/", reopen_view, name="track_reopen"),
    path("answers/", answers_view, name="answers"),
    path("answers/<str:public_id>/", answer_view, name="answer"),
    path("answers/<str:public_id>/photos/<int:pk>/", photo_view, name="answer_photo"),
]
