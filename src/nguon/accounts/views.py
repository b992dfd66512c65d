"""Sign-in (password, then TOTP), enrolment in two-factor authentication, sign-out, own profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from nguon.accounts import services, two_factor
from nguon.accounts.forms import CodeForm, LoginForm
from nguon.accounts.middleware import SESSION_VERIFIED
from nguon.accounts.models import TOTPDevice, User
from nguon.accounts.selectors import list_active_grants
from nguon.core import access

_PENDING = "nguon_pending_user"
_NEXT = "nguon_next"
_ENROL_KEY = "nguon_enrol_secret"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("core:dashboard")


def _locked_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.") % {"minutes": minutes}


def _finish(request: HttpRequest, user: User, *, verified: bool) -> HttpResponse:
    destination = _safe_next(request, request.session.get(_NEXT))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if verified:
        request.session[SESSION_VERIFIED] = user.pk
    services.record_sign_in(user=user, two_factor_verified=verified)
    if not verified and access.requires_2fa(user):
        return redirect("accounts:two_factor_setup")
    return HttpResponseRedirect(destination)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = services.check_password_step(
            request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if outcome.locked_for_seconds:
            form.add_error(None, _locked_message(outcome.locked_for_seconds))
            status = 429
        elif outcome.user is None:
            form.add_error(None, _("Tên đăng nhập hoặc mật khẩu không đúng."))
            status = 400
        else:
            request.session.cycle_key()
            request.session[_NEXT] = _safe_next(request, request.GET.get("next"))
            if outcome.needs_totp:
                request.session[_PENDING] = outcome.user.pk
                return redirect("accounts:two_factor_verify")
            return _finish(request, outcome.user, verified=False)
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/login.html", {"form": form}, status=status)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(_PENDING)
    user = User.objects.filter(pk=pending, is_active=True).first() if isinstance(pending, int) else None
    if user is None:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = services.check_totp_step(request=request, user=user, code=form.cleaned_data["code"])
        if outcome.locked_for_seconds:
            form.add_error(None, _locked_message(outcome.locked_for_seconds))
            status = 429
        elif outcome.user is None:
            form.add_error("code", _("Mã xác thực không đúng hoặc đã dùng."))
            status = 400
        else:
            del request.session[_PENDING]
            return _finish(request, user, verified=True)
    return render(request, "accounts/two_factor_verify.html", {"form": form}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
        if request.session.get(SESSION_VERIFIED) == user.pk:
            messages.info(request, _("Tài khoản đã bật xác thực hai lớp."))
            return redirect("core:dashboard")
        # Enrolled but this session skipped the code step: sign in again properly.
        logout(request)
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    secret = request.session.get(_ENROL_KEY)
    if request.method == "POST" and secret and form.is_valid():
        if services.confirm_totp_enrolment(user=user, code=form.cleaned_data["code"]):
            del request.session[_ENROL_KEY]
            request.session[SESSION_VERIFIED] = user.pk
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect("core:dashboard")
        form.add_error("code", _("Mã xác thực không đúng; kiểm tra giờ trên điện thoại và thử lại."))
    if not secret:
        try:
            secret = services.start_totp_enrolment(user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("core:dashboard")
        request.session[_ENROL_KEY] = secret
    uri = two_factor.provisioning_uri(secret, user.username)
    context = {
        "form": form,
        "secret": secret,
        "qr_svg": two_factor.qr_svg(uri),
        "required": access.requires_2fa(user),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=400 if form.errors else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        services.record_sign_out(user=request.user)
    logout(request)
    return redirect("accounts:login")


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    context = {
        "grants": list_active_grants(user=user),
        "has_totp": TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists(),
    }
    return render(request, "accounts/profile.html", context)
