"""The ingest pipeline (check in one thread, store in another): FIFO, acknowledged only after the commit,
errors stop it loudly, and ``IngestLoop.run`` uses it."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from django.db import OperationalError, connection

from nguon.devices.broker import server_account
from nguon.devices.ingest_loop import IngestLoop, _Message
from nguon.devices.models import DeviceState, PlayReceipt
from nguon.devices.protocol import topics
from nguon.devices.services import ingest_pipeline
from nguon.devices.services.ingest import Outcome
from nguon.devices.services.ingest_batch import Prepared
from nguon.devices.services.ingest_pipeline import Pipeline, StoreFailedError

from .test_ingest import heartbeat, receipt


class _FakeStore:
    """Stands in for ingest_batch.store: records the batches in the order stored, fails when told to."""

    def __init__(self, fail: dict[int, list[BaseException]] | None = None) -> None:
        self.stored: list[int] = []
        self.threads: set[str] = set()
        self.fail = fail or {}
        self.calls = 0

    def __call__(self, prepared: Prepared, **kwargs: Any) -> list[Outcome]:
        self.calls += 1
        self.threads.add(threading.current_thread().name)
        number = int(prepared.messages[0][0].rsplit("/", 1)[1])
        if self.fail.get(number):
            raise self.fail[number].pop(0)
        time.sleep(0.002)  # a database round trip
        self.stored.append(number)
        return [Outcome("stored") for _ in prepared.messages]


def _batch(number: int) -> list[tuple[str, bytes]]:
    return [(f"test/{number}", b"{}")]


@pytest.fixture
def fake_store(monkeypatch: pytest.MonkeyPatch) -> _FakeStore:
    store = _FakeStore()
    monkeypatch.setattr(ingest_pipeline, "store", store)
    monkeypatch.setattr(ingest_pipeline, "close_old_connections", lambda: None)
    return store


def test_batches_are_stored_in_order_and_acknowledged_only_after_their_store(fake_store):
    acked: list[int] = []

    def on_stored(token: int, outcomes: list[Outcome]) -> None:
        assert fake_store.stored[-1] == token  # called after this batch's store returned (its commit)
        acked.append(token)

    pipeline: Pipeline[int] = Pipeline(on_stored, fast=False).start()
    for number in range(30):
        pipeline.submit(number, _batch(number))
    pipeline.close()
    assert fake_store.stored == list(range(30))
    assert acked == list(range(30))
    assert fake_store.threads == {"nguon-ingest-store"}  # not the caller's thread


def test_a_database_error_is_retried_once(fake_store):
    fake_store.fail = {3: [OperationalError("gone")]}
    acked: list[int] = []
    pipeline: Pipeline[int] = Pipeline(lambda token, _: acked.append(token), fast=False).start()
    for number in range(6):
        pipeline.submit(number, _batch(number))
    pipeline.close()
    assert acked == list(range(6))


@pytest.mark.parametrize(
    "errors", [[OperationalError("gone"), OperationalError("still gone")], [RuntimeError("a bug")]]
)
def test_a_failed_batch_and_everything_after_it_stay_unacknowledged_and_the_caller_hears_of_it(
    fake_store, errors, caplog
):
    fake_store.fail = {3: list(errors)}
    acked: list[int] = []
    pipeline: Pipeline[int] = Pipeline(lambda token, _: acked.append(token), fast=False).start()

    def feed() -> None:
        for number in range(100):
            pipeline.submit(number, _batch(number))
            time.sleep(0.001)

    with pytest.raises(StoreFailedError):
        feed()  # a later submit hears of it
    with pytest.raises(StoreFailedError):
        pipeline.close()
    assert acked == [0, 1, 2]
    assert "this batch and later ones are not acknowledged" in caplog.text


def test_an_error_while_acknowledging_stops_the_pipeline_too(fake_store):
    def on_stored(token: int, outcomes: list[Outcome]) -> None:
        if token == 1:
            raise ConnectionError("broker")

    pipeline: Pipeline[int] = Pipeline(on_stored, fast=False).start()
    pipeline.submit(0, _batch(0))
    pipeline.submit(1, _batch(1))
    with pytest.raises(StoreFailedError):
        pipeline.close()


def test_the_storing_thread_closes_its_connection(fake_store, monkeypatch):
    closed: list[str] = []

    class _Connection:
        vendor = "postgresql"

        def close(self) -> None:
            closed.append(threading.current_thread().name)

    monkeypatch.setattr(ingest_pipeline, "connection", _Connection())
    pipeline: Pipeline[int] = Pipeline(lambda *_: None).start()
    pipeline.submit(0, _batch(0))
    pipeline.close()
    assert closed == ["nguon-ingest-store"]


@pytest.mark.django_db(transaction=True)  # the storing thread has its own connection: data must be committed
def test_the_pipeline_stores_with_its_own_connection_and_keeps_each_devices_order(device):
    hb, rc = topics.topic(device.device_id, topics.HEARTBEAT), topics.topic(device.device_id, topics.RECEIPT)
    batches = [
        [(hb, json.dumps(heartbeat(device, volume=n)).encode()) for n in (1, 2)]
        + [(rc, json.dumps(receipt(device, f"r-pipe-{b:04d}")).encode())]
        for b in range(10)
    ]
    batches[-1].append((hb, json.dumps(heartbeat(device, volume=99)).encode()))
    results: list[tuple[int, list[str]]] = []
    pipeline: Pipeline[int] = Pipeline(lambda n, outcomes: results.append((n, [o.result for o in outcomes])))
    pipeline.start()
    for number, batch in enumerate(batches):
        pipeline.submit(number, batch)
    pipeline.close()
    assert [n for n, _ in results] == list(range(10))
    assert all(set(r) == {"stored"} for _, r in results)
    assert PlayReceipt.objects.filter(device=device).count() == 10
    assert DeviceState.objects.get(device=device).heartbeat["volume"] == 99  # the last one, stored last
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the storing thread's session is gone
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            assert cursor.fetchone()[0] == 1


class _Client:
    """Records what IngestLoop sends to the broker."""

    def __init__(self, store: _FakeStore) -> None:
        self.store = store
        self.acked: list[tuple[int, list[int]]] = []

    def ack(self, mid: int, qos: int) -> None:
        self.acked.append((mid, list(self.store.stored)))

    def publish(self, *args: Any, **kwargs: Any) -> None:
        pass


def _run_loop(loop: IngestLoop, messages: list[_Message], until: Any) -> Exception | None:
    for message in messages:
        loop._queue.put(message)
    stop = threading.Event()
    failure: list[Exception] = []

    def run() -> None:
        try:
            loop.run(stop)
        except Exception as error:  # noqa: BLE001 - handed to the test
            failure.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 10
    while not until() and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(10)
    return failure[0] if failure else None


@pytest.mark.django_db
def test_the_ingest_loop_runs_the_pipeline_and_acknowledges_after_the_store(fake_store, monkeypatch):
    loop = IngestLoop(server_account(), client_id="nguon-ingest-pipeline-test")
    client = _Client(fake_store)
    monkeypatch.setattr(loop, "_client", client)
    monkeypatch.setattr(loop, "start", lambda: None)
    monkeypatch.setattr(loop, "stop", lambda: None)
    monkeypatch.setattr(
        ingest_pipeline, "prepare", lambda messages, fast: Prepared(messages, False, [], set(), [])
    )
    monkeypatch.setattr("nguon.devices.ingest_loop.BATCH", 2)
    messages = [_Message(f"test/{n}", b"{}", mid=n + 1, qos=1) for n in range(5)]
    assert _run_loop(loop, messages, lambda: len(client.acked) == 5) is None
    assert [mid for mid, _ in client.acked] == [1, 2, 3, 4, 5]
    assert fake_store.stored == [0, 2, 4]  # batches of two, named after their first message
    for mid, stored_then in client.acked:
        assert (mid - 1) // 2 * 2 in stored_then  # its batch was stored before its PUBACK
    assert loop.counts["stored"] == 5


@pytest.mark.django_db
def test_the_ingest_loop_stops_loudly_when_a_batch_cannot_be_stored(fake_store, monkeypatch):
    fake_store.fail = {0: [RuntimeError("a bug")]}
    loop = IngestLoop(server_account(), client_id="nguon-ingest-pipeline-test")
    client = _Client(fake_store)
    monkeypatch.setattr(loop, "_client", client)
    monkeypatch.setattr(loop, "start", lambda: None)
    monkeypatch.setattr(loop, "stop", lambda: None)
    monkeypatch.setattr(
        ingest_pipeline, "prepare", lambda messages, fast: Prepared(messages, False, [], set(), [])
    )
    failure = _run_loop(loop, [_Message("test/0", b"{}", mid=1, qos=1)], lambda: fake_store.calls > 0)
    assert isinstance(failure, StoreFailedError)
    assert client.acked == []
