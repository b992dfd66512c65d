"""Helpers of the CAP tests: sample alerts (a flood warning for Thái Nguyên communes), speaker clusters,
approvers with a TOTP device, and emergency orders put on air through the real services."""

from __future__ import annotations

import io
import itertools
import math
import struct
import wave
from datetime import datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

import pyotp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from lxml import etree

from nguon.core.access import SystemActor
from nguon.radio.cap.schema import CAP_NS, cap_time

ACTOR = SystemActor("tests")
NDMA_SENDER = "canhbao@vndma.gov.vn"  # the national disaster authority in the samples
_serials = itertools.count(1)


def flood_alert(
    *,
    identifier: str = "VNDMA-2026-LU-0001",
    sender: str = NDMA_SENDER,
    sent: datetime | None = None,
    expires: datetime | None = None,
    msg_type: str = "Alert",
    status: str = "Actual",
    references: str = "",
    areas: list[tuple[str, list[tuple[str, str]]]] | None = None,
    namespace: str = CAP_NS,
    with_info: bool = True,
) -> bytes:
    """A CAP 1.2 flood warning; ``areas`` is [(areaDesc, [(valueName, value)…])…]."""
    sent = sent or timezone.now() - timedelta(minutes=5)
    expires = expires or timezone.now() + timedelta(hours=12)
    if areas is None:
        areas = [("Xã Định Hóa", [("DVHC", "05569")])]
    area_xml = "".join(
        "<area><areaDesc>{}</areaDesc>{}</area>".format(
            escape(desc),
            "".join(
                f"<geocode><valueName>{escape(n)}</valueName><value>{escape(v)}</value></geocode>"
                for n, v in codes
            ),
        )
        for desc, codes in areas
    )
    info = (
        "<info><language>vi-VN</language><category>Met</category><category>Geo</category>"
        "<event>Lũ quét, sạt lở đất</event><responseType>Evacuate</responseType><urgency>Immediate</urgency>"
        "<severity>Extreme</severity><certainty>Likely</certainty>"
        f"<effective>{cap_time(sent)}</effective><expires>{cap_time(expires)}</expires>"
        "<senderName>Cục Quản lý đê điều và Phòng, chống thiên tai</senderName>"
        "<headline>Cảnh báo lũ quét, sạt lở đất tại Thái Nguyên</headline>"
        "<description>Mưa lớn 150-250 mm trong 24 giờ qua; nguy cơ rất cao xảy ra lũ quét và sạt lở đất "
        "ở vùng núi và dọc các sông suối.</description>"
        "<instruction>Người dân vùng trũng thấp và ven suối di chuyển đến nơi an toàn; không qua ngầm, "
        "tràn.</instruction>"
        f"{area_xml}</info>"
        if with_info
        else ""
    )
    refs = f"<references>{escape(references)}</references>" if references else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="{namespace}">'
        f"<identifier>{escape(identifier)}</identifier><sender>{escape(sender)}</sender>"
        f"<sent>{cap_time(sent)}</sent><status>{status}</status><msgType>{msg_type}</msgType>"
        f"<scope>Public</scope>{refs}{info}</alert>"
    ).encode()


def wav_bytes(seconds: float = 0.4, frequency: int = 440) -> bytes:
    rate = 8000
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * n / rate)))
                for n in range(int(rate * seconds))
            )
        )
    return buffer.getvalue()


def store_blob(frequency: int = 440) -> Any:
    from nguon.content.services.attachments import stored_blob

    upload = SimpleUploadedFile(f"tone-{frequency}.wav", wav_bytes(frequency=frequency))
    with transaction.atomic(), stored_blob(upload) as blob:
        return blob


def add_cluster(unit: Any) -> Any:
    """A speaker cluster in ``unit`` (commands go to the in-memory publisher the test installs)."""
    from nguon.devices.services.registry import register_device

    return register_device(
        actor=ACTOR,
        kind="speaker_cluster",
        serial=f"CAP-{next(_serials):04d}",
        unit=unit,
        vendor="Thử nghiệm",
    )


def approver_with_totp(make_user: Any, unit: Any) -> tuple[Any, str]:
    """A provincial approver of ``unit`` with a confirmed TOTP device, and a code valid now."""
    from nguon.accounts.choices import Role
    from nguon.accounts.services import set_totp_secret
    from nguon.accounts.two_factor import current_code

    user = make_user(Role.PROVINCIAL_APPROVER, unit=unit)
    secret = pyotp.random_base32()
    set_totp_secret(actor=ACTOR, user=user, secret=secret)
    return user, current_code(secret)


def on_air_order(make_user: Any, issuer: Any, units: list[Any], *, title: str, frequency: int = 440) -> Any:
    """An emergency order requested and put on air through the real services (publishes the Alert)."""
    from nguon.radio.services.emergencies import request_emergency

    user, code = approver_with_totp(make_user, issuer)
    return request_emergency(
        actor=user,
        issuer_unit=issuer,
        units=units,
        blob=store_blob(frequency),
        title=title,
        message=f"{title}: người dân theo dõi loa truyền thanh.",
        totp_code=code,
    ), user


def cap_root(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode("utf-8"))


def text(root: etree._Element, path: str) -> list[str]:
    return [e.text or "" for e in root.iterfind(path, {"c": CAP_NS})]
