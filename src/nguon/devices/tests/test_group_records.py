"""A fan-out's group members are recorded just after the publish (so ten thousand rows do not hold the
commands back): their records still appear exactly once, stamped as published (or not, when the broker
is down), answers that arrive before them are matched from their events, and an answer's match waits
while member records are being written (PostgreSQL advisory locks)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from nguon.core.models import AuditEvent
from nguon.devices.models import CommandRecord
from nguon.devices.protocol import topics
from nguon.devices.protocol.timestamps import format_ts
from nguon.devices.publisher import PublishError, use_publisher
from nguon.devices.services.command_groups import lock_answers
from nguon.devices.services.commands import send_commands
from nguon.devices.services.ingest_batch import handle_batch

from .conftest import ACTOR
from .mosquitto import wait_for
from .test_group_commands import fleet

GROUP = "g-05569-speaker"


def answer(device: Any, kind: str, seq: int, **extra: Any) -> tuple[str, bytes]:
    message = {"v": 1, "device": device.device_id, "ts": format_ts(timezone.now()), "kind": kind, "seq": seq}
    return topics.topic(device.device_id, topics.EVENT), json.dumps(
        {**message, "group": GROUP, **extra}
    ).encode()


def test_members_are_recorded_after_the_publish_and_earlier_answers_are_matched(
    db, commune, publisher, django_capture_on_commit_callbacks
):
    speakers = fleet(commune, "LOA", 4)
    board = fleet(commune, "BANG", 1, kind="eboard")[0]  # a group of one: its own record, at once
    with django_capture_on_commit_callbacks(execute=False) as pending:
        records = send_commands(actor=ACTOR, devices=[*speakers, board], type="volume", body={"level": 30})
    batch = records[0].batch
    # committed before the publish: the counters, the board's own record and the audit naming everyone
    assert list(CommandRecord.objects.filter(batch=batch).values_list("device_id", flat=True)) == [board.pk]
    audit = AuditEvent.objects.get(action="devices.command.fanout")
    assert set(audit.after["devices"]) == {d.device_id for d in [*speakers, board]}
    assert audit.after["groups"] == [GROUP]
    assert publisher.sent == []

    # two devices answer before their records exist (a fast device on a slow server)
    outcomes = handle_batch(
        [
            answer(speakers[0], "command-accepted", 1, command="volume"),
            answer(speakers[1], "command-refused", 1, reason="stale"),
        ]
    )
    assert [o.result for o in outcomes] == ["stored", "stored"]
    for callback in pending:
        callback()
    assert {t for t, _ in publisher.sent} == {
        topics.group_topic(GROUP),
        topics.topic(board.device_id, topics.COMMAND),
    }
    rows = {r.device_id: r for r in CommandRecord.objects.filter(batch=batch)}
    assert set(rows) == {d.pk for d in [*speakers, board]}  # each device once
    assert all(r.published_at is not None for r in rows.values())
    assert {r.published_at for r in rows.values() if r.group} == {rows[board.pk].published_at}
    first, second, third = rows[speakers[0].pk], rows[speakers[1].pk], rows[speakers[2].pk]
    assert first.accepted_at is not None
    assert first.refused_at is None
    assert (second.refused_at is not None, second.refusal_reason, second.accepted_at) == (True, "stale", None)
    assert (third.accepted_at, third.refused_at) == (None, None)
    assert json.loads(dict(publisher.sent)[topics.group_topic(GROUP)]) == first.envelope

    # a later answer finds its record the usual way
    handle_batch([answer(speakers[2], "command-accepted", 1, command="volume")])
    third.refresh_from_db()
    assert third.accepted_at is not None


class DownPublisher:
    def publish_many(self, messages: Any) -> None:
        raise PublishError("broker unreachable")


def test_with_the_broker_down_the_members_are_still_recorded_as_not_published(
    db, commune, publisher, django_capture_on_commit_callbacks, caplog
):
    speakers = fleet(commune, "LOA", 3)
    previous = use_publisher(DownPublisher())
    try:
        with django_capture_on_commit_callbacks(execute=True):
            records = send_commands(actor=ACTOR, devices=speakers, type="stop")
    finally:
        use_publisher(previous)
    stored = CommandRecord.objects.filter(batch=records[0].batch)
    assert stored.count() == 3
    assert not stored.filter(published_at__isnull=False).exists()
    assert "not published: broker unreachable" in caplog.text


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="advisory locks are PostgreSQL's")
def test_matching_answers_waits_while_a_group_s_members_are_written(db):
    # Each thread has its own connection and real transactions; nothing is written, so the test's own
    # transaction (and the units loaded once for the session) stay as they are.
    holding, release, matched = threading.Event(), threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def in_thread(work: Any) -> threading.Thread:
        def run() -> None:
            try:
                work()
            except BaseException as error:  # noqa: BLE001 — reported by the test
                failures.append(error)
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def writer() -> None:
        with transaction.atomic():
            lock_answers([GROUP, "g-05570-speaker"], shared=False)
            holding.set()
            release.wait(30)

    def matcher() -> None:
        with transaction.atomic():
            lock_answers([GROUP], shared=True)
            lock_answers([GROUP], shared=True)  # shared locks do not wait for each other
            matched.set()

    def waiting() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            return int(cursor.fetchone()[0])

    writing = in_thread(writer)
    assert holding.wait(15)
    matching = in_thread(matcher)
    wait_for(lambda: waiting() == 1)
    assert not matched.is_set()  # held back while the members are written
    release.set()
    writing.join(15)
    matching.join(15)
    assert matched.is_set()
    assert failures == []
    # another group's answers never wait for this one
    holding.clear()
    release.clear()
    matched.clear()
    writing = in_thread(writer)
    assert holding.wait(15)

    def other_group() -> None:
        with transaction.atomic():
            lock_answers(["g-99999-eboard"], shared=True)
            matched.set()

    other = in_thread(other_group)
    other.join(15)
    assert matched.is_set()
    release.set()
    writing.join(15)
    assert failures == []
