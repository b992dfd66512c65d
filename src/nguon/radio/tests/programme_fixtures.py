"""Fixtures of the programme screen and API tests: the people of a commune's station, a signed-in test
client, a real MP3 (made by ffmpeg) and programme inputs. Test modules import the fixtures they use."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.core.access import SystemActor

ACTOR = SystemActor("tests")


@dataclass
class Station:
    operator: Any  # commune operator of ``commune``
    approver: Any  # commune approver of ``commune`` (TOTP-verified)
    viewer: Any  # viewer of ``commune``
    other_operator: Any  # commune operator of ``other_commune``
    provincial: Any  # provincial approver (TOTP-verified)


@pytest.fixture
def station(make_user: Callable[..., Any], province: Any, commune: Any, other_commune: Any) -> Station:
    return Station(
        operator=make_user(Role.COMMUNE_OPERATOR, unit=commune),
        approver=make_user(Role.COMMUNE_APPROVER, unit=commune),
        viewer=make_user(Role.VIEWER, unit=commune),
        other_operator=make_user(Role.COMMUNE_OPERATOR, unit=other_commune),
        provincial=make_user(Role.PROVINCIAL_APPROVER, unit=province),
    )


@pytest.fixture
def signed_in(client: Any) -> Callable[..., Any]:
    """Sign ``user`` into the test client with a TOTP-verified session."""

    def do(user: Any) -> Any:
        client.logout()
        client.force_login(user)
        session = client.session
        session["nguon_2fa_user"] = user.pk
        session.save()
        return client

    return do


_MP3 = ("-ac", "1", "-q:a", "7")


def make_mp3(path: Path, seconds: float = 2.0) -> Path:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is installed by scripts/setup-os.sh")
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=550:duration={seconds}",
            *_MP3,
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


@pytest.fixture(scope="session")
def mp3_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_mp3(tmp_path_factory.mktemp("radio-audio") / "ban-tin.mp3").read_bytes()


@pytest.fixture
def audio_blob(db: Any, commune: Any, mp3_bytes: bytes) -> Any:
    """The MP3 stored as a MediaBlob through the radio upload service."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from nguon.radio.services.settings import stored_audio

    with (
        transaction.atomic(),
        stored_audio(
            actor=ACTOR, unit=commune, upload=SimpleUploadedFile("nhac-hieu.mp3", mp3_bytes)
        ) as blob,
    ):
        return blob


def tomorrow() -> date:
    from nguon.radio.services.settings import local_day

    return local_day() + timedelta(days=1)


def daily(title: str = "Bản tin sáng", at: time = time(6, 30), minutes: int = 30, **more: Any) -> Any:
    """A daily programme from tomorrow (so that no airing is already past)."""
    from nguon.radio.services.programmes import ProgrammeInput

    values: dict[str, Any] = {
        "title": title,
        "starts_on": tomorrow(),
        "start_time": at,
        "duration_minutes": minutes,
        "rrule": "FREQ=DAILY",
    }
    values.update(more)
    return ProgrammeInput(**values)


def form_data(unit_code: str = "05569", **overrides: Any) -> dict[str, Any]:
    """A valid POST of the programme form (daily 06:30 for 30 minutes, one silence line)."""
    data: dict[str, Any] = {
        "unit": unit_code,
        "title": "Bản tin sáng",
        "description": "",
        "start_time": "06:30",
        "duration_minutes": "30",
        "repeat": "daily",
        "starts_on": tomorrow().isoformat(),
        "ends_on": "",
        "exdates": "",
        "dates": "",
        "rrule": "",
        "month_day": "",
        "target_kind": "commune",
        "volume": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50",
        "items-0-ORDER": "1",
        "items-0-kind": "silence",
        "items-0-title": "",
        "items-0-seconds": "5",
    }
    data.update(overrides)
    return data


def commune_bulletin_without_audio(commune: Any, station: Station) -> Any:
    """A bulletin of the commune itself, approved (so airable) but with no audio made."""
    from nguon.content.models import Category
    from nguon.content.services import bulletins, workflow
    from nguon.content.services.bulletins import BulletinInput

    editor = station.approver
    b = bulletins.create_bulletin(
        actor=editor,
        unit=commune,
        data=BulletinInput(
            title="Thông báo lịch tiêm phòng cho đàn gia súc",
            category=Category.objects.get(code="chinh-sach-phap-luat"),
            body="<p>Xã tổ chức tiêm phòng lở mồm long móng từ ngày 1/12.</p>",
            target_scope="communes",
            targets=[commune],
        ),
    )
    workflow.submit(actor=editor, bulletin=b)
    b.refresh_from_db()
    if b.status not in {"approved", "distributed"}:
        workflow.approve(actor=editor, bulletin=b)
    b.refresh_from_db()
    return b
