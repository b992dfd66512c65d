"""``nguon start`` — run every process Nguồn needs, supervised, until Ctrl-C.

Today: the web server (gunicorn) and the task worker (``db_worker``). Later domains add the embedded MQTT broker,
the device simulator and Icecast here. Ctrl-C (SIGINT) or SIGTERM stops every child cleanly; if one
child dies, the others are stopped too and the exit code says so.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None


class Command(BaseCommand):
    help = "Start Nguồn (web server and, as they land, worker, broker, simulator) and supervise it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.CONFIG.host)
        parser.add_argument("--port", type=int, default=settings.CONFIG.port)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-banner", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        bind = f"{options['host']}:{options['port']}"
        children = [
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
                    "--access-logfile",
                    "-",
                    "--graceful-timeout",
                    "5",
                ],
            ),
            # The background worker (speech renders today) on the database task queue.
            Child("worker", [sys.executable, "-m", "nguon", "db_worker", "--interval", "0.5"]),
        ]
        stopping = False

        def stop(signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        for child in children:
            # Own process group: the terminal's Ctrl-C reaches us, and we stop children in order.
            child.process = subprocess.Popen(child.argv, start_new_session=True)  # noqa: S603
        if not options["no_banner"]:
            self.stdout.write(f"\nNguồn đang chạy / is running: http://{bind}/")
            if settings.NGUON_ENV != "production":
                # Demo accounts are shown only outside production, and only when the demo is loaded.
                from nguon.demo.management.commands.demo import accounts_table

                self.stdout.write(f"Tài khoản trình diễn / demo accounts:\n{accounts_table()}")
            self.stdout.write("Nhấn Ctrl-C để dừng / press Ctrl-C to stop.\n")
        exit_code = 0
        while not stopping:
            for child in children:
                assert child.process is not None
                if child.process.poll() is not None:
                    self.stderr.write(f"{child.name} exited with {child.process.returncode}; stopping.")
                    exit_code, stopping = 1, True
            time.sleep(0.3)
        for child in children:
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
