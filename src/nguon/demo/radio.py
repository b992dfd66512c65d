"""Demo radio: daily programmes for the demo communes (so the calendar is filled), the stations' fallback
audio and quiet hours, written through the real services by the communes' own operators.

The audio is made here, offline: a short station jingle and a fallback tune by ffmpeg's tone generator,
and a spoken greeting by espeak-ng through the speech app, each stored once by content hash.
"""

from __future__ import annotations

import tempfile
import time as clock
from collections.abc import Callable
from datetime import time, timedelta
from pathlib import Path

import pyotp
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from nguon.accounts.models import User
from nguon.content.models import MediaBlob
from nguon.content.services.attachments import stored_blob
from nguon.demo.data import COMMUNE, OTHER_COMMUNE
from nguon.demo.totp import demo_totp_secret
from nguon.devices.choices import DeviceKind
from nguon.devices.models import Device
from nguon.devices.publisher import MemoryPublisher, use_publisher
from nguon.devices.services.registry import register_device
from nguon.radio.choices import ItemKind, TargetKind
from nguon.radio.models import EmergencyOrder, Programme
from nguon.radio.services.emergencies import request_emergency, stop_order
from nguon.radio.services.programmes import ItemInput, ProgrammeInput, save_programme, settings_for
from nguon.radio.services.settings import save_settings, stored_audio
from nguon.speech import ffmpeg
from nguon.speech.services import builtin_voice, synthesize_to_files
from nguon.units.models import AdministrativeUnit

GREETING = (
    "Đài truyền thanh xã Định Hóa xin kính chào bà con. Sau đây là chương trình phát thanh của xã, "
    "mời bà con đón nghe."
)


def _ffmpeg_tone(out: Path, *, seconds: int, notes: list[int]) -> None:
    """A few sine notes one after another, as MP3 (a jingle or a soft fallback loop)."""
    step = seconds / len(notes)
    inputs: list[str] = []
    for note in notes:
        inputs += ["-f", "lavfi", "-t", f"{step:.2f}", "-i", f"sine=frequency={note}:sample_rate=22050"]
    chain = "".join(f"[{i}:a]" for i in range(len(notes))) + f"concat=n={len(notes)}:v=0:a=1,volume=0.4"
    args = [
        "ffmpeg",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        *inputs,
        "-filter_complex",
        chain,
        "-b:a",
        "48k",
    ]
    done = ffmpeg.run([*args, str(out)])
    if done.returncode != 0:
        raise RuntimeError(
            f"ffmpeg could not make the demo audio: {done.stderr.decode(errors='replace')[-300:]}"
        )


def _store(path: Path, name: str) -> MediaBlob:
    upload = SimpleUploadedFile(name, path.read_bytes())
    with transaction.atomic(), stored_blob(upload) as blob:
        return blob


def _demo_files() -> dict[str, tuple[str, bytes]]:
    with tempfile.TemporaryDirectory(prefix="nguon-demo-radio-") as tmp:
        folder = Path(tmp)
        _ffmpeg_tone(folder / "jingle.mp3", seconds=6, notes=[523, 659, 784, 1047])
        _ffmpeg_tone(folder / "fallback.mp3", seconds=60, notes=[392, 440, 494, 440] * 3)
        spoken = synthesize_to_files(
            text=GREETING,
            voice=builtin_voice("vi"),
            out_dir=folder / "greeting",
            stem="greeting",
            with_opus=False,
        )
        return {
            "jingle": ("nhac-hieu.mp3", (folder / "jingle.mp3").read_bytes()),
            "fallback": ("nhac-nen.mp3", (folder / "fallback.mp3").read_bytes()),
            "greeting": ("loi-chao.mp3", spoken.mastered.mp3_path.read_bytes()),
        }


def _upload(
    operator: User, unit: AdministrativeUnit, files: dict[str, tuple[str, bytes]]
) -> dict[str, MediaBlob]:
    """The station's audio, uploaded by its operator the way the programme screen does (stored once)."""
    out = {}
    for key, (name, content) in files.items():
        with (
            transaction.atomic(),
            stored_audio(actor=operator, unit=unit, upload=SimpleUploadedFile(name, content)) as blob,
        ):
            out[key] = blob
    return out


#: (operator, title, local start, minutes, RRULE) of each demo programme; the operator's commune airs it.
PROGRAMMES = (
    ("dinhhoa.vanhanh", "Chương trình phát thanh buổi sáng", time(6, 0), 30, "FREQ=DAILY"),
    ("dinhhoa.vanhanh", "Chương trình phát thanh buổi chiều", time(17, 0), 30, "FREQ=DAILY"),
    ("dinhhoa.vanhanh", "Thông tin cuối tuần", time(9, 0), 15, "FREQ=WEEKLY;BYDAY=SA,SU"),
    ("pdp.vanhanh", "Chương trình phát thanh buổi sáng", time(6, 30), 20, "FREQ=DAILY"),
)


def _programme(
    title: str, start: time, minutes: int, rule: str, audio: dict[str, MediaBlob]
) -> ProgrammeInput:
    return ProgrammeInput(
        title=title,
        starts_on=timezone.localdate() - timedelta(days=7),
        start_time=start,
        duration_minutes=minutes,
        rrule=rule,
        target_kind=TargetKind.COMMUNE,
        items=[
            ItemInput(kind=ItemKind.JINGLE, title="Nhạc hiệu", blob_sha256=audio["jingle"].sha256),
            ItemInput(kind=ItemKind.AUDIO, title="Lời chào", blob_sha256=audio["greeting"].sha256),
            ItemInput(kind=ItemKind.JINGLE, title="Nhạc hiệu kết thúc", blob_sha256=audio["jingle"].sha256),
        ],
    )


#: Demo speaker clusters (serial, commune, name); they stay offline until a real agent uses their bundle.
CLUSTERS = (
    ("DEMO-05569-01", COMMUNE, "Cụm loa trụ sở UBND xã"),
    ("DEMO-05569-02", COMMUNE, "Cụm loa chợ Chợ Chu"),
    ("DEMO-05569-03", COMMUNE, "Cụm loa thôn Bãi Á"),
    ("DEMO-05443-01", OTHER_COMMUNE, "Cụm loa tổ dân phố Phan Đình Phùng"),
)
WARNING = (
    "Thông báo khẩn. Mưa lớn kéo dài, nước sông Chu đang lên nhanh. Đề nghị bà con vùng trũng ven sông "
    "di chuyển người và tài sản lên nơi cao, không qua ngầm tràn."
)


def _clusters() -> list[Device]:
    technician = User.objects.get(username="kythuat")
    made = []
    for serial, code, name in CLUSTERS:
        device = Device.objects.filter(serial=serial).first()
        if device is None:
            unit = AdministrativeUnit.objects.get(code=code, is_current=True, level="commune")
            device = register_device(
                actor=technician,
                kind=DeviceKind.SPEAKER_CLUSTER,
                serial=serial,
                unit=unit,
                name=name,
                vendor="Demo",
            )
        made.append(device)
    return made


def _past_emergency(say: Callable[[str], None]) -> None:
    """One emergency broadcast to Định Hóa, ordered by the provincial approver (with their demo TOTP code)
    and stopped, so the emergency list, the log and the CAP feed are not empty. The demo clusters are
    offline during the load, so the signed commands are kept in memory instead of going to a broker."""
    if EmergencyOrder.objects.exists():
        return
    approver = User.objects.get(username="pheduyet.tinh")
    approver.is_2fa_verified = True
    province = AdministrativeUnit.objects.get(
        code=settings.NGUON_PROVINCE_CODE, level="province", is_current=True
    )
    commune = AdministrativeUnit.objects.get(code=COMMUNE, is_current=True, level="commune")
    with tempfile.TemporaryDirectory(prefix="nguon-demo-em-") as tmp:
        spoken = synthesize_to_files(
            text=WARNING, voice=builtin_voice("vi"), out_dir=Path(tmp), stem="canh-bao", with_opus=False
        )
        blob = _store(spoken.mastered.mp3_path, "canh-bao-lu.mp3")
    previous = use_publisher(MemoryPublisher())
    try:
        order = request_emergency(
            actor=approver,
            issuer_unit=province,
            units=[commune],
            blob=blob,
            title="Cảnh báo lũ trên sông Chu",
            message=WARNING,
            # The previous 30-second step's code (still accepted): the current one stays free, so the approver
            # can sign in with it right after `make run` (a used step is never accepted again).
            totp_code=pyotp.TOTP(demo_totp_secret(approver.username)).at(clock.time() - 30),
        )
        stop_order(actor=approver, order=order)
    finally:
        use_publisher(previous)
    say(f"Demo emergency broadcast: {order.title} (started and stopped)")


def load_radio(*, say: Callable[[str], None] = lambda _: None) -> int:
    """Create the demo programmes of the communes that have none; returns how many were created."""
    files: dict[str, tuple[str, bytes]] | None = None
    created = 0
    for username in dict.fromkeys(p[0] for p in PROGRAMMES):
        operator = User.objects.get(username=username)
        unit = operator.home_unit
        if unit is None or Programme.objects.filter(unit=unit).exists():
            continue
        files = files or _demo_files()
        audio = _upload(operator, unit, files)
        defaults = settings_for(unit)
        save_settings(
            actor=operator,
            unit=unit,
            quiet_start=defaults.quiet_start,
            quiet_end=defaults.quiet_end,
            fallback_blob=audio["fallback"],
            horizon_days=defaults.horizon_days,
            emergency_second_approver=False,
        )
        for _, title, start, minutes, rule in (p for p in PROGRAMMES if p[0] == username):
            save_programme(actor=operator, unit=unit, data=_programme(title, start, minutes, rule, audio))
            created += 1
    say(f"Demo radio programmes: {created}")
    return created


def load_radio_devices(*, say: Callable[[str], None] = lambda _: None) -> None:
    """Demo speaker clusters and one past emergency broadcast (idempotent)."""
    say(f"Demo speaker clusters: {len(_clusters())}")
    _past_emergency(say)
