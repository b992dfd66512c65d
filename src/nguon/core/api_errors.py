"""The one error shape of every Nguồn HTTP API (staff API v1, public read API), installed on an instance.

``{"error": {"code": "...", "message": "...", "details": [...]}}`` with Vietnamese messages; a missing
object and a forbidden one are the same 404; validation problems are a 422 with one detail per field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

ErrorResponder = Callable[..., HttpResponse]


def install_error_handlers(api: NinjaAPI) -> ErrorResponder:
    """Register the shared exception handlers on ``api``; returns its ``error_response(request, status,
    code, message, details=None)`` for handlers of the API's own exceptions."""

    def error_response(
        request: HttpRequest, status: int, code: str, message: str, details: Any = None
    ) -> HttpResponse:
        body: dict[str, Any] = {"code": code, "message": message}
        if details is not None:
            body["details"] = details
        return api.create_response(request, {"error": body}, status=status)

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(request, 404, "not_found", "Không tìm thấy.")

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(request, 401, "not_authenticated", "Cần đăng nhập.")

    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors
        ]
        return error_response(request, 422, "invalid", "Dữ liệu không hợp lệ.", details)

    def invalid_domain(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            details = [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
        else:
            details = [{"field": "", "message": m} for m in exc.messages]
        return error_response(request, 422, "invalid", "Dữ liệu không hợp lệ.", details)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(request, exc.status_code, "error", str(exc))

    api.exception_handler(Http404)(not_found)
    api.exception_handler(PermissionDenied)(not_found)
    api.exception_handler(AuthenticationError)(unauthenticated)
    api.exception_handler(NinjaValidationError)(invalid)
    api.exception_handler(DjangoValidationError)(invalid_domain)
    api.exception_handler(HttpError)(http_error)
    return error_response
