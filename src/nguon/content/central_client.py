"""Pulling from the central source system over HTTP (contract v1, docs/integrations/central.md).

Request (what Nguồn sends):

    GET {NGUON_CENTRAL_URL}/v1/bulletins?since={cursor}&limit={n}      (no ``since`` on the first pull)
    Authorization: Bearer {NGUON_CENTRAL_TOKEN}
    Accept: application/json
    User-Agent: Nguon-Central/1

Response: 200, ``application/json``, ``{"contract": "1", "items": [...], "next": "<cursor>" | null}``.

Timeouts, connection errors, 5xx and 429 are retried with exponential backoff (``Retry-After`` is honoured,
capped); other 4xx are not. Redirects are refused, so the token is never sent to another address. A
body that is not JSON, or speaks another major version of the contract, is refused with a clear error.
Attachments are downloaded with the same token, from the same origin only, within a size limit.
Classifying failures, waits and messages: ``nguon.core.central_http``.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings

from nguon import __version__
from nguon.content.central_contract import AttachmentRef, ContractVersionError, check_contract, origin_of
from nguon.core import central_http
from nguon.core.central_http import HttpCallError, NoRedirect, retry_after_seconds

__all__ = ["CentralClient", "CentralError", "NoRedirect", "retry_after_seconds"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_CURSOR = 500
CHUNK = 64 * 1024
USER_AGENT = f"Nguon-Central/1 (Nguon {__version__})"
WORDING = central_http.Wording(
    peer="Hệ thống trung ương",
    token_setting="NGUON_CENTRAL_TOKEN",  # noqa: S106 — the name of a setting
    url_setting="NGUON_CENTRAL_URL",
    refused="không nhận yêu cầu",
)

T = TypeVar("T")
#: Opens one file's bytes for reading.
Opener = Callable[[], IO[bytes]]


class CentralError(Exception):
    """The central system could not be reached or answered something unusable (message in Vietnamese)."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable


class AttachmentFetchError(CentralError):
    """An attachment could not be fetched or did not match; ``index`` is its place in the item."""

    def __init__(self, error: CentralError, *, index: int) -> None:
        super().__init__(error.message, status=error.status, retryable=error.retryable)
        self.index = index


class FileUpload:
    """A file under a name, read in chunks: the shape :func:`attachments.add_attachment` takes."""

    def __init__(self, opener: Opener, name: str) -> None:
        self.opener = opener
        self.name: str | None = name

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        with self.opener() as handle:
            while chunk := handle.read(chunk_size or CHUNK):
                yield chunk


@dataclass(frozen=True)
class Page:
    """One page of the feed: the contract version it speaks, raw items (parsed later), the next cursor."""

    contract: str
    items: list[Any]
    next: str | None


class CentralClient:
    """HTTP client of the central feed; ``sleep`` is injectable so tests do not wait."""

    def __init__(
        self,
        *,
        url: str,
        token: str,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        origin = origin_of(url)
        if origin is None:
            raise CentralError("Địa chỉ hệ thống trung ương phải bắt đầu bằng https:// (hoặc http://).")
        self.url, self.origin = url.rstrip("/"), origin
        self._token = token
        self.timeout, self.retries, self.backoff, self.max_wait = timeout, retries, backoff, max_wait
        self.sleep = sleep
        self._opener = central_http.build_opener()

    def __repr__(self) -> str:  # never show the token
        return f"CentralClient(url={self.url!r})"

    @classmethod
    def from_settings(cls) -> CentralClient:
        url: str = settings.NGUON_CENTRAL_URL
        token: str = settings.NGUON_CENTRAL_TOKEN
        if not url or not token:
            raise CentralError(
                "Chưa cấu hình kết nối hệ thống trung ương (NGUON_CENTRAL_URL và NGUON_CENTRAL_TOKEN)."
            )
        return cls(url=url, token=token)

    # -- the feed --------------------------------------------------------------------------------------

    def page_url(self, *, since: str, limit: int) -> str:
        params: dict[str, str | int] = {"since": since} if since else {}
        params["limit"] = max(1, min(limit, MAX_LIMIT))
        return f"{self.url}/v1/bulletins?{urlencode(params)}"

    def fetch_page(self, *, since: str = "", limit: int = DEFAULT_LIMIT) -> Page:
        """One page after ``since`` (the start of the feed when empty); raises :class:`CentralError`."""
        url = self.page_url(since=since, limit=limit)
        kind, body = self._with_retries(lambda: self._get_json(url))
        if kind != "application/json" and not kind.endswith("+json"):
            raise CentralError(f"Hệ thống trung ương trả về dữ liệu không phải JSON ({kind or 'không rõ'}).")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise CentralError("Hệ thống trung ương trả về JSON hỏng (không đọc được).") from None
        if not isinstance(data, dict):
            raise CentralError("Hệ thống trung ương trả về JSON không đúng hợp đồng (cần một đối tượng).")
        try:
            contract = check_contract(data.get("contract"))
        except ContractVersionError as error:
            raise CentralError(f"Hệ thống trung ương: {error.message}") from None
        items, cursor = data.get("items"), data.get("next")
        if not isinstance(items, list):
            raise CentralError('Hệ thống trung ương trả về trang thiếu danh sách "items".')
        if cursor is not None and (not isinstance(cursor, str) or not 0 < len(cursor) <= MAX_CURSOR):
            raise CentralError(f'Trường "next" phải là chuỗi 1–{MAX_CURSOR} ký tự hoặc null.')
        return Page(contract=contract, items=items, next=cursor)

    def download(self, url: str, *, into: IO[bytes], max_bytes: int) -> int:
        """Write the file at ``url`` (same origin as the feed only) into ``into``; return its size."""
        if origin_of(url) != self.origin:
            raise CentralError(f"Không tải tệp từ địa chỉ ngoài hệ thống trung ương ({self.origin}).")

        def once() -> int:
            into.seek(0)
            into.truncate()
            with self._open(url, accept="*/*") as response:
                size = 0
                while chunk := response.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise CentralError(f"Tệp đính kèm lớn hơn {max_bytes} byte đã khai báo.")
                    into.write(chunk)
            into.flush()
            return size

        return self._with_retries(once)

    def download_verified(self, url: str, *, path: Path, size: int, sha256: str) -> None:
        """Download an attachment into ``path`` and check it has exactly the declared size and hash."""
        with path.open("wb") as handle:
            got = self.download(url, into=handle, max_bytes=size)
        if got != size:
            raise CentralError(f"Tệp tải về có {got} byte, khác dung lượng đã khai báo ({size}).")
        with path.open("rb") as handle:
            if hashlib.file_digest(handle, "sha256").hexdigest() != sha256:
                raise CentralError("Mã SHA-256 của tệp tải về không khớp mã đã khai báo.")

    @contextmanager
    def attachments(
        self, refs: Sequence[AttachmentRef], *, stored: Callable[[str], Opener | None]
    ) -> Iterator[dict[str, Opener]]:
        """Openers of the files of ``refs`` by SHA-256: bytes ``stored`` already are reused, the others
        downloaded (and checked) into a temporary folder that is removed when the block ends. Every
        download happens before the block starts; a failure raises :class:`AttachmentFetchError`."""
        with tempfile.TemporaryDirectory(prefix="nguon-central-") as folder:
            openers: dict[str, Opener] = {}
            for index, ref in enumerate(refs):
                if ref.sha256 in openers:
                    continue
                reuse = stored(ref.sha256)
                if reuse is None:
                    path = Path(folder) / f"{index}.bin"
                    try:
                        self.download_verified(ref.url, path=path, size=ref.size, sha256=ref.sha256)
                    except CentralError as error:
                        raise AttachmentFetchError(error, index=index) from None
                    reuse = _opener(path)
                openers[ref.sha256] = reuse
            yield openers

    # -- transport -------------------------------------------------------------------------------------

    def _get_json(self, url: str) -> tuple[str, bytes]:
        with self._open(url, accept="application/json") as response:
            kind = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
            body: bytes = response.read(MAX_PAGE_BYTES + 1)
        if len(body) > MAX_PAGE_BYTES:
            raise CentralError(f"Trang dữ liệu từ trung ương lớn hơn {MAX_PAGE_BYTES // (1024 * 1024)} MB.")
        return kind, body

    def _open(self, url: str, *, accept: str) -> Any:
        request = urllib.request.Request(  # noqa: S310 - scheme checked by origin_of in __init__/download
            url,
            method="GET",
            headers={"Authorization": f"Bearer {self._token}", "Accept": accept, "User-Agent": USER_AGENT},
        )
        try:
            return central_http.open_url(self._opener, request, timeout=self.timeout)
        except HttpCallError as failure:
            if not failure.retryable:
                raise CentralError(central_http.describe(failure, WORDING), status=failure.status) from None
            raise

    def _with_retries(self, once: Callable[[], T]) -> T:
        for attempt in range(self.retries + 1):
            try:
                return once()
            except (TimeoutError, http.client.HTTPException, ConnectionError) as error:  # while reading
                failure = central_http.from_connection_error(error)
            except HttpCallError as error:  # only retryable ones get here (see _open)
                failure = error
            if attempt == self.retries:
                break
            self.sleep(
                central_http.backoff_wait(
                    attempt, failure.retry_after, backoff=self.backoff, max_wait=self.max_wait
                )
            )
        raise CentralError(
            f"{central_http.describe(failure, WORDING)} (đã thử {self.retries + 1} lần)",
            status=failure.status,
            retryable=True,
        )


def _opener(path: Path) -> Opener:
    return lambda: path.open("rb")
