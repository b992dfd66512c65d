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
goes to another address. Classifying failures, waits and messages: ``nguon.core.central_http``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings

from nguon import __version__
from nguon.content.central_contract import origin_of
from nguon.core import central_http

USER_AGENT = f"Nguon-CentralFeedback/1 (Nguon {__version__})"
CONTRACT = "1"
WORDING = central_http.Wording(
    peer="Ứng dụng trung ương",
    token_setting="NGUON_CENTRAL_FEEDBACK_TOKEN",  # noqa: S106 — the name of a setting
    url_setting="NGUON_CENTRAL_FEEDBACK_URL",
    refused="không nhận cập nhật",
)


class CentralAppError(Exception):
    """The app could not be reached or refused the push (message in Vietnamese)."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable


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
        self._opener = central_http.build_opener()

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
                return central_http.post(
                    self._opener,
                    url,
                    data,
                    token=self._token,
                    idempotency_key=idempotency_key,
                    user_agent=USER_AGENT,
                    timeout=self.timeout,
                )
            except central_http.HttpCallError as error:
                failure = error
            if not failure.retryable:
                raise CentralAppError(central_http.describe(failure, WORDING), status=failure.status)
            if attempt == self.retries:
                break
            self.sleep(
                central_http.backoff_wait(
                    attempt, failure.retry_after, backoff=self.backoff, max_wait=self.max_wait
                )
            )
        raise CentralAppError(
            f"{central_http.describe(failure, WORDING)} (đã thử {self.retries + 1} lần)",
            status=failure.status,
            retryable=True,
        )
