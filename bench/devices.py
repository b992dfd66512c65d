"""Device fleet benchmarks (issue 5). Each figure is printed beside its baseline from the same run.

    .venv/bin/python bench/devices.py fanout --devices 2000     # signed command vs bare publish
    .venv/bin/python bench/devices.py fanout --devices 10000 --groups 92   # group commands (level 2)
    .venv/bin/python bench/devices.py memory --devices 2000     # RSS per simulated device

fanout: a private Mosquitto (password and ACL files as ``nguon devices broker-config`` writes them) and N
device connections spread over worker processes: minimal MQTT subscribers (``bench/mqtt_lite.py``) by
default, or aiomqtt as the simulator uses (``--client aiomqtt``), whose own Python cost per message
dominates when 10,000 of them share two cores. Round "bare": the server account publishes one
opaque payload of the same size to each device's command topic (QoS 1); latency = arrival at the device.
Round "signed": the server signs one emergency-start per device (Ed25519, sequence, timestamp) and
publishes them; latency = the moment the device has *verified* it (schema, signature, window, sequence).
Both from the same start instant, over the same connections. The workers stamp each arrival and check
the signed commands after the round (one device's check must not delay another's arrival: in the field
each device has its own processor); the verified instant is arrival + that device's own checking time.
With ``--groups G`` (protocol level 2), the devices are spread over G command groups (Thái Nguyên has 92
communes), each device also reads its group's topic, and both rounds publish once per group instead of
once per device: the bare round the same-size opaque payload on each group topic, the signed round one
signed group command per group. Without it, every message goes to each device's own topic (level 1).

The telemetry ingest benchmark is ``bench/devices_ingest.py``.

memory: N virtual devices (``devices/simulator.py``) connected to a private Mosquitto; resident memory
of the process before and after, divided by N.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from devices_fanout import ROOT, fanout, start_broker  # bench/ is the script's folder
from harness import free_port, raise_file_limit

sys.path.insert(0, str(ROOT / "src"))


# -- memory ----------------------------------------------------------------------------------------------
def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def memory(count: int) -> None:
    from nguon.devices.protocol.bundle import Bundle
    from nguon.devices.protocol.keys import SigningKey
    from nguon.devices.protocol.timestamps import format_ts, utc_now
    from nguon.devices.simulator import Fleet, SimOptions

    raise_file_limit()
    port = free_port()
    broker = start_broker(Path(tempfile.mkdtemp(prefix="nguon-bench-broker-")), port, None)
    key = SigningKey.generate().public_b64()
    bundles = [
        Bundle(
            device=f"d-{i:012x}",
            mode="speaker",
            protocol=1,
            mqtt_host="127.0.0.1",
            mqtt_port=port,
            mqtt_tls=False,
            mqtt_username=f"d-{i:012x}",
            mqtt_password="p" * 30,
            base_url="http://127.0.0.1:9",
            token="t" * 30,
            server_public_key=key,
            issued_at=format_ts(utc_now()),
            heartbeat_s=60,
        )
        for i in range(count)
    ]
    before = _rss_kb()
    fleet = Fleet(bundles, SimOptions(heartbeat_s=60, fetch_manifests=False, seed=1))

    async def run() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(fleet.run(stop))
        while fleet.stats.counts["connects"] < count:
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        after = _rss_kb()
        print(
            f"{count} virtual devices connected: {(after - before) / count:.1f} KB each "
            f"({before / 1024:.0f} → {after / 1024:.0f} MB RSS)"
        )
        stop.set()
        await task

    try:
        asyncio.run(run())
    finally:
        broker.terminate()
        broker.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="bench", required=True)
    f = sub.add_parser("fanout")
    f.add_argument("--devices", type=int, default=2000)
    f.add_argument("--workers", type=int, default=2)
    f.add_argument("--groups", type=int, default=0, help="command groups (protocol level 2); 0: per device")
    f.add_argument(
        "--client",
        choices=("lite", "aiomqtt"),
        default="lite",
        help="the devices' MQTT client: bench/mqtt_lite.py (default) or aiomqtt, as the simulator uses",
    )
    f.add_argument(
        "--database-url",
        default=None,
        help="postgres://…: signed rounds through send_commands on this (re-created) database",
    )
    m = sub.add_parser("memory")
    m.add_argument("--devices", type=int, default=2000)
    args = parser.parse_args()
    if args.bench == "fanout":
        fanout(args.devices, args.workers, args.groups, args.client, args.database_url)
    else:
        memory(args.devices)


if __name__ == "__main__":
    main()
