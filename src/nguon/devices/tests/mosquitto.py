"""A private Mosquitto for the MQTT tests, on a free port, with the password and ACL files that
``nguon devices broker-config`` writes from the registry."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections

from nguon.devices.broker_config import CONF_FILE, write_broker_config

BINARY = shutil.which("mosquitto") or (
    "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
)
SERVER_PASSWORD = "server-secret-for-tests-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Broker:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = directory / "mosquitto.log"

    def configure(self) -> None:
        extra = ["user root"] if os.geteuid() == 0 else []  # as root, Mosquitto would drop to "mosquitto"
        write_broker_config(
            self.directory,
            server_username=settings.NGUON_MQTT_USERNAME,
            server_password=SERVER_PASSWORD,
            port=self.port,
            extra_conf=extra,
        )

    def start(self) -> None:
        self.configure()
        assert BINARY is not None
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [BINARY, "-c", str(self.directory / CONF_FILE)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            except OSError:
                time.sleep(0.05)
            else:
                return
        raise RuntimeError(f"mosquitto did not start: {self.log.read_text()}")

    def reload(self) -> None:
        """Rewrite the files from the registry and make Mosquitto read them again (SIGHUP)."""
        self.configure()
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)
        time.sleep(0.3)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


def wait_for(
    condition: Callable[[], object], *, timeout: float = 15.0, step: Callable[[], object] | None = None
) -> None:
    """Poll ``condition`` (running ``step`` between polls, e.g. the ingest) until true or fail."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout} s waiting for {getattr(condition, '__name__', condition)}"
            )
        if step is not None:
            step()
        else:
            time.sleep(0.05)


class _SharedConnectionServer(ThreadedWSGIServer):
    """Django's threaded test server, minus closing connections after each request: the test's own
    connection (inside its transaction) is shared with the request threads."""

    def _close_connections(self) -> None:
        pass


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def http_server() -> Iterator[str]:
    """Serve the project over HTTP on a free port, seeing the current test's uncommitted data (works on
    SQLite and PostgreSQL alike, unlike ``live_server``, which needs a flushed transactional database)."""
    connection = connections["default"]
    connection.inc_thread_sharing()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    server = _SharedConnectionServer(
        ("127.0.0.1", 0),
        _QuietHandler,
        allow_reuse_address=True,
        connections_override={"default": connection},
    )
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        connection.dec_thread_sharing()
