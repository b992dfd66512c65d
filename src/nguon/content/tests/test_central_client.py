"""The pull client against a fake central system: the exact request, retries, and refusals."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nguon.content.central_client import CentralClient, CentralError, retry_after_seconds
from nguon.content.tests import central_fake
from nguon.content.tests.central_fake import PULL_TOKEN, FakeCentral, Reply, item


@pytest.fixture
def fake() -> Iterator[FakeCentral]:
    with central_fake.running() as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


def _client(fake: FakeCentral, sleeps: list[float], **options: float) -> CentralClient:
    return CentralClient(url=fake.url, token=PULL_TOKEN, sleep=sleeps.append, **options)  # type: ignore[arg-type]


def test_the_request_nguon_sends(fake: FakeCentral, sleeps: list[float]) -> None:
    fake.feed([item("A")], [item("B")])
    client = _client(fake, sleeps)
    first = client.fetch_page(since="", limit=25)
    second = client.fetch_page(since="c1", limit=500)
    assert [r.path for r in fake.requests] == ["/v1/bulletins", "/v1/bulletins"]
    assert fake.requests[0].query == {"limit": "25"}  # no cursor yet: the start of the feed
    assert fake.requests[1].query == {"since": "c1", "limit": "200"}  # limit capped
    headers = fake.requests[0].headers
    assert headers["Authorization"] == f"Bearer {PULL_TOKEN}"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith("Nguon-Central/1")
    assert fake.requests[0].method == "GET"
    assert first.contract == "1"
    assert [i["external_id"] for i in first.items] == ["A"]
    assert first.next == "c1"
    assert second.next == "c2"
    assert sleeps == []
    assert PULL_TOKEN not in repr(client)


def test_server_errors_are_retried_with_exponential_backoff(fake: FakeCentral, sleeps: list[float]) -> None:
    fake.feed([item("A")])
    fake.script = [Reply(status=500), Reply(status=502), Reply(status=503)]
    page = _client(fake, sleeps, retries=3, backoff=0.5).fetch_page()
    assert [i["external_id"] for i in page.items] == ["A"]
    assert sleeps == [0.5, 1.0, 2.0]
    assert len(fake.feed_requests) == 4


def test_retry_after_is_honoured_within_a_cap(fake: FakeCentral, sleeps: list[float]) -> None:
    fake.feed([])
    fake.script = [
        Reply(status=503, headers={"Retry-After": "7"}),
        Reply(status=429, headers={"Retry-After": "3600"}),
    ]
    _client(fake, sleeps, max_wait=30).fetch_page()
    assert sleeps == [7.0, 30.0]


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert retry_after_seconds("Tue, 01 Dec 2026 08:00:20 GMT", now=now) == 20.0
    assert retry_after_seconds("Tue, 01 Dec 2026 07:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None


def test_giving_up_after_the_retries(fake: FakeCentral, sleeps: list[float]) -> None:
    fake.script = [Reply(status=500)] * 3
    with pytest.raises(CentralError) as error:
        _client(fake, sleeps, retries=2).fetch_page()
    assert error.value.retryable
    assert error.value.status == 500
    assert "HTTP 500" in error.value.message
    assert "đã thử 3 lần" in error.value.message
    assert len(fake.feed_requests) == 3


def test_a_timeout_is_retried(fake: FakeCentral, sleeps: list[float]) -> None:
    fake.feed([item("A")])
    fake.script = [Reply(delay=1.0, body={"contract": "1", "items": [], "next": None})]
    page = _client(fake, sleeps, timeout=0.2, retries=1, backoff=0.01).fetch_page()
    assert [i["external_id"] for i in page.items] == ["A"]
    assert sleeps == [0.01]


def test_timeouts_every_time_end_in_a_clear_error(fake: FakeCentral, sleeps: list[float]) -> None:
    fake.script = [Reply(delay=1.0), Reply(delay=1.0)]
    with pytest.raises(CentralError, match="Hết thời gian chờ"):
        _client(fake, sleeps, timeout=0.2, retries=1, backoff=0).fetch_page()


def test_a_connection_refused_is_retried_then_reported(sleeps: list[float]) -> None:
    with central_fake.running() as gone:
        url = gone.url
    client = CentralClient(url=url, token=PULL_TOKEN, retries=1, backoff=0, sleep=sleeps.append)
    with pytest.raises(CentralError, match="Không kết nối được"):
        client.fetch_page()
    assert sleeps == [0]


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried(fake: FakeCentral, sleeps: list[float], status: int) -> None:
    fake.script = [Reply(status=status, body={"error": "no"})]
    with pytest.raises(CentralError) as error:
        _client(fake, sleeps).fetch_page()
    assert error.value.status == status
    assert not error.value.retryable
    assert len(fake.feed_requests) == 1
    assert sleeps == []
    if status in (401, 403):
        assert "NGUON_CENTRAL_TOKEN" in error.value.message
        assert PULL_TOKEN not in error.value.message


def test_malformed_json_is_refused_without_retry(fake: FakeCentral, sleeps: list[float]) -> None:
    fake.script = [Reply(body=b'{"contract": "1", "items": [', headers={"Content-Type": "application/json"})]
    with pytest.raises(CentralError, match="JSON hỏng"):
        _client(fake, sleeps).fetch_page()
    assert len(fake.feed_requests) == 1


def test_a_body_that_is_not_json_is_refused(fake: FakeCentral, sleeps: list[float]) -> None:
    fake.script = [Reply(body=b"<html>Bao tri</html>", headers={"Content-Type": "text/html"})]
    with pytest.raises(CentralError, match=r"không phải JSON \(text/html\)"):
        _client(fake, sleeps).fetch_page()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"contract": "2", "items": [], "next": None}, "phiên bản 2 không được hỗ trợ"),
        ({"items": [], "next": None}, "chuỗi phiên bản hợp đồng"),
        ({"contract": "1", "items": {}, "next": None}, 'thiếu danh sách "items"'),
        ({"contract": "1", "items": [], "next": 5}, 'Trường "next"'),
        (["contract", "1"], "cần một đối tượng"),
    ],
)
def test_pages_that_break_the_contract_are_refused(
    fake: FakeCentral, sleeps: list[float], body: object, message: str
) -> None:
    fake.script = [Reply(body=body)]
    with pytest.raises(CentralError, match=message):
        _client(fake, sleeps).fetch_page()


def test_redirects_are_refused_so_the_token_stays_home(fake: FakeCentral, sleeps: list[float]) -> None:
    with central_fake.running() as elsewhere:
        fake.script = [Reply(status=302, headers={"Location": f"{elsewhere.url}/v1/bulletins"})]
        with pytest.raises(CentralError, match="chuyển hướng"):
            _client(fake, sleeps).fetch_page()
        assert elsewhere.requests == []


def test_attachment_download_same_origin_size_and_hash(
    fake: FakeCentral, sleeps: list[float], tmp_path: Path
) -> None:
    data = b"%PDF-1.4\n% cong van\n"
    fake.files["/files/cv.pdf"] = data
    client = _client(fake, sleeps)
    digest = hashlib.sha256(data).hexdigest()
    target = tmp_path / "cv.pdf"
    client.download_verified(f"{fake.url}/files/cv.pdf", path=target, size=len(data), sha256=digest)
    assert target.read_bytes() == data
    assert fake.requests[-1].headers["Authorization"] == f"Bearer {PULL_TOKEN}"
    with pytest.raises(CentralError, match="SHA-256"):
        client.download_verified(f"{fake.url}/files/cv.pdf", path=target, size=len(data), sha256="0" * 64)
    with pytest.raises(CentralError, match="lớn hơn"):
        client.download_verified(f"{fake.url}/files/cv.pdf", path=target, size=5, sha256=digest)
    with pytest.raises(CentralError, match="ngoài hệ thống trung ương"):
        client.download("https://other.example.com/cv.pdf", into=io.BytesIO(), max_bytes=10)


def test_from_settings_needs_both_url_and_token(settings: Any) -> None:
    settings.NGUON_CENTRAL_URL = ""
    settings.NGUON_CENTRAL_TOKEN = ""
    with pytest.raises(CentralError, match="Chưa cấu hình"):
        CentralClient.from_settings()
