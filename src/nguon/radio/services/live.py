"""Live broadcasts (phát trực tiếp): an operator's microphone or a hardware encoder, through Icecast, on the
speaker clusters of a commune (or of some residential units, or of a device group).

1. :func:`start_live` makes the session: its own Icecast mount ``/live-<commune code>-<n>.mp3`` and source
   password (sealed in the database), the devices it will reach. Icecast is told about the new mount.
2. The sound arrives on the mount: the browser's chunks (:func:`receive_chunk`, relayed by
   :mod:`nguon.radio.live_relay`) or an encoder configured with the host, port, mount and password.
3. :func:`go_on_air` sends a signed ``live-start`` with the stream URL to the devices: they switch at once
   (never over an emergency) and relay it until :func:`end_live` sends ``live-stop``; then the schedule
   goes on.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nguon.core import access, audit, crypto
from nguon.core.text import nfc
from nguon.devices.choices import CommandType
from nguon.devices.models import DeviceGroup
from nguon.devices.services.actors import actor_user
from nguon.devices.services.commands import send_commands
from nguon.radio import icecast, live_relay
from nguon.radio.choices import LiveKind, LiveStatus
from nguon.radio.models import LiveSession
from nguon.radio.services.playnow import playnow_devices
from nguon.units.models import AdministrativeUnit

PASSWORD_PURPOSE = "radio-live-source"  # noqa: S105 — a key-derivation label, not a password
PROTOCOL_PREFIX = "lv-"
_FIELDS = ("title", "kind", "mount", "status", "started_at", "ended_at")


def protocol_id(session: LiveSession) -> str:
    """The id devices know the session by (``live-start`` / ``live-stop`` and their receipts)."""
    return f"{PROTOCOL_PREFIX}{session.pk}"


def source_password(session: LiveSession) -> str:
    return crypto.unseal(session.source_password_sealed, purpose=PASSWORD_PURPOSE)


def stream_url(session: LiveSession) -> str:
    """What the devices open."""
    return icecast.current_settings().listen_url + session.mount


def source_target(session: LiveSession) -> str:
    """Where ffmpeg sends the microphone's sound (this host's Icecast, the session's own password)."""
    ice = icecast.current_settings()
    host = ice.local_url.split("://", 1)[1]
    return f"icecast://{icecast.SOURCE_USER}:{source_password(session)}@{host}{session.mount}"


def relay_dir(session: LiveSession) -> Path:
    return live_relay.session_dir(Path(settings.DATA_DIR), session.pk)


def active_mounts() -> list[icecast.Mount]:
    """The mounts Icecast must accept: sessions waiting or on air."""
    mounts = []
    for session in LiveSession.objects.exclude(status=LiveStatus.ENDED).order_by("pk"):
        try:
            mounts.append(icecast.Mount(session.mount, source_password(session), session.title))
        except crypto.UnreadableSecretError:
            continue  # NGUON_SECRET_KEY changed: that session cannot be fed any more
    return mounts


def sync_icecast() -> bool:
    """Rewrite Icecast's configuration with the active mounts and make a running Icecast read it.
    Returns False when no Icecast runs here (the file is written anyway, for the next start)."""
    ice = icecast.current_settings()
    if not ice.config_path.exists() and icecast.running_pid(ice) is None:
        return False
    icecast.write_config(ice, active_mounts())
    return icecast.reload(ice)


def _new_mount(unit: AdministrativeUnit) -> str:
    n = LiveSession.objects.filter(unit=unit).count() + 1
    while True:
        mount = f"/live-{unit.code}-{n}.mp3"
        if not LiveSession.objects.filter(mount=mount).exists():
            return mount
        n += 1


def start_live(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    title: str,
    kind: str,
    residential_units: Sequence[AdministrativeUnit] | None = None,
    group: DeviceGroup | None = None,
) -> LiveSession:
    """A new live session of ``unit``, waiting for its sound; nothing is on air yet."""
    access.require(actor, access.BROADCAST_OPERATE, unit=unit)
    clean_title = nfc(title).strip()
    if not clean_title:
        raise ValidationError({"title": "Nhập tiêu đề cho buổi phát trực tiếp."})
    if len(clean_title) > 300:
        raise ValidationError({"title": "Tiêu đề dài quá 300 ký tự."})
    if kind not in LiveKind.values:
        raise ValidationError({"kind": "Chọn nguồn phát: micrô trên trình duyệt hoặc bộ mã hóa."})
    devices = playnow_devices(unit=unit, residential_units=residential_units, group=group)
    if not devices:
        raise ValidationError({"target": "Nơi đã chọn không có cụm loa nào đang hoạt động."})
    with transaction.atomic():
        session = LiveSession.objects.create(
            unit=unit,
            title=clean_title,
            kind=kind,
            mount=_new_mount(unit),
            source_password_sealed=crypto.seal(secrets.token_urlsafe(18), purpose=PASSWORD_PURPOSE),
            status=LiveStatus.WAITING,
            started_by=actor_user(actor),
            started_at=timezone.now(),
        )
        session.devices.set(devices)
        audit.record(
            actor=actor,
            action="radio.live.start",
            target=session,
            unit=unit,
            after={**audit.snapshot(session, _FIELDS), "devices": [d.device_id for d in devices]},
        )
        transaction.on_commit(sync_icecast)
    return session


def _editable(actor: Any, session: LiveSession) -> LiveSession:
    access.require(actor, access.BROADCAST_OPERATE, unit=session.unit)
    locked = LiveSession.objects.select_for_update().select_related("unit").get(pk=session.pk)
    if locked.status == LiveStatus.ENDED:
        raise ValidationError({"status": "Buổi phát trực tiếp này đã kết thúc."})
    return locked


def go_on_air(*, actor: Any, session: LiveSession, check_signal: bool = True) -> LiveSession:
    """Switch the session's devices to its stream (signed ``live-start``). With ``check_signal``, refused
    while Icecast has no sound on the mount yet, so loudspeakers never relay silence or an error."""
    access.require(actor, access.BROADCAST_OPERATE, unit=session.unit)
    if check_signal and session.mount not in icecast.live_mounts(icecast.current_settings()):
        raise ValidationError(
            {"status": "Chưa có tín hiệu trên điểm phát: hãy bật micrô hoặc bộ mã hóa rồi thử lại."}
        )
    with transaction.atomic():
        locked = _editable(actor, session)
        if locked.status == LiveStatus.ON_AIR:
            return locked
        before = audit.snapshot(locked, _FIELDS)
        body: dict[str, Any] = {
            "id": protocol_id(locked),
            "title": locked.title,
            "stream": {"url": stream_url(locked), "mime": "audio/mpeg"},
        }
        send_commands(
            actor=actor,
            devices=list(locked.devices.select_related("unit")),
            type=CommandType.LIVE_START,
            body=body,
        )
        locked.status = LiveStatus.ON_AIR
        locked.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="radio.live.on_air",
            target=locked,
            unit=locked.unit,
            before=before,
            after={**audit.snapshot(locked, _FIELDS), "stream": body["stream"]["url"]},
        )
    return locked


def end_live(*, actor: Any, session: LiveSession) -> LiveSession:
    """End the session: ``live-stop`` to its devices (when on air), the relay stopped, the mount removed."""
    with transaction.atomic():
        access.require(actor, access.BROADCAST_OPERATE, unit=session.unit)
        locked = LiveSession.objects.select_for_update().select_related("unit").get(pk=session.pk)
        if locked.status == LiveStatus.ENDED:
            return locked
        before = audit.snapshot(locked, _FIELDS)
        if locked.status == LiveStatus.ON_AIR:
            send_commands(
                actor=actor,
                devices=list(locked.devices.select_related("unit")),
                type=CommandType.LIVE_STOP,
                body={"id": protocol_id(locked)},
            )
        locked.status = LiveStatus.ENDED
        locked.ended_at = timezone.now()
        locked.save(update_fields=["status", "ended_at"])
        audit.record(
            actor=actor,
            action="radio.live.end",
            target=locked,
            unit=locked.unit,
            before=before,
            after=audit.snapshot(locked, _FIELDS),
        )
        directory = relay_dir(locked)

        def after_commit() -> None:
            live_relay.stop(directory)
            sync_icecast()

        transaction.on_commit(after_commit)
    return locked


def receive_chunk(*, actor: Any, session: LiveSession, seq: int, data: bytes) -> bool:
    """One chunk of the browser's microphone recording (WebM/Opus), in order from 0. Returns False for a
    chunk already received (a retry). The sound goes to Icecast; nothing is written to the database."""
    access.require(actor, access.BROADCAST_OPERATE, unit=session.unit)
    if session.kind != LiveKind.MICROPHONE:
        raise ValidationError({"kind": "Buổi phát này nhận tín hiệu từ bộ mã hóa, không từ micrô."})
    if session.status == LiveStatus.ENDED:
        raise ValidationError({"status": "Buổi phát trực tiếp này đã kết thúc."})
    if seq < 0:
        raise ValidationError({"seq": "Số thứ tự đoạn âm thanh không hợp lệ."})
    if not data:
        raise ValidationError({"chunk": "Đoạn âm thanh rỗng."})
    try:
        return live_relay.append_chunk(relay_dir(session), seq=seq, data=data, target=source_target(session))
    except live_relay.ChunkOutOfOrderError as error:
        raise ValidationError({"seq": f"Thiếu đoạn âm thanh số {error.expected}."}) from None
    except ValueError:
        raise ValidationError({"chunk": "Đoạn âm thanh quá lớn hoặc buổi phát đã kết thúc."}) from None
