"""Pushing status and answers back to the national mobile app (docs/integrations/central-feedback.md).

Request (what Nguồn sends, one per change of a feedback the app sent us):

    POST {NGUON_CENTRAL_FEEDBACK_URL}/v1/feedback/{app id}/status
    Authorization: Bearer {NGUON_CENTRAL_FEEDBACK_TOKEN, else NGUON_CENTRAL_TOKEN}
    Content-Type: application/json; charset=utf-8
    Idempotency-Key: {public_id}:{fingerprint of the body}
    User-Agent: Nguon-CentralFeedback/1

Body: ``{"contract": "1", "id": ..., "nguon_id": ..., "status": ..., "open311_status": ..., ...}``.
The app answers 2xx (any body). Timeouts, connection errors, 5xx and 429 are retried with exponential
backoff (``Retry-After`` honoured, capped); other 4xx are not. Redirects are refused, so the token never
goes to another address. The house pattern is ``nguon.content.central_client``.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, NoReturn
from urllib.parse import quote

from django.conf import settings

from nguon import __version__
from nguon.content.central_client import NoRedirect, retry_after_seconds
from nguon.content.central_contract import origin_of

USER_AGENT = f"Nguon-CentralFeedback/1 (Nguon {__version__})"
CONTRACT = "1"


class CentralAppError(Exception):
    """The app could not be reached or refused the push (message in Vietnamese)."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable


class _RetryError(Exception):
    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.retry_after = message, status, retry_after


def configured_url() -> str:
    return str(settings.NGUON_CENTRAL_FEEDBACK_URL).rstrip("/")


class CentralAppClient:
    """HTTP client of the app's status endpoint; ``sleep`` is injectable so tests do not wait."""

    def __init__(
        self,
        *,
        url: str,
        token: str,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if origin_of(url) is None:
            raise CentralAppError("Địa chỉ ứng dụng trung ương phải bắt đầu bằng https:// (hoặc http://).")
        self.url = url.rstrip("/")
        self._token = token
        self.timeout, self.retries, self.backoff, self.max_wait = timeout, retries, backoff, max_wait
        self.sleep = sleep
        self._opener = urllib.request.build_opener(NoRedirect())

    def __repr__(self) -> str:  # never show the token
        return f"CentralAppClient(url={self.url!r})"

    @classmethod
    def from_settings(cls) -> CentralAppClient:
        url = configured_url()
        token = str(settings.NGUON_CENTRAL_FEEDBACK_TOKEN or settings.NGUON_CENTRAL_TOKEN)
        if not url or not token:
            raise CentralAppError(
                "Chưa cấu hình kết nối ứng dụng phản ánh trung ương "
                "(NGUON_CENTRAL_FEEDBACK_URL và NGUON_CENTRAL_FEEDBACK_TOKEN hoặc NGUON_CENTRAL_TOKEN)."
            )
        return cls(url=url, token=token)

    def status_url(self, external_id: str) -> str:
        return f"{self.url}/v1/feedback/{quote(external_id, safe='')}/status"

    def push_status(self, external_id: str, body: dict[str, Any], *, idempotency_key: str) -> int:
        """POST one status document; return the HTTP status (2xx) or raise :class:`CentralAppError`."""
        data = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
        url = self.status_url(external_id)
        for attempt in range(self.retries + 1):
            try:
                return self._post(url, data, idempotency_key)
            except _RetryError as error:
                failure = error
            if attempt == self.retries:
                break
            wait = failure.retry_after if failure.retry_after is not None else self.backoff * 2**attempt
            self.sleep(min(wait, self.max_wait))
        raise CentralAppError(
            f"{failure.message} (đã thử {self.retries + 1} lần)", status=failure.status, retryable=True
        )

    def _post(self, url: str, data: bytes, idempotency_key: str) -> int:
        request = urllib.request.Request(  # noqa: S310 - scheme checked by origin_of in __init__
            url,
            data=data,
            method="POST",
            headers={
                "Authorization": f"Bearer {self._token}",
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Idempotency-Key": idempotency_key,
                "User-Agent": USER_AGENT,
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read(64 * 1024)
                return int(response.status)
        except urllib.error.HTTPError as error:
            try:
                _raise_for_status(error)
            finally:
                error.close()
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise _RetryError("Hết thời gian chờ ứng dụng trung ương trả lời") from None
            raise _RetryError(f"Không kết nối được ứng dụng trung ương ({reason})") from None


def _raise_for_status(error: urllib.error.HTTPError) -> NoReturn:
    status = error.code
    if status >= 500 or status == 429:
        raise _RetryError(
            f"Ứng dụng trung ương đang lỗi hoặc quá tải (HTTP {status})",
            status=status,
            retry_after=retry_after_seconds(error.headers.get("Retry-After")),
        )
    if status in (401, 403):
        raise CentralAppError(
            f"Ứng dụng trung ương từ chối mã truy cập (HTTP {status}); kiểm tra NGUON_CENTRAL_FEEDBACK_TOKEN.",
            status=status,
        )
    if 300 <= status < 400:
        raise CentralAppError(
            f"Ứng dụng trung ương chuyển hướng (HTTP {status}); Nguồn không đi theo chuyển hướng.",
            status=status,
        )
    raise CentralAppError(f"Ứng dụng trung ương không nhận cập nhật (HTTP {status}).", status=status)
