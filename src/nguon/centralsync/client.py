"""Pushing batches up to the central system over HTTP (contract v1, docs/integrations/central-sync.md).

Request (one per batch, and again on each retry of that batch):

    POST {NGUON_CENTRAL_SYNC_URL}/v1/datasets/{dataset}/batches
    Authorization: Bearer {NGUON_CENTRAL_SYNC_TOKEN, else NGUON_CENTRAL_TOKEN}
    Content-Type: application/json; charset=utf-8
    Accept: application/json
    Idempotency-Key: {dataset}:{batch_id}          (the same on every retry of the same batch)
    User-Agent: Nguon-CentralSync/1 (Nguon x.y)

The central system answers 2xx when it has stored the batch (or had stored it already). Timeouts,
connection errors, 5xx and 429 are retried with exponential backoff and jitter (``Retry-After`` honoured,
capped); other 4xx are not, and the central system's message is kept. Redirects are refused, so the token
never goes to another address. The house pattern is ``nguon.content.central_client``.
"""

from __future__ import annotations

import http.client
import json
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from nguon import __version__
from nguon.centralsync.choices import Outcome
from nguon.content.central_client import NoRedirect, retry_after_seconds
from nguon.content.central_contract import origin_of

USER_AGENT = f"Nguon-CentralSync/1 (Nguon {__version__})"
MAX_MESSAGE = 300


class SyncError(Exception):
    """A batch the central system did not accept (message in Vietnamese)."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable


@dataclass(frozen=True)
class Attempt:
    """One HTTP exchange of a batch, as the log records it."""

    number: int
    status: int | None
    outcome: str
    error: str
    started_at: datetime
    finished_at: datetime

    @property
    def duration_ms(self) -> int:
        return max(0, int((self.finished_at - self.started_at).total_seconds() * 1000))


class _FailureError(Exception):
    def __init__(
        self, message: str, *, status: int | None = None, retryable: bool, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.message, self.status, self.retryable, self.retry_after = message, status, retryable, retry_after


def configured_url() -> str:
    return str(getattr(settings, "NGUON_CENTRAL_SYNC_URL", "") or "").rstrip("/")


def configured_token() -> str:
    return str(getattr(settings, "NGUON_CENTRAL_SYNC_TOKEN", "") or settings.NGUON_CENTRAL_TOKEN or "")


class SyncClient:
    """HTTP client of the central system's batch endpoint; ``sleep`` and ``jitter`` are injectable so tests
    neither wait nor guess."""

    def __init__(
        self,
        *,
        url: str,
        token: str,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if origin_of(url) is None:
            raise SyncError("Địa chỉ hệ thống trung ương phải bắt đầu bằng https:// (hoặc http://).")
        self.url = url.rstrip("/")
        self._token = token
        self.timeout, self.retries, self.backoff, self.max_wait = timeout, retries, backoff, max_wait
        self.sleep, self.jitter = sleep, jitter
        self._opener = urllib.request.build_opener(NoRedirect())

    def __repr__(self) -> str:  # never show the token
        return f"SyncClient(url={self.url!r})"

    @classmethod
    def from_settings(cls, **options: Any) -> SyncClient:
        url, token = configured_url(), configured_token()
        if not url or not token:
            raise SyncError(
                "Chưa cấu hình kết nối đồng bộ lên trung ương "
                "(NGUON_CENTRAL_SYNC_URL và NGUON_CENTRAL_SYNC_TOKEN hoặc NGUON_CENTRAL_TOKEN)."
            )
        return cls(url=url, token=token, **options)

    def batch_url(self, dataset: str) -> str:
        return f"{self.url}/v1/datasets/{quote(dataset, safe='')}/batches"

    def wait_before(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based): the server's ``Retry-After`` when it
        gave one, else ``backoff · 2^attempt`` plus up to 25 % jitter; never more than ``max_wait``."""
        if retry_after is not None:
            return min(retry_after, self.max_wait)
        base = self.backoff * 2.0**attempt
        return min(base * (1 + 0.25 * self.jitter()), self.max_wait)

    def send(
        self,
        dataset: str,
        body: bytes,
        *,
        idempotency_key: str,
        on_attempt: Callable[[Attempt], None] = lambda attempt: None,
    ) -> int:
        """POST one batch (``body`` is the encoded envelope); return the 2xx status, or raise
        :class:`SyncError`. ``on_attempt`` is called after every exchange (for the log)."""
        url = self.batch_url(dataset)
        for number in range(1, self.retries + 2):
            started = timezone.now()
            try:
                status = self._post(url, body, idempotency_key)
            except _FailureError as failure:
                last_try = number == self.retries + 1 or not failure.retryable
                on_attempt(
                    Attempt(
                        number=number,
                        status=failure.status,
                        outcome=Outcome.FAILED if last_try else Outcome.RETRY,
                        error=failure.message,
                        started_at=started,
                        finished_at=timezone.now(),
                    )
                )
                if not failure.retryable:
                    raise SyncError(failure.message, status=failure.status) from None
                if last_try:
                    raise SyncError(
                        f"{failure.message} (đã thử {number} lần)", status=failure.status, retryable=True
                    ) from None
                self.sleep(self.wait_before(number - 1, failure.retry_after))
                continue
            on_attempt(
                Attempt(
                    number=number,
                    status=status,
                    outcome=Outcome.ACCEPTED,
                    error="",
                    started_at=started,
                    finished_at=timezone.now(),
                )
            )
            return status
        raise AssertionError("unreachable")  # pragma: no cover

    def _post(self, url: str, body: bytes, idempotency_key: str) -> int:
        request = urllib.request.Request(  # noqa: S310 - scheme checked by origin_of in __init__
            url,
            data=body,
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
                raise _failure_of(error) from None
            finally:
                error.close()
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise _FailureError("Hết thời gian chờ hệ thống trung ương trả lời", retryable=True) from None
            raise _FailureError(
                f"Không kết nối được hệ thống trung ương ({reason})", retryable=True
            ) from None


def central_message(raw: bytes) -> str:
    """The central system's own explanation in an error answer: ``error.message``, ``message`` or
    ``detail`` of a JSON body, else the start of the text."""
    text = raw.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return text[:MAX_MESSAGE]
    if isinstance(data, dict):
        inner = data.get("error")
        for candidate in (inner.get("message") if isinstance(inner, dict) else inner, data.get("message")):
            if isinstance(candidate, str) and candidate.strip():
                return candidate.strip()[:MAX_MESSAGE]
        if isinstance(data.get("detail"), str):
            return str(data["detail"])[:MAX_MESSAGE]
    return text[:MAX_MESSAGE]


def _failure_of(error: urllib.error.HTTPError) -> _FailureError:
    status = error.code
    try:
        said = central_message(error.read(16 * 1024))
    except (OSError, http.client.HTTPException):
        said = ""
    suffix = f": {said}" if said else ""
    if status >= 500 or status == 429:
        return _FailureError(
            f"Hệ thống trung ương đang lỗi hoặc quá tải (HTTP {status}){suffix}",
            status=status,
            retryable=True,
            retry_after=retry_after_seconds(error.headers.get("Retry-After")),
        )
    if status in (401, 403):
        return _FailureError(
            f"Hệ thống trung ương từ chối mã truy cập (HTTP {status}); kiểm tra NGUON_CENTRAL_SYNC_TOKEN"
            f"{suffix}",
            status=status,
            retryable=False,
        )
    if 300 <= status < 400:
        return _FailureError(
            f"Hệ thống trung ương chuyển hướng (HTTP {status}); Nguồn không đi theo chuyển hướng để không "
            "gửi mã truy cập tới địa chỉ khác. Kiểm tra NGUON_CENTRAL_SYNC_URL.",
            status=status,
            retryable=False,
        )
    return _FailureError(
        f"Hệ thống trung ương không nhận lô dữ liệu (HTTP {status}){suffix}", status=status, retryable=False
    )
