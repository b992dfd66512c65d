"""Open311 GeoReport v2 endpoints (docs/open311.md): discovery, services, service definitions, requests.

Reads are public and show no personal data (``selectors/public.py``). ``POST requests`` needs an
``api_key`` of an active :class:`~nguon.feedback.models.ApiClient`. Every error is in the Open311 error
format with the matching HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from nguon.content.views.attachments import blob_response
from nguon.core.request_context import client_ip
from nguon.feedback.choices import OPEN_STATUSES, Channel
from nguon.feedback.models import ApiClient, Feedback, FeedbackCategory
from nguon.feedback.open311 import location
from nguon.feedback.open311.render import FORMATS, errors, respond
from nguon.feedback.selectors import public
from nguon.feedback.services import antiabuse, clients
from nguon.feedback.services.antiabuse import SubmissionRefusedError
from nguon.feedback.services.intake import FeedbackInput, clean

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: When this endpoint's behaviour last changed (GeoReport discovery ``changeset``).
CHANGESET = "2026-03-01T00:00:00+07:00"
#: GeoReport v2: a date range may not span more than 90 days; without one, the last 90 days.
MAX_RANGE = timedelta(days=90)

View = Callable[..., HttpResponse]


def _methods(*allowed: str) -> Callable[[View], View]:
    """Answer other methods with 405 in the Open311 error format; answer unknown formats with 404."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in FORMATS:
                return errors(404, [f"Không hỗ trợ định dạng {fmt!r}; dùng .json hoặc .xml."])
            if request.method not in allowed:
                return errors(
                    405,
                    [f"Phương thức {request.method} không được hỗ trợ ở đây."],
                    fmt,
                    Allow=", ".join(allowed),
                )
            return view(request, *args, fmt=fmt, **kwargs)

        return wrapper

    return decorate


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open311:root")).rstrip("/")


@_methods("GET", "HEAD")
def discovery_view(request: HttpRequest, fmt: str) -> HttpResponse:
    data = {
        "changeset": CHANGESET,
        "contact": f"Hệ thống thông tin nguồn tỉnh — {settings.DEFAULT_FROM_EMAIL}",
        "key_service": "Quản trị hệ thống cấp api_key (lệnh: nguon feedback api-key create TÊN).",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _base_url(request),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(data, fmt, root="discovery")


def _service(category: FeedbackCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": False,
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


@_methods("GET", "HEAD")
def services_view(request: HttpRequest, fmt: str) -> HttpResponse:
    categories = FeedbackCategory.objects.filter(active=True).order_by("position", "name")
    return respond([_service(c) for c in categories], fmt, root="services")


@_methods("GET", "HEAD")
def service_definition_view(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    category = FeedbackCategory.objects.filter(code=service_code, active=True).first()
    if category is None:
        return errors(404, [f"Không có dịch vụ (service_code) {service_code!r}."], fmt)
    # No extra attributes: a service with metadata=false still has a valid (empty) definition.
    return respond({"service_code": category.code, "attributes": []}, fmt, root="service_definition")


def _service_notice(feedback: Feedback) -> str:
    return f"Hạn trả lời: {timezone.localtime(feedback.due_at):%d/%m/%Y}."


def request_data(request: HttpRequest, feedback: Feedback) -> dict[str, Any]:
    """One service request as GeoReport v2 lists it: never the sender's name, phone or e-mail."""
    answer = public.published_answer(feedback)
    latitude = feedback.latitude if feedback.latitude is not None else feedback.unit.latitude
    longitude = feedback.longitude if feedback.longitude is not None else feedback.unit.longitude
    data: dict[str, Any] = {
        "service_request_id": feedback.public_id,
        "status": "open" if feedback.status in OPEN_STATUSES else "closed",
        "status_notes": public.status_notes(feedback, answer),
        "service_name": feedback.category.name,
        "service_code": feedback.category.code,
        "description": public.public_title(feedback, answer),
        "agency_responsible": public.agency_responsible(feedback),
        "service_notice": _service_notice(feedback),
        "requested_datetime": feedback.received_at,
        "updated_datetime": feedback.updated_at,
        "expected_datetime": feedback.due_at,
        "address": public.public_address(feedback),
        "address_id": feedback.unit.code,
        "zipcode": None,
        "lat": latitude,
        "long": longitude,
    }
    files = public.public_attachments(feedback)
    if files:
        data["media_url"] = request.build_absolute_uri(
            reverse("open311:media", args=[feedback.public_id, files[0].pk])
        )
    return data


def _when(value: str, name: str, *, end: bool = False) -> datetime:
    """A W3C date-time (or a plain date: its start, or its end for ``end_date``) as an aware datetime."""
    value = value.strip().replace(" ", "+")  # an unencoded "+07:00" arrives as " 07:00"
    try:
        day = parse_date(value) if len(value) == 10 else None
        moment = parse_datetime(value) if day is None else None
    except ValueError:
        day = moment = None
    if day is not None:
        moment = datetime.combine(day, datetime.max.time() if end else datetime.min.time())
    if moment is None:
        raise ValueError(f"{name} không đúng định dạng W3C (ví dụ 2026-03-01T00:00:00+07:00).")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _list_filters(request: HttpRequest) -> dict[str, Any]:
    """Parse the standard filters; raise ValueError with every problem (Vietnamese)."""
    params = request.GET
    problems: list[str] = []
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    statuses = [s.strip().lower() for s in params.get("status", "").split(",") if s.strip()]
    if any(s not in ("open", "closed") for s in statuses):
        problems.append("status chỉ nhận open, closed.")
    start = end = None
    try:
        start = _when(params["start_date"], "start_date") if params.get("start_date") else None
    except ValueError as error:
        problems.append(str(error))
    try:
        end = _when(params["end_date"], "end_date", end=True) if params.get("end_date") else None
    except ValueError as error:
        problems.append(str(error))
    if not ids and not problems:
        if end is None:
            end = start + MAX_RANGE if start is not None else timezone.now()
        if start is None:
            start = end - MAX_RANGE
        if start > end:
            problems.append("start_date phải trước end_date.")
        elif end - start > MAX_RANGE:
            problems.append("Khoảng thời gian (start_date đến end_date) không được dài quá 90 ngày.")
    if problems:
        raise ValueError("\n".join(problems))
    return {
        "ids": ids[: public.MAX_RESULTS],
        "service_codes": codes,
        "start": start,
        "end": end,
        "statuses": statuses,
    }


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        filters = _list_filters(request)
    except ValueError as error:
        return errors(400, str(error).split("\n"), fmt)
    feedback = public.with_public_relations(public.requests_query(**filters))[: public.MAX_RESULTS]
    return respond([request_data(request, f) for f in feedback], fmt, root="service_requests")


def _field(request: HttpRequest, name: str) -> str:
    return str(request.POST.get(name, "")).strip()


class _BadRequestError(Exception):
    def __init__(self, status: int, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.status = status
        self.problems = problems


def _client(request: HttpRequest) -> ApiClient:
    key = _field(request, "api_key") or str(request.GET.get("api_key", "")).strip()
    if not key:
        raise _BadRequestError(403, ["Thiếu api_key."])
    client = clients.client_for_key(key)
    if client is None:
        raise _BadRequestError(403, ["api_key không hợp lệ hoặc đã bị thu hồi."])
    return client


def _submission(request: HttpRequest) -> FeedbackInput:
    """The request's fields as intake input; raise _BadRequestError naming every problem."""
    problems: list[str] = []
    code = _field(request, "service_code")
    category = FeedbackCategory.objects.filter(code=code, active=True).first() if code else None
    if category is None:
        problems.append(f"service_code: không có dịch vụ {code!r}." if code else "service_code: bắt buộc.")
    place = None
    try:
        place = location.resolve(
            address_id=_field(request, "address_id"),
            address_string=_field(request, "address_string"),
            lat=_field(request, "lat"),
            long=_field(request, "long"),
        )
    except location.LocationError as error:
        problems.append(f"location: {error}")
    idempotency = request.headers.get("Idempotency-Key", "") or _field(request, "nguon_idempotency_key")
    data = FeedbackInput(
        category=category,
        description=_field(request, "description"),
        unit=place.commune if place else None,
        address=_field(request, "address_string"),
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        reporter_name=" ".join(p for p in (_field(request, "first_name"), _field(request, "last_name")) if p),
        reporter_phone=_field(request, "phone"),
        reporter_email=_field(request, "email"),
        external_id=idempotency.strip()[:100],
    )
    try:
        clean(data)
    except ValidationError as error:
        reported = {"category"} if category is None else set()
        reported |= {"unit", "latitude", "longitude"} if place is None else set()
        problems += [
            f"{FIELD_NAMES.get(f, f)}: {m}"
            for f, messages in error.message_dict.items()
            if f not in reported
            for m in messages
        ]
    if problems:
        raise _BadRequestError(400, problems)
    return data


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    attributes = {
        k[len("attribute[") : -1].rstrip("]["): str(request.POST.get(k, ""))
        for k in request.POST
        if k.startswith("attribute[")
    }
    ip_address = client_ip(request) or ""
    try:
        client = _client(request)
        data = _submission(request)
        antiabuse.check_rate(
            ip_hash=antiabuse.keyed_hash(ip_address),
            phone_hash=antiabuse.keyed_hash(antiabuse.normalise_phone(data.reporter_phone)),
        )
        feedback = clients.submit_as_client(
            client=client,
            data=data,
            channel=Channel.OPEN311,
            ip_address=ip_address,
            media_url=_field(request, "media_url"),
            attributes=attributes,
        )
    except _BadRequestError as error:
        return errors(error.status, error.problems, fmt)
    except SubmissionRefusedError as refusal:
        headers = {"Retry_After": str(refusal.retry_after)} if refusal.retry_after else {}
        return errors(refusal.status, [refusal.message], fmt, **headers)
    except ValidationError as error:
        return errors(400, _messages(error), fmt)
    body = [
        {
            "service_request_id": feedback.public_id,
            "service_notice": _service_notice(feedback),
            "account_id": None,
        }
    ]
    return respond(body, fmt, root="service_requests")


#: Open311 names of intake fields, for error messages a client developer can act on.
FIELD_NAMES = {
    "category": "service_code",
    "unit": "address_id",
    "reporter_phone": "phone",
    "reporter_email": "email",
    "latitude": "lat",
    "longitude": "long",
}


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{FIELD_NAMES.get(f, f)}: {m}" for f, messages in error.message_dict.items() for m in messages
        ]
    return list(error.messages)


@csrf_exempt
@_methods("GET", "HEAD", "POST")
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _list(request, fmt)


@_methods("GET", "HEAD")
def request_view(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    queryset = public.with_public_relations(public.requests_query(ids=[service_request_id]))
    feedback = queryset.first()
    if feedback is None:
        return errors(404, [f"Không có phản ánh {service_request_id!r}."], fmt)
    return respond([request_data(request, feedback)], fmt, root="service_requests")


def root_view(request: HttpRequest) -> HttpResponse:
    """The endpoint's base URL: where the discovery document is."""
    return redirect("open311:discovery", fmt="json")


def media_view(request: HttpRequest, public_id: str, attachment_id: int) -> HttpResponseBase:
    """A photo or recording a handler allowed to be published (the ``media_url`` of a request)."""
    attachment = public.public_attachment(public_id, attachment_id)
    if attachment is None:
        return errors(404, ["Không có tệp công khai này."])
    response = blob_response(attachment.blob, attachment.name, download=False)
    response["Cache-Control"] = "public, max-age=3600"
    return response
