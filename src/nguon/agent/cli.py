"""``nguon-agent --bundle bundle.json --state /var/lib/nguon-agent [--sink ffplay|null]``."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from nguon.agent import FIRMWARE
from nguon.agent.core import Agent
from nguon.agent.sinks import FfplaySink, NullSink, Sink
from nguon.devices.protocol.bundle import Bundle
from nguon.devices.protocol.validation import MessageInvalidError

EXIT_REBOOT = 75  # systemd's Restart=on-failure (or always) starts the agent again


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="nguon-agent", description=f"Nguồn reference device agent ({FIRMWARE})."
    )
    parser.add_argument(
        "--bundle", type=Path, required=True, help="the provisioning bundle (JSON) from the server"
    )
    parser.add_argument(
        "--state", type=Path, required=True, help="state directory (manifest, media cache, spool)"
    )
    parser.add_argument(
        "--sink", choices=("ffplay", "null"), default="ffplay", help="audio output (default ffplay)"
    )
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        bundle = Bundle.load(args.bundle)
    except (OSError, ValueError, MessageInvalidError) as error:
        parser.exit(2, f"nguon-agent: cannot read the bundle {args.bundle}: {error}\n")
    if bundle.mode != "speaker":
        parser.exit(
            2, "nguon-agent: e-board mode is not implemented yet; this agent drives speaker clusters only.\n"
        )
    try:
        sink: Sink = FfplaySink() if args.sink == "ffplay" else NullSink(max_seconds=3600)
    except RuntimeError as error:
        parser.exit(2, f"nguon-agent: {error}\n")
    stop = threading.Event()
    reboot = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())

    def on_reboot() -> None:
        reboot.set()
        stop.set()

    Agent(bundle, args.state, sink, on_reboot=on_reboot).run(stop)
    sys.exit(EXIT_REBOOT if reboot.is_set() else 0)


if __name__ == "__main__":
    main()
