"""Fan-out benchmark (issue 5): one emergency command to N devices through Mosquitto, beside a bare
publish of the same size to the same subscribers in the same run. Run it through ``bench/devices.py fanout``
(the module docstring there explains the rounds and options).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import free_port, raise_file_limit  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
SERVER, SERVER_PASSWORD = "nguon-server", "bench-server-password-0123456789"
#: Each kind once early and once late: whichever round comes second is slower on these machines.
ROUNDS = ("bare", "signed", "signed", "bare")


def start_broker(
    directory: Path, port: int, credentials: list[tuple[str, str]] | None
) -> subprocess.Popen[bytes]:
    """Mosquitto on ``port``: with the generated passwd/acl when ``credentials`` are given, else anonymous."""
    directory.mkdir(parents=True, exist_ok=True)
    extra = ["user root"] if os.geteuid() == 0 else []
    if credentials is None:
        conf = f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 1000\n" + "\n".join(
            extra
        )
    else:
        from nguon.devices.broker_config import (
            ACL_FILE,
            PASSWORD_FILE,
            mosquitto_conf,
            render,
        )  # needs Django

        files = render(server_username=SERVER, server_password=SERVER_PASSWORD, credentials=credentials)
        (directory / PASSWORD_FILE).write_text(files.passwd)
        (directory / ACL_FILE).write_text(files.acl)
        conf = mosquitto_conf(directory, bind="127.0.0.1", port=port, extra=extra).replace(
            "persistence true", "persistence false"
        )
    (directory / "mosquitto.conf").write_text(conf)
    process = subprocess.Popen(
        [MOSQUITTO, "-c", str(directory / "mosquitto.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            time.sleep(0.05)
        else:
            return process
    raise RuntimeError("mosquitto did not start")


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "no data"
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, (len(ordered) * 99) // 100)]
    return f"p50 {p50 * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms   (n={len(ordered)})"


# -- fan-out ----------------------------------------------------------------------------------------------
def _verify_after_round(pending: list[tuple[str, Any, bytes, float]]) -> list[tuple[str, str, float]]:
    """Check each received signed command with its device's verifier, as if each device checked its own
    command on its own processor the moment it arrived: (kind, device, instant) for arrival and check."""
    from nguon.devices.protocol.commands import CommandRefusedError

    seen = []
    for device_id, verify, payload, arrived in pending:
        started = time.perf_counter()
        try:
            verify(payload)
            kind = "signed"
        except CommandRefusedError as refusal:
            kind = f"refused:{refusal.reason}"
        seen.append(("signed-arrival", device_id, arrived))
        seen.append((kind, device_id, arrived + time.perf_counter() - started))
    return seen


def _fanout_worker(
    port: int, devices: list[tuple[str, str, str]], public_key: str, ready: Any, results: Any
) -> None:
    import aiomqtt

    from nguon.devices.protocol.commands import CommandVerifier
    from nguon.devices.protocol.keys import VerifyKey
    from nguon.devices.protocol.replay import MemorySequenceStore

    key = VerifyKey.from_b64(public_key)
    seen: list[tuple[str, str, float]] = []
    pending: list[tuple[str, Any, bytes, float]] = []

    async def device(
        device_id: str,
        password: str,
        group: str,
        *,
        gate: asyncio.Semaphore,
        connected: list[int],
        done: asyncio.Event,
    ) -> None:
        verifier = CommandVerifier(
            device_id=device_id,
            public_key=key,
            sequences=MemorySequenceStore(),
            groups=frozenset({group} - {""}),
        )
        async with gate:
            client = aiomqtt.Client(
                "127.0.0.1", port, username=device_id, password=password, identifier=device_id, keepalive=120
            )
            await client.__aenter__()
            subscriptions = [(f"nguon/v1/d/{device_id}/cmd", 1)]
            if group:
                subscriptions.append((f"nguon/v1/g/{group}/cmd", 1))
            await client.subscribe(subscriptions)
        connected[0] += 1
        got = 0
        async for message in client.messages:
            payload = bytes(message.payload)  # type: ignore[arg-type]
            if payload.startswith(b"BARE"):
                seen.append(("bare", device_id, time.time()))
            else:  # verified after the round, so that one device's check does not delay another's arrival
                arrived = time.time()
                pending.append((device_id, verifier, payload, arrived))
            got += 1
            if got == len(ROUNDS):
                break
        done.set()
        await client.__aexit__(None, None, None)

    async def main() -> None:
        gate = asyncio.Semaphore(100)
        connected = [0]
        events = [asyncio.Event() for _ in devices]
        tasks = [
            asyncio.create_task(device(d, p, g, gate=gate, connected=connected, done=e))
            for (d, p, g), e in zip(devices, events, strict=True)
        ]
        while connected[0] < len(devices):
            await asyncio.sleep(0.1)
        ready.put(len(devices))
        await asyncio.wait(tasks, timeout=120)
        seen.extend(_verify_after_round([(d, v.verify, p, a) for d, v, p, a in pending]))
        results.put(seen)

    raise_file_limit()
    asyncio.run(main())


def _fanout_worker_lite(
    port: int, devices: list[tuple[str, str, str]], public_key: str, ready: Any, results: Any
) -> None:
    """As :func:`_fanout_worker`, with the minimal subscriber of ``bench/mqtt_lite.py`` per device."""
    from mqtt_lite import subscribe

    from nguon.devices.protocol.commands import CommandVerifier
    from nguon.devices.protocol.keys import VerifyKey
    from nguon.devices.protocol.replay import MemorySequenceStore

    key = VerifyKey.from_b64(public_key)
    seen: list[tuple[str, str, float]] = []
    pending: list[tuple[str, bytes, float]] = []
    got = [0]
    now = time.time

    def receiver(device_id: str) -> Any:
        def on_message(_topic: str, payload: bytes) -> None:
            if payload.startswith(b"BARE"):
                seen.append(("bare", device_id, now()))
            else:  # verified after the round, so that one device's check does not delay another's arrival
                pending.append((device_id, payload, now()))
            got[0] += 1

        return on_message

    async def main() -> None:
        gate = asyncio.Semaphore(200)

        async def connect(device_id: str, password: str, group: str) -> Any:
            for attempt in range(5):  # as a device does: the broker may reset a connection under a burst
                try:
                    async with gate:
                        return await subscribe(
                            "127.0.0.1",
                            port,
                            client_id=device_id,
                            username=device_id,
                            password=password,
                            topics=[f"nguon/v1/d/{device_id}/cmd"]
                            + ([f"nguon/v1/g/{group}/cmd"] if group else []),
                            on_message=receiver(device_id),
                        )
                except (ConnectionError, OSError):
                    if attempt == 4:
                        raise
                    await asyncio.sleep(0.5 * (attempt + 1))
            raise AssertionError("unreachable")

        try:
            clients = await asyncio.gather(*(connect(d, p, g) for d, p, g in devices))
        except Exception as error:
            ready.put(f"{type(error).__name__}: {error}")  # the parent stops at once instead of waiting
            raise
        ready.put(len(devices))
        deadline = time.monotonic() + 120
        while got[0] < len(devices) * len(ROUNDS) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for client in clients:
            client.close()
        groups = {d: g for d, _, g in devices}
        verifiers = {
            d: CommandVerifier(
                device_id=d,
                public_key=key,
                sequences=MemorySequenceStore(),
                groups=frozenset({groups[d]} - {""}),
            )
            for d in groups
        }
        seen.extend(_verify_after_round([(d, verifiers[d].verify, p, a) for d, p, a in pending]))
        results.put(seen)

    raise_file_limit()
    asyncio.run(main())


def _protocol_fleet(
    count: int, groups: int
) -> tuple[list[tuple[str, str, str]], list[Any], str, Any, list[str]]:
    """Devices, their broker credentials and a fresh signing key, with no database: the signed rounds
    are signed by the protocol code itself."""
    os.environ.setdefault("NGUON_ENV", "test")
    os.environ.setdefault("NGUON_DATA_DIR", tempfile.mkdtemp(prefix="nguon-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nguon.settings")
    import django

    django.setup()
    from nguon.devices.credentials import ActiveCredential, mosquitto_hash, new_secret
    from nguon.devices.protocol.keys import SigningKey

    key = SigningKey.generate()
    group_ids = [f"g-{19000 + n:05d}-speaker" for n in range(groups)]
    devices = [(f"d-{i:012x}", new_secret(), group_ids[i % groups] if groups else "") for i in range(count)]
    started = time.perf_counter()
    credentials = [ActiveCredential(d, mosquitto_hash(p), g) for d, p, g in devices]
    print(f"{count} device credentials hashed in {time.perf_counter() - started:.1f} s")
    return devices, credentials, key.public_b64(), key, group_ids


def _wait_connected(ready: Any, workers: int) -> None:
    """Until every device process reports its devices subscribed; stop at once if one could not connect."""
    for _ in range(workers):
        answer = ready.get(timeout=600)
        if isinstance(answer, str):
            raise SystemExit(f"a device process could not connect: {answer}")


def fanout(count: int, workers: int, groups: int, client_kind: str, database_url: str | None) -> None:
    raise_file_limit()
    if database_url:
        from fanout_server import server_fleet

        started = time.perf_counter()
        server = server_fleet(count, database_url, groups=bool(groups))
        devices, credentials, public_key = server.devices, server.credentials, server.public_key
        group_ids = sorted({g for _, _, g in devices if g})
        print(
            f"server path: {count} devices registered and credentialed in {time.perf_counter() - started:.1f} s"
        )
        key = None
    else:
        server = None
        devices, credentials, public_key, key, group_ids = _protocol_fleet(count, groups)
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    print(f"machine: {os.cpu_count()} cores; load average {Path('/proc/loadavg').read_text()[:14]}")
    port = free_port()
    broker = start_broker(Path(tempfile.mkdtemp(prefix="nguon-bench-broker-")), port, credentials)
    ctx = multiprocessing.get_context("fork")
    ready, results = ctx.Queue(), ctx.Queue()
    slices = [devices[i::workers] for i in range(workers)]
    worker = _fanout_worker_lite if client_kind == "lite" else _fanout_worker
    procs = [ctx.Process(target=worker, args=(port, s, public_key, ready, results)) for s in slices]
    print(f"device side: {client_kind} subscribers")
    if server is not None:
        server.close_connections()
    try:
        started = time.perf_counter()
        for proc in procs:
            proc.start()
        _wait_connected(ready, len(procs))
        print(
            f"{count} devices connected in {time.perf_counter() - started:.1f} s ({workers} worker processes)"
        )
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-server")
        client.username_pw_set(SERVER, SERVER_PASSWORD)
        client.max_inflight_messages_set(1000)
        client.connect("127.0.0.1", port)
        client.loop_start()
        targets = _targets(devices, group_ids)
        if server is not None:
            server.use_broker(port, SERVER, SERVER_PASSWORD)
            print("signed rounds: services.commands.send_commands (database, audit, real publisher)")
        starts, notes = _publish_rounds(client, key, targets, server)
        client.loop_stop()
        _report([s for _ in procs for s in results.get(timeout=180)], starts, notes, count)
    finally:
        for proc in procs:
            proc.join(5)
            if proc.is_alive():
                proc.terminate()
        broker.terminate()
        broker.wait(10)


def _targets(devices: list[tuple[str, str, str]], group_ids: list[str]) -> list[tuple[str, dict[str, str]]]:
    """Where a round publishes: each group's topic (level 2), or each device's own (level 1)."""
    if group_ids:
        sizes = sorted(sum(1 for _, _, g in devices if g == gid) for gid in group_ids)
        print(f"{len(group_ids)} command groups of {sizes[0]}–{sizes[-1]} devices (protocol level 2)")
        return [(f"nguon/v1/g/{g}/cmd", {"group": g}) for g in group_ids]
    print("one command per device on its own topic (protocol level 1)")
    return [(f"nguon/v1/d/{d}/cmd", {"device": d}) for d, _, _ in devices]


def _publish_rounds(
    client: Any, key: Any, targets: list[tuple[str, dict[str, str]]], server: Any
) -> tuple[dict[str, list[float]], list[str]]:
    """Publish every round of :data:`ROUNDS` to ``targets`` (topic, address: device or group); return each
    kind's start instants and notes. With ``server``, a signed round is the service's ``send_commands``."""
    from nguon.devices.protocol.commands import encode, sign_command
    from nguon.devices.protocol.keys import SigningKey

    item = {
        "id": "canh-bao",
        "media": {"sha256": "a" * 64, "size": 1, "mime": "audio/mpeg", "url": "/m"},
        "duration_ms": 60000,
    }
    sizing = key or SigningKey.generate()  # the same envelope size whichever key signs it
    sample = encode(sign_command(sizing, **targets[0][1], seq=1, type="emergency-start", body={"item": item}))
    bare = b"BARE" + b"x" * (len(sample) - 4)
    starts: dict[str, list[float]] = {"bare": [], "signed": []}
    notes: list[str] = []
    for number, kind in enumerate(ROUNDS, start=1):
        t0 = time.time()
        if kind == "signed" and server is not None:
            t0, note = server.signed_round(item)
            notes.append(f"round {number} (signed): {note}")
            starts[kind].append(t0)
            time.sleep(2)
            continue
        if kind == "bare":
            payloads = [bare] * len(targets)
        else:
            seq = len(starts["signed"]) + 1
            body = {"item": item}
            payloads = [
                encode(sign_command(key, **to, seq=seq, type="emergency-start", body=body, check=i == 0))
                for i, (_, to) in enumerate(targets)
            ]
            notes.append(
                f"round {number}: signing {len(targets)} envelopes took {(time.time() - t0) * 1000:.0f} ms"
            )
        infos = [client.publish(topic, p, qos=1) for (topic, _), p in zip(targets, payloads, strict=True)]
        for info in infos:
            info.wait_for_publish(60)
        notes.append(
            f"round {number} ({kind}): all published (PUBACK) after {(time.time() - t0) * 1000:.0f} ms"
        )
        starts[kind].append(t0)
        time.sleep(2)
    return starts, notes


def _latencies(seen: list[tuple[str, str, float]], starts: dict[str, list[float]], kind: str) -> list[float]:
    """The n-th message of a kind a device got belongs to the n-th round of that kind."""
    out: list[float] = []
    counter: dict[str, int] = {}
    base = starts["bare" if kind == "bare" else "signed"]
    for what, device_id, instant in sorted(seen, key=lambda s: s[2]):
        if what != kind:
            continue
        n = counter.get(device_id, 0)
        counter[device_id] = n + 1
        if n < len(base):
            out.append(instant - base[n])
    return out


def _report(
    seen: list[tuple[str, str, float]], starts: dict[str, list[float]], notes: list[str], count: int
) -> None:
    bare_lat = _latencies(seen, starts, "bare")
    arrival = _latencies(seen, starts, "signed-arrival")
    signed_lat = _latencies(seen, starts, "signed")
    refused = [kind for kind, _, _ in seen if kind.startswith("refused")]
    print(f"rounds: {', '.join(ROUNDS)} ({count} devices each)")
    print(f"bare publish, time to arrival:          {_percentiles(bare_lat)}")
    print(f"signed emergency, time to arrival:      {_percentiles(arrival)}")
    print(f"signed emergency, time to verification: {_percentiles(signed_lat)}")
    for note in notes:
        print(f"  {note}")
    if bare_lat and signed_lat:
        p99 = (
            sorted(signed_lat)[(len(signed_lat) * 99) // 100] / sorted(bare_lat)[(len(bare_lat) * 99) // 100]
        )
        lost = 2 * count - len(signed_lat)
        print(f"p99 signed / bare: {p99:.2f}×   lost: {lost}   refused: {len(refused)}")
