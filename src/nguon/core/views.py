"""The dashboard, the audit trail browser and the health check."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Value, When
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from nguon.accounts.models import User
from nguon.accounts.selectors import list_active_grants
from nguon.core import access
from nguon.core.selectors import list_audit_events
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit


def _parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    grants = list(list_active_grants(user=user))
    communes = access.scope(
        user,
        AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, is_current=True),
        access.UNITS_MANAGE_RESIDENTIAL,
    )
    context = {
        "grants": grants,
        "can": {
            name: access.has_action(user, action)
            for name, action in {
                "manage_residential": access.UNITS_MANAGE_RESIDENTIAL,
                "audit": access.AUDIT_VIEW,
                "accounts": access.ACCOUNTS_MANAGE,
                "content": access.CONTENT_WRITE,
                "approve": access.CONTENT_APPROVE,
                "appraise": access.CONTENT_APPRAISE,
                "broadcast": access.BROADCAST_OPERATE,
                "devices": access.DEVICES_VIEW,
                "admin": access.ADMIN_SITE,
            }.items()
        },
        # The installation's own province first (a global administrator manages the whole country).
        "managed_communes": communes.order_by(
            Case(When(province_code=settings.NGUON_PROVINCE_CODE, then=Value(0)), default=Value(1)), "code"
        )[:20],
        "managed_communes_count": communes.count(),
        "recent_events": list_audit_events(user=user)[:8]
        if access.has_action(user, access.AUDIT_VIEW)
        else [],
        "needs_2fa_upgrade": any(g.role in access.ROLES_REQUIRING_2FA for g in grants)
        and not getattr(user, "is_2fa_verified", False),
    }
    return render(request, "core/dashboard.html", context)


@login_required
def audit_view(request: HttpRequest) -> HttpResponse:
    if not access.has_action(request.user, access.AUDIT_VIEW):
        raise Http404
    filters = {
        "action": request.GET.get("action", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "target": request.GET.get("target", "").strip(),
    }
    events = list_audit_events(
        user=request.user,
        since=_parse_date(request.GET.get("since")),
        until=_parse_date(request.GET.get("until")),
        **filters,
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page, "filters": request.GET})


@never_cache
def health_view(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and ``make run``."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "degraded", "database": database}, status=status
    )
