"""The ingest's pipeline: batch N+1 is checked while batch N is being stored.

The caller's thread checks each batch (:func:`services.ingest_batch.prepare`: topic, size, JSON, schema; no
database) and hands it to one storing thread, which has its own database connection
(:func:`services.ingest_batch.store`, one transaction per batch). psycopg releases the GIL while it waits
for PostgreSQL, so the checking of the next batch runs during that wait.

The rules that keep it safe:

- **One storing thread, FIFO.** Batches are stored in the order they were submitted, one at a time, so
  one device's heartbeats are stored in the order they arrived (within a batch the last one wins, as before).
- **Nothing is acknowledged before it is stored.** ``on_stored(token, outcomes)`` is called by the storing
  thread only after the batch's transaction has committed; the ingest loop sends the broker's PUBACKs and the
  devices' receipt acks from there. A crash before that means redelivery, never loss.
- **Errors are not swallowed.** A database error (``OperationalError``) gets one more try on a new
  connection, as the loop always did. If that fails too, or anything else goes wrong while storing or
  acknowledging, the storing thread stops: that batch and every later one stay unacknowledged (the broker
  redelivers them to the next run), and the next :meth:`Pipeline.submit` or :meth:`Pipeline.close` raises
  :class:`StoreFailedError` in the caller's thread, which stops ``nguon devices ingest`` loudly (systemd
  restarts it).
- **Bounded.** At most ``depth`` checked batches wait for the storing thread; :meth:`Pipeline.submit` blocks
  beyond that, so a slow database slows the intake instead of filling memory.
- The storing thread closes its database connection when it ends (Django connections are per thread).
- :meth:`Pipeline.start` lowers the interpreter's GIL switch interval to :data:`SWITCH_INTERVAL_S` (for the
  whole process, which is the ingest's or a benchmark's own).
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import OperationalError, close_old_connections, connection

from nguon.devices.services.ingest import Outcome
from nguon.devices.services.ingest_batch import Prepared, prepare, store

log = logging.getLogger("nguon.devices.ingest")
T = TypeVar("T")
_POLL_S = 0.5
#: How long a thread may hold the GIL while another waits for it. Python's default, 5 ms, is paid by the
#: storing thread after every reply from PostgreSQL while the checking thread is busy: measured here, 2,000
#: ``SELECT 1`` round trips took 0.23 s alone and 9.1 s beside a busy thread at 5 ms, 0.24 s at 0.5 ms.
SWITCH_INTERVAL_S = 0.0005


class StoreFailedError(RuntimeError):
    """The storing thread stopped on an error; nothing after the last acknowledged batch was acknowledged."""


def store_with_retry(prepared: Prepared) -> list[Outcome]:
    """:func:`store`, with one more try on a new connection after a database error. Raises if that fails."""
    try:
        return store(prepared)
    except OperationalError:
        log.warning(
            "ingest: database error on a batch of %d; trying again", len(prepared.messages), exc_info=True
        )
        close_old_connections()  # the database went away: one more try on a new connection
        return store(prepared)


class Pipeline(Generic[T]):
    """Check in the caller's thread, store in one storing thread, then call ``on_stored(token, outcomes)``."""

    def __init__(
        self, on_stored: Callable[[T, list[Outcome]], None], *, depth: int = 1, fast: bool | None = None
    ) -> None:
        self._on_stored = on_stored
        self._fast = fast
        self._queue: queue.Queue[tuple[T, Prepared] | None] = queue.Queue(maxsize=depth)
        self._thread = threading.Thread(target=self._run, name="nguon-ingest-store", daemon=True)
        self._error: BaseException | None = None
        self.stored_batches = 0

    def start(self) -> Pipeline[T]:
        sys.setswitchinterval(SWITCH_INTERVAL_S)  # for the whole process: see SWITCH_INTERVAL_S
        if self._fast is None:
            self._fast = connection.vendor == "postgresql"
        self._thread.start()
        return self

    def submit(self, token: T, messages: list[tuple[str, bytes]]) -> None:
        """Check ``messages`` now, store them in the storing thread; blocks while ``depth`` batches wait."""
        self._raise_if_failed()
        self._put((token, prepare(messages, fast=self._fast)))

    def close(self) -> None:
        """Store what was submitted, stop the storing thread (it closes its connection); raise
        :class:`StoreFailedError` if storing failed."""
        if self._thread.is_alive():
            self._put(None)
            self._thread.join()
        self._raise_if_failed()

    def _put(self, item: tuple[T, Prepared] | None) -> None:
        while True:
            self._raise_if_failed()
            if not self._thread.is_alive():
                raise StoreFailedError("the storing thread is not running")
            try:
                self._queue.put(item, timeout=_POLL_S)
            except queue.Full:
                continue
            return

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise StoreFailedError(f"storing a batch failed: {self._error!r}") from self._error

    def _run(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                token, prepared = item
                outcomes = store_with_retry(prepared)  # committed when it returns
                self._on_stored(token, outcomes)
                self.stored_batches += 1
        except BaseException as error:  # handed to the caller's thread, which raises it
            log.exception("ingest: storing failed; this batch and later ones are not acknowledged")
            self._error = error
        finally:
            connection.close()
