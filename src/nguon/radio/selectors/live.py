"""Reads of live sessions: the sessions a person may operate, one session, what an encoder needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db.models import QuerySet

from nguon.core import access
from nguon.radio import icecast
from nguon.radio.models import LiveSession
from nguon.radio.services.live import protocol_id, source_password, stream_url
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit


def list_sessions(*, user: Any) -> QuerySet[LiveSession]:
    return access.scope(
        user, LiveSession.objects.select_related("unit", "started_by"), access.BROADCAST_OPERATE
    ).order_by("-started_at")


def get_session(*, user: Any, pk: int) -> LiveSession:
    """The session, or 404 outside the person's communes."""
    return access.get_scoped_or_404(
        user, LiveSession.objects.select_related("unit", "started_by"), access.BROADCAST_OPERATE, pk=pk
    )


def live_communes(*, user: Any) -> list[AdministrativeUnit]:
    """The communes where the person may broadcast live."""
    return list(
        access.scope(
            user,
            AdministrativeUnit.objects.filter(is_current=True, level=UnitLevel.COMMUNE),
            access.BROADCAST_OPERATE,
        ).order_by("path")
    )


@dataclass(frozen=True)
class EncoderSettings:
    """What to type into a hardware encoder (Icecast 2, SOURCE/PUT, MP3) to feed a session."""

    host: str
    port: int
    mount: str
    username: str
    password: str
    stream_url: str
    protocol_id: str


def encoder_settings(session: LiveSession) -> EncoderSettings:
    ice = icecast.current_settings()
    public = urlsplit(ice.listen_url)
    return EncoderSettings(
        host=public.hostname or "127.0.0.1",
        port=public.port or (443 if public.scheme == "https" else 80),
        mount=session.mount,
        username=icecast.SOURCE_USER,
        password=source_password(session),
        stream_url=stream_url(session),
        protocol_id=protocol_id(session),
    )


def has_signal(session: LiveSession) -> bool:
    """Whether Icecast has a source (sound) on the session's mount right now."""
    return session.mount in icecast.live_mounts(icecast.current_settings(), timeout=1.0)
