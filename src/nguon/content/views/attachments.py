"""Screens: files attached to a bulletin — upload (checked by content and size), scoped download, removal.

Files are never served from a public /media/ URL: every download goes through the bulletin's scope.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from nguon.content import files
from nguon.content.files import RejectedFileError
from nguon.content.forms.bulletins import AttachmentForm
from nguon.content.models import Attachment, MediaBlob
from nguon.content.selectors import bulletins as selectors
from nguon.content.services import attachments as attachment_services
from nguon.content.views.bulletin_page import detail_response

#: Room for the multipart envelope (boundaries, the CSRF field) around the largest accepted file.
FORM_OVERHEAD = 64 * 1024


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large() -> str:
    return _("Tệp quá lớn (tối đa %(mb)d MB).") % {"mb": files.largest_limit() // files.MB}


@csrf_exempt  # checked in _attach, after the size check: reading the CSRF field would read the body
@login_required
@require_POST
def bulletin_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.get_bulletin(request.user, pk)
    limit = files.largest_limit()
    if _content_length(request) > limit + FORM_OVERHEAD:
        return detail_response(request, bulletin, status=413, upload_error=_too_large())
    return _attach(request, pk)


@csrf_protect
def _attach(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.get_bulletin(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return detail_response(request, bulletin, status=422, upload_error=_("Chọn một tệp để tải lên."))
    upload = form.cleaned_data["file"]
    if upload.size is not None and upload.size > files.largest_limit():
        return detail_response(request, bulletin, status=413, upload_error=_too_large())
    try:
        attachment = attachment_services.add_attachment(actor=request.user, bulletin=bulletin, upload=upload)
    except RejectedFileError as error:
        return detail_response(request, bulletin, status=error.status, upload_error=error.message)
    except ValidationError as error:
        return detail_response(request, bulletin, status=422, upload_error=" ".join(error.messages))
    messages.success(request, _("Đã đính kèm tệp %(name)s.") % {"name": attachment.original_name})
    return redirect("content:bulletin", pk=bulletin.pk)


def blob_response(blob: MediaBlob, name: str, *, download: bool) -> FileResponse:
    """The stored file under its original name (inline for players, or as a download)."""
    response = FileResponse(
        blob.file.open("rb"), content_type=blob.mime_type, as_attachment=download, filename=name
    )
    response["Cache-Control"] = "private, max-age=86400, immutable"
    response["ETag"] = f'"{blob.sha256}"'
    return response


@login_required
def bulletin_attachment_view(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    bulletin = selectors.get_bulletin(request.user, pk)
    attachment = Attachment.objects.filter(bulletin=bulletin, pk=attachment_id).select_related("blob").first()
    if attachment is None:
        raise Http404
    return blob_response(
        attachment.blob, attachment.original_name, download=request.GET.get("download") == "1"
    )


@login_required
@require_POST
def bulletin_attachment_remove_view(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    bulletin = selectors.get_bulletin(request.user, pk)
    attachment = Attachment.objects.filter(bulletin=bulletin, pk=attachment_id).select_related("blob").first()
    if attachment is None:
        raise Http404
    try:
        attachment_services.remove_attachment(actor=request.user, attachment=attachment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã bỏ tệp %(name)s.") % {"name": attachment.original_name})
    return redirect("content:bulletin", pk=bulletin.pk)


urlpatterns: list[URLPattern] = [
    path("b/<int:pk>/attach/", bulletin_attach_view, name="bulletin_attach"),
    path("b/<int:pk>/files/<int:attachment_id>/", bulletin_attachment_view, name="bulletin_attachment"),
    path(
        "b/<int:pk>/files/<int:attachment_id>/remove/",
        bulletin_attachment_remove_view,
        name="bulletin_attachment_remove",
    ),
]
