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
never goes to another address. Classifying failures, waits and messages: ``nguon.core.central_http``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from nguon import __version__
from nguon.centralsync.choices import Outcome
from nguon.content.central_contract import origin_of
from nguon.core import central_http
from nguon.core.central_http import HttpCallError

USER_AGENT = f"Nguon-CentralSync/1 (Nguon {__version__})"
WORDING = central_http.Wording(
    peer="Hệ thống trung ương",
    token_setting="NGUON_CENTRAL_SYNC_TOKEN",  # noqa: S106 — the name of a setting
    url_setting="NGUON_CENTRAL_SYNC_URL",
    refused="không nhận lô dữ liệu",
    quote_answer=True,
)


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
        self._opener = central_http.build_opener()

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
        jitter = self.jitter() if retry_after is None else 0.0
        return central_http.backoff_wait(
            attempt, retry_after, backoff=self.backoff, max_wait=self.max_wait, jitter=jitter
        )

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
                status = central_http.post(
                    self._opener,
                    url,
                    body,
                    token=self._token,
                    idempotency_key=idempotency_key,
                    user_agent=USER_AGENT,
                    timeout=self.timeout,
                )
            except HttpCallError as failure:
                last_try = number == self.retries + 1 or not failure.retryable
                message = central_http.describe(failure, WORDING)
                on_attempt(
                    Attempt(
                        number=number,
                        status=failure.status,
                        outcome=Outcome.FAILED if last_try else Outcome.RETRY,
                        error=message,
                        started_at=started,
                        finished_at=timezone.now(),
                    )
                )
                if not failure.retryable:
                    raise SyncError(message, status=failure.status) from None
                if last_try:
                    raise SyncError(
                        f"{message} (đã thử {number} lần)", status=failure.status, retryable=True
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


def central_message(raw: bytes) -> str:
    """The central system's own explanation in an error answer (see ``HttpCallError.said``)."""
    return HttpCallError(status=400, answer=raw).said()
