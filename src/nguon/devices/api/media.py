"""Serving media files with HTTP Range (one range per request; devices resume interrupted downloads)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from nguon.content.models import MediaBlob

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class UnsatisfiableRangeError(ValueError):
    pass


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` inclusive for a single ``bytes=`` range; None to serve the whole file (no header,
    several ranges, another unit — all allowed by RFC 9110); raises for a range outside the file."""
    match = _RANGE.match(header.strip())
    if not header or match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # the last N bytes
        length = int(last_text)
        if length == 0:
            raise UnsatisfiableRangeError(header)
        return max(0, size - length), size - 1
    first = int(first_text)
    last = min(int(last_text), size - 1) if last_text else size - 1
    if first >= size or first > last:
        raise UnsatisfiableRangeError(header)
    return first, last


def _slice(handle: IO[bytes], first: int, last: int) -> Iterator[bytes]:
    try:
        handle.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def media_response(blob: MediaBlob, range_header: str) -> HttpResponse | StreamingHttpResponse:
    size = blob.size
    etag = f'"{blob.sha256}"'
    try:
        wanted = parse_range(range_header, size)
    except UnsatisfiableRangeError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle = default_storage.open(blob.file.name, "rb")
    full: FileResponse | StreamingHttpResponse
    if wanted is None:
        full = FileResponse(handle, content_type=blob.mime_type)
        full["Content-Length"] = str(size)
    else:
        first, last = wanted
        full = StreamingHttpResponse(_slice(handle, first, last), status=206, content_type=blob.mime_type)
        full["Content-Range"] = f"bytes {first}-{last}/{size}"
        full["Content-Length"] = str(last - first + 1)
    full["Accept-Ranges"] = "bytes"
    full["ETag"] = etag
    full["X-Content-SHA256"] = blob.sha256
    full["Cache-Control"] = "private, max-age=31536000, immutable"
    return full
