"""``nguon start`` — run every process Nguồn needs, supervised, until Ctrl-C.

The web server (gunicorn) and the task worker (``db_worker``). In development, when ``NGUON_MQTT_URL`` is not
set, also the embedded MQTT broker on 127.0.0.1 (``NGUON_EMBEDDED_MQTT_PORT``, 1884), the telemetry ingest and,
when ``NGUON_SIMULATE_DEVICES`` > 0, that many virtual devices (``make run`` sets 300). In development with
devices on, also Icecast2 for live broadcasts (``nguon icecast``, 127.0.0.1:8010) when it is installed. Ctrl-C (SIGINT) or
SIGTERM stops every child cleanly; if one child dies, the others are stopped too and the exit code says so.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nguon.devices.embedded_broker import embedded_settings


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    wait_for_port: int | None = None  # start the next children once this local port accepts
    optional: bool = False  # its exit is reported but does not stop the others (Icecast: live only)


@dataclass
class DevicePlan:
    """The device-side children of ``nguon start`` and the environment they (and the web server) get."""

    children: list[Child]
    env: dict[str, str]
    broker: str = ""  # the embedded broker's address, or empty
    simulated: int = 0


def device_plan(*, environment: str, env: dict[str, str], enabled: bool = True) -> DevicePlan:
    """Embedded broker + ingest (+ simulator) in development when ``NGUON_MQTT_URL`` is not set; else nothing.

    The server account needs a password on the embedded broker: a fresh one is made for this run when
    ``NGUON_MQTT_PASSWORD`` is empty, and handed to every child through the environment.
    """
    env = dict(env)
    if not enabled or environment != "development" or env.get("NGUON_MQTT_URL", "").strip():
        return DevicePlan([], env)
    embedded = embedded_settings(env)
    env["NGUON_MQTT_URL"] = f"mqtt://127.0.0.1:{embedded.port}"
    if not env.get("NGUON_MQTT_PASSWORD"):
        env["NGUON_MQTT_PASSWORD"] = secrets.token_urlsafe(24)
    nguon = [sys.executable, "-m", "nguon"]
    children = [
        Child(
            "broker",
            [*nguon, "devices", "broker", "--embedded", "--port", str(embedded.port)],
            wait_for_port=embedded.port,
        ),
        Child("ingest", [*nguon, "devices", "ingest"]),
    ]
    if embedded.simulate_devices:
        children.append(Child("simulator", [*nguon, "simulate", "--devices", str(embedded.simulate_devices)]))
    return DevicePlan(children, env, f"127.0.0.1:{embedded.port}", embedded.simulate_devices)


def icecast_plan(*, environment: str, env: dict[str, str], enabled: bool = True) -> tuple[list[Child], str]:
    """``nguon icecast`` in development when icecast2 is installed (and devices are on); its listen URL, or
    why it cannot run. Icecast is an optional child: if it exits, the rest goes on without live broadcasts.

    Fresh source and admin passwords are made for this run when the environment has none, and handed to
    every child, so the web server's rewrites of the configuration (new live sessions) keep them.
    """
    if (
        not enabled
        or environment != "development"
        or not (shutil.which("icecast2") or shutil.which("icecast"))
    ):
        return [], ""
    from nguon.radio.icecast import icecast_settings, preflight

    settings_ = icecast_settings(env, settings.DATA_DIR)
    problem = preflight(settings_)
    if problem:  # e.g. root with a data dir the unprivileged account cannot reach: live is off, said so
        return [], f"— ({problem})"
    for name in ("NGUON_ICECAST_SOURCE_PASSWORD", "NGUON_ICECAST_ADMIN_PASSWORD"):
        if not env.get(name):
            env[name] = secrets.token_urlsafe(24)
    child = Child(
        "icecast", [sys.executable, "-m", "nguon", "icecast"], wait_for_port=settings_.port, optional=True
    )
    return [child], settings_.listen_url


def _wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)


class Command(BaseCommand):
    help = "Start Nguồn (web server and, as they land, worker, broker, simulator) and supervise it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.CONFIG.host)
        parser.add_argument("--port", type=int, default=settings.CONFIG.port)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=32, help="threads per web worker (gthread)")
        parser.add_argument("--no-banner", action="store_true")
        parser.add_argument(
            "--no-devices", action="store_true", help="no embedded broker, ingest or simulator"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bind = f"{options['host']}:{options['port']}"
        try:
            plan = device_plan(
                environment=settings.NGUON_ENV, env=dict(os.environ), enabled=not options["no_devices"]
            )
            live, icecast_url = icecast_plan(
                environment=settings.NGUON_ENV, env=plan.env, enabled=not options["no_devices"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        children = [
            *plan.children,
            *live,
            Child(
                "web",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "nguon.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(options["workers"]),
                    # Threads, not one request per process: the e-board players' event streams
                    # (/api/v1/devices/me/events, up to 30 s each, at most 16 per process) then hold
                    # one thread each instead of a whole worker, and pages keep being served.
                    "--worker-class",
                    "gthread",
                    "--threads",
                    str(options["threads"]),
                    "--access-logfile",
                    "-",
                    "--graceful-timeout",
                    "5",
                ],
            ),
            # The background worker on the database task queue (speech renders, compiles, deliveries…).
            Child("worker", [sys.executable, "-m", "nguon", "db_worker", "--interval", "0.5"]),
            # The periodic jobs (core/periodic.py): enqueued for the worker when due.
            Child("scheduler", [sys.executable, "-m", "nguon", "scheduler"]),
            # Outbound channels (Zalo, Facebook, SMS, e-mail, webhooks): slow HTTP calls kept out of the
            # shared worker; claims skip locked rows, so the periodic job beside it is harmless.
            Child("outbound", [sys.executable, "-m", "nguon", "outbound", "deliver", "--loop"]),
        ]
        stopping = False

        def stop(signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        for child in children:
            # Own process group: the terminal's Ctrl-C reaches us, and we stop children in order.
            child.process = subprocess.Popen(child.argv, start_new_session=True, env=plan.env)  # noqa: S603
            if child.wait_for_port:
                _wait_for_port(child.wait_for_port)
        if not options["no_banner"]:
            self.stdout.write(f"\nNguồn đang chạy / is running: http://{bind}/")
            if plan.broker:
                self.stdout.write(
                    f"MQTT (nhúng / embedded): {plan.broker}; "
                    f"thiết bị mô phỏng / simulated devices: {plan.simulated}"
                )
            if icecast_url:
                self.stdout.write(f"Icecast (phát trực tiếp / live): {icecast_url}")
            if settings.NGUON_ENV != "production":
                # Demo accounts are shown only outside production, and only when the demo is loaded.
                from nguon.demo.management.commands.demo import accounts_table

                self.stdout.write(f"Tài khoản trình diễn / demo accounts:\n{accounts_table()}")
            self.stdout.write("Nhấn Ctrl-C để dừng / press Ctrl-C to stop.\n")
        exit_code = 0
        while not stopping:
            for child in children:
                assert child.process is not None
                if child.process.poll() is not None and child.optional:
                    self.stderr.write(
                        f"{child.name} exited with {child.process.returncode}; going on without it."
                    )
                    children.remove(child)
                    break
                if child.process.poll() is not None:
                    self.stderr.write(f"{child.name} exited with {child.process.returncode}; stopping.")
                    exit_code, stopping = 1, True
            time.sleep(0.3)
        for child in reversed(children):
            if child.process and child.process.poll() is None:
                child.process.terminate()
        deadline = time.monotonic() + 10
        for child in children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
        self.stdout.write("Đã dừng / stopped.")
        raise SystemExit(exit_code)
