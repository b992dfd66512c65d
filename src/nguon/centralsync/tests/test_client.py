"""The HTTP client against a fake central system: retries with backoff on 5xx, 429 (Retry-After), timeouts;
no retry on other 4xx; redirects refused; the token never shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nguon.centralsync.choices import Outcome
from nguon.centralsync.client import Attempt, SyncClient, SyncError, central_message
from nguon.centralsync.tests.conftest import TOKEN, FakeCentral, Reply, Waits

BODY = b'{"contract":"1"}'


def _send(client: SyncClient, attempts: list[Attempt], key: str = "bulletins:abc") -> int:
    return client.send("bulletins", BODY, idempotency_key=key, on_attempt=attempts.append)


def test_500_then_200_is_retried_with_backoff_and_the_same_key(
    central: FakeCentral, make_client: Callable[..., SyncClient], waits: Waits
) -> None:
    central.script = [Reply(500), Reply(503), Reply(200)]
    attempts: list[Attempt] = []
    assert _send(make_client(backoff=2.0), attempts) == 200
    assert waits.seconds == [2.0, 4.0]  # backoff · 2^n (jitter injected as 0)
    assert [r["headers"]["Idempotency-Key"] for r in central.requests] == ["bulletins:abc"] * 3
    assert [r["body"] for r in central.requests] == [BODY] * 3
    assert [(a.number, a.status, a.outcome) for a in attempts] == [
        (1, 500, Outcome.RETRY),
        (2, 503, Outcome.RETRY),
        (3, 200, Outcome.ACCEPTED),
    ]


def test_jitter_adds_at_most_a_quarter_and_waits_are_capped(make_client: Callable[..., SyncClient]) -> None:
    client = make_client(backoff=1.0, max_wait=10.0, jitter=lambda: 1.0)
    assert [client.wait_before(n, None) for n in range(5)] == [1.25, 2.5, 5.0, 10.0, 10.0]
    assert client.wait_before(0, 500.0) == 10.0  # Retry-After is capped too


def test_429_with_retry_after_waits_that_long(
    central: FakeCentral, make_client: Callable[..., SyncClient], waits: Waits
) -> None:
    central.script = [Reply(429, {"Retry-After": "7"}), Reply(202)]
    attempts: list[Attempt] = []
    assert _send(make_client(), attempts) == 202
    assert waits.seconds == [7.0]
    assert len(central.requests) == 2


def test_timeout_is_retried(
    central: FakeCentral, make_client: Callable[..., SyncClient], waits: Waits
) -> None:
    central.script = [Reply(200, delay=1.5), Reply(200)]
    attempts: list[Attempt] = []
    assert _send(make_client(timeout=0.4), attempts) == 200
    assert attempts[0].outcome == Outcome.RETRY
    assert attempts[0].status is None
    assert "Hết thời gian chờ" in attempts[0].error
    assert waits.seconds == [1.0]
    assert [r["headers"]["Idempotency-Key"] for r in central.requests] == ["bulletins:abc"] * 2


def test_400_is_not_retried_and_keeps_the_central_message(
    central: FakeCentral, make_client: Callable[..., SyncClient], waits: Waits
) -> None:
    central.script = [Reply(400, body='{"error": {"message": "Trường items[0].kind sai"}}'.encode())]
    attempts: list[Attempt] = []
    with pytest.raises(SyncError) as raised:
        _send(make_client(), attempts)
    assert raised.value.status == 400
    assert not raised.value.retryable
    assert "Trường items[0].kind sai" in raised.value.message
    assert len(central.requests) == 1
    assert waits.seconds == []
    assert [(a.status, a.outcome) for a in attempts] == [(400, Outcome.FAILED)]


def test_gives_up_after_the_retries(
    central: FakeCentral, make_client: Callable[..., SyncClient], waits: Waits
) -> None:
    central.script = [Reply(502)] * 3
    attempts: list[Attempt] = []
    with pytest.raises(SyncError) as raised:
        _send(make_client(retries=2), attempts)
    assert raised.value.retryable
    assert "đã thử 3 lần" in raised.value.message
    assert [a.outcome for a in attempts] == [Outcome.RETRY, Outcome.RETRY, Outcome.FAILED]
    assert waits.seconds == [1.0, 2.0]


def test_redirects_are_refused(central: FakeCentral, make_client: Callable[..., SyncClient]) -> None:
    central.script = [Reply(307, {"Location": "http://127.0.0.1:9/steal"})]
    attempts: list[Attempt] = []
    with pytest.raises(SyncError) as raised:
        _send(make_client(), attempts)
    assert raised.value.status == 307
    assert len(central.requests) == 1


def test_connection_refused_is_retryable(make_client: Callable[..., SyncClient], waits: Waits) -> None:
    client = make_client(url="http://127.0.0.1:9/none", retries=1)
    attempts: list[Attempt] = []
    with pytest.raises(SyncError) as raised:
        _send(client, attempts)
    assert raised.value.retryable
    assert "Không kết nối được" in attempts[0].error
    assert waits.seconds == [1.0]


def test_repr_hides_the_token(make_client: Callable[..., SyncClient]) -> None:
    client = make_client()
    assert TOKEN not in repr(client)
    assert TOKEN not in str(vars(client).get("url"))


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (b'{"error": {"code": "invalid", "message": "Sai"}}', "Sai"),
        (b'{"message": "Thi\xe1\xba\xbfu"}', "Thiếu"),
        (b'{"detail": "x"}', "x"),
        (b"plain text", "plain text"),
    ],
)
def test_central_message(raw: bytes, said: str) -> None:
    assert central_message(raw) == said


def test_from_settings_falls_back_to_the_central_token(settings: Any) -> None:
    settings.NGUON_CENTRAL_SYNC_URL = "https://central.example/ndxp/"
    settings.NGUON_CENTRAL_SYNC_TOKEN = ""
    settings.NGUON_CENTRAL_TOKEN = "shared-token"
    client = SyncClient.from_settings()
    assert client.batch_url("inventory") == "https://central.example/ndxp/v1/datasets/inventory/batches"
    assert client._token == "shared-token"
    settings.NGUON_CENTRAL_SYNC_TOKEN = "own-token"
    assert SyncClient.from_settings()._token == "own-token"
    settings.NGUON_CENTRAL_SYNC_URL = ""
    with pytest.raises(SyncError):
        SyncClient.from_settings()
