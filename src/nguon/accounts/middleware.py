"""Marks the signed-in person as two-factor verified (or not) and sends people who must use 2FA but
have not enrolled to the enrolment page before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from nguon.core import access

SESSION_VERIFIED = "nguon_2fa_user"
_OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz", "/accounts/")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            user.is_2fa_verified = request.session.get(SESSION_VERIFIED) == user.pk
            if (
                not user.is_2fa_verified
                and not request.path.startswith(_OPEN_PREFIXES)
                and access.requires_2fa(user)
            ):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "error": {
                                "code": "two_factor_required",
                                "message": "Vai trò của bạn cần xác thực hai lớp; hãy đăng nhập lại với mã xác thực.",
                            }
                        },
                        status=403,
                    )
                return HttpResponseRedirect(reverse("accounts:two_factor_setup"))
        return self.get_response(request)
