"""HTTP calls to the central systems, shared by every client that makes them: the central feed
(``content.central_client``), the upward sync (``centralsync.client``) and the national feedback app
(``feedback.central_app``).

What is the same for all of them lives here: redirects are refused (urllib would follow one to any host
with the ``Authorization`` header), a failure is classified once (:class:`HttpCallError`: no answer, a
time-out, or an HTTP status with its ``Retry-After`` and the start of its body), which failures are worth
retrying (no answer, 5xx, 429), how long to wait before a retry, and the wording of the Vietnamese
messages. Each client keeps its own URLs, headers, retry loop and error class.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MAX_MESSAGE = 300
MAX_ANSWER_BYTES = 64 * 1024


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """urllib would follow a redirect to any host with the Authorization header; refuse instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def build_opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(NoRedirect())


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_wait(
    attempt: int, retry_after: float | None, *, backoff: float, max_wait: float, jitter: float = 0.0
) -> float:
    """Seconds before retry number ``attempt`` (0-based): the server's ``Retry-After`` when it gave one,
    else ``backoff · 2^attempt`` plus ``jitter`` (0–1) times a quarter of that; never above ``max_wait``."""
    if retry_after is not None:
        return min(retry_after, max_wait)
    return min(backoff * 2.0**attempt * (1 + 0.25 * jitter), max_wait)


@dataclass
class HttpCallError(Exception):
    """A call that did not get a 2xx: no answer (``status`` None, ``reason`` says why), or an answer."""

    status: int | None = None
    reason: str = ""
    timed_out: bool = False
    retry_after: float | None = None
    answer: bytes = b""

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status >= 500 or self.status == 429

    def said(self) -> str:
        """The server's own explanation: ``error.message``, ``message`` or ``detail`` of a JSON body,
        else the start of the text."""
        text = self.answer.decode("utf-8", errors="replace").strip()
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return text[:MAX_MESSAGE]
        if isinstance(data, dict):
            inner = data.get("error")
            for candidate in (
                inner.get("message") if isinstance(inner, dict) else inner,
                data.get("message"),
            ):
                if isinstance(candidate, str) and candidate.strip():
                    return candidate.strip()[:MAX_MESSAGE]
            if isinstance(data.get("detail"), str):
                return str(data["detail"])[:MAX_MESSAGE]
        return text[:MAX_MESSAGE]


def from_http_error(error: urllib.error.HTTPError, *, read_answer: bool = True) -> HttpCallError:
    """The failure of an answer with a non-2xx status (the error is closed)."""
    try:
        answer = b""
        if read_answer:
            try:
                answer = error.read(16 * 1024)
            except (OSError, http.client.HTTPException):
                answer = b""
        return HttpCallError(
            status=error.code,
            retry_after=retry_after_seconds(error.headers.get("Retry-After")),
            answer=answer,
        )
    finally:
        error.close()


def from_connection_error(error: BaseException) -> HttpCallError:
    """The failure of a call that got no answer (time-out, refused connection, broken stream)."""
    reason = getattr(error, "reason", error)
    return HttpCallError(
        reason=str(reason), timed_out=isinstance(reason, TimeoutError) or "timed out" in str(reason)
    )


#: What can go wrong before an answer arrives (and while reading one).
CONNECTION_ERRORS = (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError)


def open_url(
    opener: urllib.request.OpenerDirector, request: urllib.request.Request, *, timeout: float
) -> Any:
    """Open ``request``; return the response (a 2xx), or raise :class:`HttpCallError`."""
    try:
        return opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        raise from_http_error(error) from None
    except CONNECTION_ERRORS as error:
        raise from_connection_error(error) from None


def post(
    opener: urllib.request.OpenerDirector,
    url: str,
    body: bytes,
    *,
    token: str,
    idempotency_key: str,
    user_agent: str,
    timeout: float,
) -> int:
    """POST a JSON ``body`` with the bearer ``token`` and an ``Idempotency-Key``; return the 2xx status
    (the answer's body is read and dropped), or raise :class:`HttpCallError`."""
    request = urllib.request.Request(  # noqa: S310 - every caller checks the scheme with origin_of
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": idempotency_key,
            "User-Agent": user_agent,
        },
    )
    response = open_url(opener, request, timeout=timeout)
    try:
        with response:
            response.read(MAX_ANSWER_BYTES)
            return int(response.status)
    except CONNECTION_ERRORS as error:
        raise from_connection_error(error) from None


@dataclass(frozen=True)
class Wording:
    """How one client names its peer and settings in the messages of :func:`describe`."""

    peer: str  # "Hệ thống trung ương", "Ứng dụng trung ương"
    token_setting: str  # the setting to check when the token is refused
    url_setting: str  # the setting to check on a redirect or a 404
    refused: str  # "không nhận yêu cầu", "không nhận lô dữ liệu", …
    quote_answer: bool = False  # append the peer's own explanation to 4xx/5xx messages


def describe(failure: HttpCallError, wording: Wording) -> str:
    """The Vietnamese message for ``failure``."""
    peer, status = wording.peer, failure.status
    if status is None:
        if failure.timed_out:
            return f"Hết thời gian chờ {peer.lower()} trả lời"
        return f"Không kết nối được {peer.lower()} ({failure.reason})"
    said = failure.said() if wording.quote_answer else ""
    suffix = f": {said}" if said else ""
    if 300 <= status < 400:
        message = (
            f"{peer} chuyển hướng (HTTP {status}); Nguồn không đi theo chuyển hướng để không gửi mã truy cập "
            f"tới địa chỉ khác. Kiểm tra {wording.url_setting}."
        )
    elif status >= 500 or status == 429:
        message = f"{peer} đang lỗi hoặc quá tải (HTTP {status}){suffix}"
    elif status in (401, 403):
        message = f"{peer} từ chối mã truy cập (HTTP {status}); kiểm tra {wording.token_setting}{suffix}."
    elif status == 404:
        message = (
            f"Không tìm thấy địa chỉ trên {peer.lower()} (HTTP 404); kiểm tra {wording.url_setting}{suffix}."
        )
    else:
        message = f"{peer} {wording.refused} (HTTP {status}){suffix}."
    return message
