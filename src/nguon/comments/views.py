"""Comment screens: the public thread fragment the portal loads with HTMX (``comments:thread``) and the
moderators' queue (/comments/), which polls every 10 seconds and approves or rejects in place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from nguon.comments import intake, selectors, services
from nguon.comments.forms import HONEYPOT, BannedWordForm, CommentForm, QueueFilter, RejectForm
from nguon.comments.models import Comment
from nguon.content.models import Bulletin
from nguon.core import access
from nguon.core.request_context import client_ip

PAGE_SIZE = 50
SENT_MESSAGE = "Bình luận của bạn đang chờ kiểm duyệt"


# -- the public thread ------------------------------------------------------------------------------------


def _thread(
    request: HttpRequest,
    bulletin: Bulletin,
    *,
    form: CommentForm | None = None,
    sent: bool = False,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    enabled = selectors.thread_enabled(bulletin)
    response = render(
        request,
        "comments/_thread.html",
        {
            "bulletin": bulletin,
            "comments": list(selectors.approved_comments(bulletin)),
            "enabled": enabled,
            "form": form or CommentForm(),
            "honeypot": HONEYPOT,
            "sent": sent,
            "sent_message": _(SENT_MESSAGE),
            "refusal": refusal,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@csrf_protect
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    """GET: the approved comments and, when comments are on, the form. POST: take in a comment and answer
    with the fragment again (HTMX swaps it; without HTMX a refusal keeps its HTTP status)."""
    bulletin = selectors.get_public_bulletin(bulletin_id)
    if request.method == "GET":
        return _thread(request, bulletin)
    if not selectors.thread_enabled(bulletin):
        raise Http404
    is_htmx = request.headers.get("HX-Request") == "true"
    form = CommentForm(request.POST)
    honeypot = request.POST.get(HONEYPOT, "")
    try:
        valid = form.is_valid()
        if not valid and not honeypot.strip():
            return _thread(request, bulletin, form=form, status=200 if is_htmx else 400)
        data = form.cleaned_data if valid else {}
        intake.submit_comment(  # refuses a filled honeypot before anything else
            bulletin=bulletin,
            author_name=data.get("author_name", ""),
            email=data.get("email", ""),
            text=data.get("text", ""),
            ip_address=client_ip(request),
            honeypot=honeypot,
        )
    except intake.CommentRefusedError as refused:
        return _thread(
            request, bulletin, form=form, refusal=refused.message, status=200 if is_htmx else refused.status
        )
    except ValidationError as error:
        for field, errs in error.message_dict.items():
            for e in errs:
                form.add_error(field if field in form.fields else None, e)
        return _thread(request, bulletin, form=form, status=200 if is_htmx else 400)
    return _thread(request, bulletin, sent=True)


# -- the moderation queue ---------------------------------------------------------------------------------


def _require_moderator(user: Any) -> None:
    if not access.has_action(user, access.COMMENTS_MODERATE):
        raise Http404


def _queue_rows(request: HttpRequest) -> tuple[QueueFilter, list[Comment], Any]:
    form = QueueFilter(request.GET or None)
    filters: dict[str, Any] = {"status": "pending"} if not request.GET else {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "status": data["status"] or None,
            "bulletin_id": data["bulletin"],
            "held": True if data["held"] == "1" else None,
            "search": data["q"] or "",
        }
    qs = selectors.list_queue(request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return form, list(page.object_list), page


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The moderators' queue; with ``HX-Request`` only the rows (the page polls them every 10 s)."""
    _require_moderator(request.user)
    form, rows, page = _queue_rows(request)
    context = {"form": form, "rows": rows, "page": page, "query": request.GET.urlencode()}
    if request.headers.get("HX-Request") == "true" and request.GET.get("rows") == "1":
        return render(request, "comments/_queue_rows.html", context)
    return render(request, "comments/queue.html", context)


def _row(request: HttpRequest, comment: Comment, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(request, "comments/_comment_row.html", {"c": comment, "error": error}, status=status)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    comment = selectors.get_comment(request.user, pk)
    comment = services.approve(actor=request.user, comment=comment)
    if request.headers.get("HX-Request") == "true":
        return _row(request, comment)
    messages.success(request, _("Đã duyệt bình luận."))
    return redirect("comments:queue")


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    comment = selectors.get_comment(request.user, pk)
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    is_htmx = request.headers.get("HX-Request") == "true"
    try:
        comment = services.reject(
            actor=request.user, comment=comment, reason=reason, spam=request.POST.get("spam") == "1"
        )
    except ValidationError as error:
        if is_htmx:
            return _row(request, comment, error=" ".join(error.messages), status=200)
        messages.error(request, " ".join(error.messages))
        return redirect("comments:queue")
    if is_htmx:
        return _row(request, comment)
    messages.success(request, _("Đã từ chối bình luận."))
    return redirect("comments:queue")


# -- per-bulletin switch and banned words -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bulletins(request: HttpRequest) -> HttpResponse:
    """Public bulletins of the moderator's units, each with its comments switch."""
    _require_moderator(request.user)
    if request.method == "POST":
        try:
            bulletin_id = int(request.POST.get("bulletin", ""))
        except ValueError:
            raise Http404 from None
        bulletin = selectors.moderated_bulletins(request.user).filter(pk=bulletin_id).first()
        if bulletin is None:
            raise Http404
        enabled = request.POST.get("enabled") == "1"
        services.set_comments_enabled(actor=request.user, bulletin=bulletin, enabled=enabled)
        messages.success(request, _("Đã bật bình luận.") if enabled else _("Đã tắt bình luận."))
        return redirect("comments:bulletins")
    page = Paginator(selectors.moderated_bulletins(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    on = selectors.enabled_ids([b.pk for b in items])
    return render(
        request,
        "comments/bulletins.html",
        {"rows": [(b, b.pk in on) for b in items], "page": page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def banned_words(request: HttpRequest) -> HttpResponse:
    """The banned words of the moderator's units: add and remove."""
    _require_moderator(request.user)
    form = BannedWordForm()
    status = 200
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                pk = int(request.POST["remove"])
            except ValueError:
                raise Http404 from None
            services.remove_banned_word(
                actor=request.user, banned=selectors.get_banned_word(request.user, pk)
            )
            messages.success(request, _("Đã bỏ từ khỏi danh sách."))
            return redirect("comments:banned_words")
        form = BannedWordForm(request.POST)
        unit = access.acting_unit(request.user, access.COMMENTS_MODERATE)
        if unit is None:
            raise Http404
        if form.is_valid():
            try:
                services.add_banned_word(actor=request.user, unit=unit, word=form.cleaned_data["word"])
            except ValidationError as error:
                for e in error.messages:
                    form.add_error("word", e)
            else:
                messages.success(request, _("Đã thêm từ bị cấm."))
                return redirect("comments:banned_words")
        status = 422
    return render(
        request,
        "comments/banned_words.html",
        {"form": form, "words": selectors.list_banned_words(request.user)},
        status=status,
    )
