"""What a plug-in is: a format (item → payload for one API) and a transport (the call, and the answer read
as sent / retryable / permanent / rate limited), plus the settings and credentials it needs.

The HTTP transport refuses redirects (a token must never follow one to another host), sends the message's
idempotency key, and reads a ``Retry-After`` header. Error texts never contain credentials: the worker
also blanks any credential value that an answer might echo.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

from nguon import __version__
from nguon.core.central_http import NoRedirect, retry_after_seconds
from nguon.outbound.choices import Outcome
from nguon.outbound.formatting import OutboundItem

USER_AGENT = f"Nguon-Outbound/1 (Nguon {__version__})"
#: Header carrying the message's idempotency key on every HTTP plug-in.
IDEMPOTENCY_HEADER = "X-Nguon-Idempotency-Key"
MAX_ANSWER_BYTES = 256 * 1024


@dataclass(frozen=True)
class Result:
    """How one send ended."""

    outcome: str  # Outcome value (never IN_PROGRESS / INTERRUPTED)
    http_status: int | None = None
    external_id: str = ""
    error: str = ""
    retry_after: float | None = None  # seconds the destination asked us to wait
    token_rejected: bool = False  # the service refused the access token (invalid or expired)


@dataclass(frozen=True)
class TokenGrant:
    """A new access token from a refresh (``refresh_token`` empty: the service kept the old one)."""

    access_token: str
    refresh_token: str = ""
    expires_in: int | None = None  # seconds


@dataclass(frozen=True)
class Field:
    """One setting or credential a plug-in takes, with its Vietnamese label for the form."""

    name: str
    label: str
    required: bool = True
    help: str = ""


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    @property
    def retry_after(self) -> float | None:
        return retry_after_seconds(self.headers.get("retry-after"))


class TransportError(Exception):
    """The destination could not be reached (timeout, refused connection): always retryable."""


class Plugin:
    """Base of every plug-in; subclasses set the class attributes and implement :meth:`send`."""

    kind: ClassVar[str] = ""
    settings_fields: ClassVar[tuple[Field, ...]] = ()
    credential_fields: ClassVar[tuple[Field, ...]] = ()

    def validate(self, settings: dict[str, Any], credentials: dict[str, str]) -> dict[str, str]:
        """Vietnamese messages per field for settings that cannot work (empty when they are fine)."""
        errors: dict[str, str] = {}
        for f in self.settings_fields:
            if f.required and not str(settings.get(f.name, "")).strip():
                errors[f.name] = f"Thiếu “{f.label}”."
        for f in self.credential_fields:
            if f.required and not str(credentials.get(f.name, "")).strip():
                errors[f.name] = f"Thiếu “{f.label}”."
        return errors

    def send(
        self, item: OutboundItem, *, settings: dict[str, Any], credentials: dict[str, str], timeout: float
    ) -> Result:
        raise NotImplementedError

    def can_refresh(self, settings: dict[str, Any], credentials: dict[str, str]) -> bool:
        """Whether this destination's access token can be renewed without a person."""
        return False

    def refresh(
        self, *, settings: dict[str, Any], credentials: dict[str, str], timeout: float
    ) -> TokenGrant | Result:
        """Renew the access token (a :class:`Result` says why it could not be)."""
        raise NotImplementedError


def url_problem(value: str, *, label: str) -> str | None:
    """Why ``value`` cannot be used as an address to send to (https, or http to this machine only)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"“{label}” phải là địa chỉ bắt đầu bằng https://."
    if parts.scheme == "http" and not _is_local(parts.hostname):
        return f"“{label}” phải dùng https:// (http:// chỉ dùng được với máy này, để thử nghiệm)."
    return None


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def http_call(
    method: str, url: str, *, headers: dict[str, str], body: bytes | None, timeout: float
) -> HttpAnswer:
    """One HTTP request without following redirects; any status comes back as an answer."""
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked by url_problem on save
        url, data=body, method=method, headers={"User-Agent": USER_AGENT, **headers}
    )
    opener = urllib.request.build_opener(NoRedirect())
    try:
        with opener.open(request, timeout=timeout) as response:
            return HttpAnswer(
                int(response.status),
                {k.lower(): v for k, v in response.headers.items()},
                response.read(MAX_ANSWER_BYTES),
            )
    except urllib.error.HTTPError as error:
        try:
            return HttpAnswer(
                error.code, {k.lower(): v for k, v in error.headers.items()}, error.read(MAX_ANSWER_BYTES)
            )
        finally:
            error.close()
    except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise TransportError("Hết thời gian chờ bên nhận trả lời") from None
        raise TransportError(f"Không kết nối được bên nhận ({reason})") from None


def classify(answer: HttpAnswer, *, who: str) -> Result | None:
    """The outcome of a non-2xx answer (None for 2xx: the plug-in reads the body)."""
    status = answer.status
    if 200 <= status < 300:
        return None
    snippet = answer.body[:300].decode("utf-8", "replace").strip()
    detail = f": {snippet}" if snippet else ""
    if status == 429:
        return Result(
            Outcome.RATE_LIMITED,
            status,
            error=f"{who} giới hạn tần suất gửi (HTTP 429)",
            retry_after=answer.retry_after,
        )
    if status >= 500 or status == 408:
        return Result(
            Outcome.RETRYABLE,
            status,
            error=f"{who} đang lỗi hoặc quá tải (HTTP {status}){detail}",
            retry_after=answer.retry_after,
        )
    if 300 <= status < 400:
        return Result(
            Outcome.PERMANENT,
            status,
            error=f"{who} chuyển hướng (HTTP {status}); Nguồn không đi theo chuyển hướng.",
        )
    if status in (401, 403):
        return Result(
            Outcome.PERMANENT, status, error=f"{who} từ chối thông tin xác thực (HTTP {status}){detail}"
        )
    return Result(Outcome.PERMANENT, status, error=f"{who} không nhận tin (HTTP {status}){detail}")


def post_form(url: str, fields: dict[str, str], *, headers: dict[str, str], timeout: float) -> HttpAnswer:
    body = urlencode(fields).encode("ascii")
    return http_call(
        "POST",
        url,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            **headers,
        },
        body=body,
        timeout=timeout,
    )


def post_json(
    url: str, payload: Any, *, headers: dict[str, str], timeout: float, method: str = "POST"
) -> HttpAnswer:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return http_call(
        method,
        url,
        headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json", **headers},
        body=body,
        timeout=timeout,
    )
