"""``Idempotency-Key`` for API writes: a retried request gets the first response, never a second effect.

The middleware claims the key (a unique row) before the view runs, so two concurrent retries cannot
both act; it stores the response when the view finishes (server errors release the key so the client
can retry). The same key with a different method, path or body is refused with 422. Keys are kept for
:data:`KEEP` and are per person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from nguon.core.models import IdempotencyKey

HEADER = "HTTP_IDEMPOTENCY_KEY"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEEP = timedelta(hours=24)
STALE = timedelta(minutes=5)  # a claim left by a crashed worker may be retried after this
MAX_KEY = 128
#: Bodies above this (uploads) are not fingerprinted: reading them here would hold them in memory.
#: File uploads are idempotent anyway: files are stored once by content hash.
MAX_BODY = 1024 * 1024


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\0" + request.get_full_path().encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(record.response_body), status=record.status_code or 200, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _applies(request: HttpRequest) -> str | None:
    """The key when this request is an authenticated API write that carries one (and a small body)."""
    key = str(request.META.get(HEADER, "")).strip()
    user = getattr(request, "user", None)
    if (
        not key
        or request.method not in WRITE_METHODS
        or not request.path.startswith("/api/")
        or user is None
        or not user.is_authenticated
        or int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY
    ):
        return None
    return key


def _claim(request: HttpRequest, key: str) -> tuple[IdempotencyKey | None, HttpResponse | None]:
    """Claim ``key`` for this request, or the response to give instead (a replay or a refusal)."""
    fingerprint = _fingerprint(request)
    user_id: int = request.user.pk or 0  # authenticated: _applies checked
    now = timezone.now()
    IdempotencyKey.objects.filter(created_at__lt=now - KEEP).delete()
    record = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
    if record is not None:
        if record.request_sha256 != fingerprint:
            return None, _error(
                422, "idempotency_key_reused", "Idempotency-Key này đã dùng cho một yêu cầu khác."
            )
        if record.status_code is not None:
            return None, _replay(record)
        if record.created_at > now - STALE:
            return None, _error(409, "in_progress", "Yêu cầu với Idempotency-Key này đang được xử lý.")
        record.delete()  # a stale claim: the worker that held it is gone
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user_id=user_id, key=key, request_sha256=fingerprint), None
    except IntegrityError:
        return None, _error(409, "in_progress", "Yêu cầu với Idempotency-Key này đang được xử lý.")


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _applies(request)
        if key is None:
            return self.get_response(request)
        if len(key) > MAX_KEY:
            return _error(422, "invalid_idempotency_key", f"Idempotency-Key dài tối đa {MAX_KEY} ký tự.")
        record, instead = _claim(request, key)
        if record is None:
            assert instead is not None
            return instead
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            record.delete()  # let the client retry
            return response
        record.status_code = response.status_code
        record.response_body = response.content
        record.content_type = response.get("Content-Type", "application/json")
        record.save(update_fields=["status_code", "response_body", "content_type"])
        return response
