"""A minimal MQTT 3.1.1 subscriber for the fan-out benchmark's device side (bench only).

Ten thousand devices each have their own processor in the field; in the benchmark they share two cores
with the broker and the server. A full client library (aiomqtt over paho) spends about 300 µs of Python
per received message there, so the *harness* would be what is measured. This one speaks only what a
subscribing device needs: CONNECT with user name and password, SUBSCRIBE, receiving PUBLISH (QoS 0 and 1,
answered with PUBACK) and PINGREQ. The commands it receives are checked by the real protocol code
(``CommandVerifier``) in the benchmark, not here.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Callable

CONNACK, PUBLISH, PUBACK, SUBACK, PINGRESP = 0x20, 0x30, 0x40, 0x90, 0xD0


def _length(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(value: str) -> bytes:
    raw = value.encode()
    return struct.pack("!H", len(raw)) + raw


def _packet(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + _length(len(body)) + body


class Subscriber(asyncio.Protocol):
    """One device's connection. ``on_message(topic, payload)`` runs for every PUBLISH received."""

    def __init__(
        self,
        *,
        client_id: str,
        username: str,
        password: str,
        topics: list[str],
        on_message: Callable[[str, bytes], None],
        keepalive: int = 120,
    ) -> None:
        self.client_id, self.username, self.password = client_id, username, password
        self.topics, self.on_message, self.keepalive = topics, on_message, keepalive
        self.subscribed: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        flags = 0x80 | 0x40 | 0x02  # user name, password, clean session
        variable = _string("MQTT") + bytes([4, flags]) + struct.pack("!H", self.keepalive)
        payload = _string(self.client_id) + _string(self.username) + _string(self.password)
        transport.write(_packet(0x10, variable + payload))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.subscribed.done():
            self.subscribed.set_exception(ConnectionError(f"{self.client_id}: connection lost ({exc})"))

    def data_received(self, data: bytes) -> None:
        self._buffer.extend(data)
        buffer = self._buffer
        while len(buffer) >= 2:
            length, multiplier, index = 0, 1, 1
            while True:
                if index >= len(buffer):
                    return  # the length itself is incomplete
                byte = buffer[index]
                length += (byte & 0x7F) * multiplier
                multiplier *= 128
                index += 1
                if not byte & 0x80:
                    break
            if len(buffer) < index + length:
                return
            self._handle(buffer[0], bytes(buffer[index : index + length]))
            del buffer[: index + length]

    def _handle(self, header: int, body: bytes) -> None:
        kind = header & 0xF0
        if kind == PUBLISH:
            qos = (header >> 1) & 0x03
            (size,) = struct.unpack_from("!H", body)
            topic = body[2 : 2 + size].decode()
            offset = 2 + size
            if qos:
                packet_id = body[offset : offset + 2]
                offset += 2
                assert self.transport is not None
                self.transport.write(bytes([PUBACK, 2]) + packet_id)
            self.on_message(topic, body[offset:])
        elif kind == CONNACK:
            if body[1] != 0:
                self.subscribed.set_exception(ConnectionRefusedError(f"{self.client_id}: CONNACK {body[1]}"))
                return
            filters = b"".join(_string(t) + b"\x01" for t in self.topics)
            assert self.transport is not None
            self.transport.write(_packet(0x82, struct.pack("!H", 1) + filters))
        elif kind == SUBACK:
            if any(code == 0x80 for code in body[2:]):
                self.subscribed.set_exception(PermissionError(f"{self.client_id}: subscription refused"))
            elif not self.subscribed.done():
                self.subscribed.set_result(True)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.write(bytes([0xE0, 0]))  # DISCONNECT
            self.transport.close()


async def subscribe(
    host: str,
    port: int,
    *,
    client_id: str,
    username: str,
    password: str,
    topics: list[str],
    on_message: Callable[[str, bytes], None],
) -> Subscriber:
    """Connect, subscribe (QoS 1) and return once the broker granted every topic."""
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(
        lambda: Subscriber(
            client_id=client_id, username=username, password=password, topics=topics, on_message=on_message
        ),
        host,
        port,
    )
    await protocol.subscribed
    return protocol
