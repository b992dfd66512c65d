"""A station's broadcast settings (quiet hours, fallback audio, days ahead, two-person emergency rule), and
the audio files operators upload for running orders and fallback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nguon.content.choices import AttachmentKind
from nguon.content.models import MediaBlob
from nguon.content.services.attachments import Upload, stored_blob
from nguon.core import access, audit
from nguon.radio import recurrence
from nguon.radio.models import BroadcastSettings, Programme
from nguon.radio.services import programmes
from nguon.units.models import AdministrativeUnit

#: How many days ahead a station may schedule (the manifests a device holds).
MIN_HORIZON_DAYS, MAX_HORIZON_DAYS = 1, 31
#: How far ahead new quiet hours are checked against the station's programmes.
QUIET_CHECK_DAYS = 31
AUDIO_ONLY = frozenset({AttachmentKind.AUDIO.value})
_FIELDS = ("quiet_start", "quiet_end", "horizon_days", "emergency_second_approver")


def _check_quiet_hours(unit: AdministrativeUnit, quiet_start: time, quiet_end: time) -> None:
    """Refuse quiet hours that would silence an airing of an active programme in the next month."""
    zone = programmes.tz()
    today = timezone.localtime(timezone.now(), zone).date()
    last = today + timedelta(days=QUIET_CHECK_DAYS)
    for programme in Programme.objects.filter(unit=unit, is_active=True).order_by("start_time", "title"):
        rule = programmes.rule_of(programme)
        for day in recurrence.local_dates(rule, today, last):
            slot = recurrence.slot_on(rule, day, zone)
            if recurrence.in_quiet_hours(slot, quiet_start, quiet_end, zone):
                message = (
                    f"Chương trình «{programme.title}» phát lúc {programme.start_time:%H:%M} ngày "
                    f"{day:%d/%m/%Y}, rơi vào giờ yên tĩnh mới {quiet_start:%H:%M}–{quiet_end:%H:%M}. "
                    "Đổi giờ hoặc tạm dừng chương trình đó trước."
                )
                raise ValidationError({"quiet_start": [message]})


def save_settings(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    quiet_start: time,
    quiet_end: time,
    fallback_blob: MediaBlob | None,
    horizon_days: int,
    emergency_second_approver: bool,
) -> BroadcastSettings:
    """Change ``unit``'s broadcast settings. Needs ``broadcast.operate`` there; changing the two-person
    emergency rule also needs ``broadcast.emergency``. Occurrences are re-made for the new horizon."""
    access.require(actor, access.BROADCAST_OPERATE, unit=unit)
    current = programmes.settings_for(unit)
    if bool(emergency_second_approver) != current.emergency_second_approver and not access.can(
        actor, access.BROADCAST_EMERGENCY, unit=unit
    ):
        raise ValidationError(
            {
                "emergency_second_approver": [
                    "Chỉ người phê duyệt phát khẩn cấp (đã xác thực hai lớp) mới đổi được quy định này."
                ]
            }
        )
    if not MIN_HORIZON_DAYS <= horizon_days <= MAX_HORIZON_DAYS:
        raise ValidationError(
            {"horizon_days": [f"Số ngày lập lịch trước phải từ {MIN_HORIZON_DAYS} đến {MAX_HORIZON_DAYS}."]}
        )
    if fallback_blob is not None and fallback_blob.kind != AttachmentKind.AUDIO:
        raise ValidationError({"fallback_blob": ["Âm thanh dự phòng phải là tệp âm thanh."]})
    if (quiet_start, quiet_end) != (current.quiet_start, current.quiet_end):
        _check_quiet_hours(unit, quiet_start, quiet_end)
    with transaction.atomic():
        row, created = BroadcastSettings.objects.select_for_update().get_or_create(unit=unit)
        before = None if created else {**audit.snapshot(row, _FIELDS), "fallback": row.fallback_blob_id}
        horizon_changed = row.horizon_days != horizon_days
        row.quiet_start, row.quiet_end = quiet_start, quiet_end
        row.fallback_blob = fallback_blob
        row.horizon_days = horizon_days
        row.emergency_second_approver = bool(emergency_second_approver)
        row.save()
        if horizon_changed:
            programmes.materialise_unit(unit)
        audit.record(
            actor=actor,
            action="radio.settings.update",
            target=row,
            unit=unit,
            before=before,
            after={**audit.snapshot(row, _FIELDS), "fallback": row.fallback_blob_id},
        )
        transaction.on_commit(lambda: _recompile(unit))
    return row


def _recompile(unit: AdministrativeUnit) -> None:
    from nguon.radio.services import compilation

    compilation.request_compile(unit)


@contextmanager
def stored_audio(*, actor: Any, unit: AdministrativeUnit, upload: Upload) -> Iterator[MediaBlob]:
    """Store an operator's audio file (checked by its bytes: audio only) for ``unit``'s station.

    Use inside the caller's transaction, like :func:`nguon.content.services.attachments.stored_blob`: if
    the caller's block fails (the programme is refused), neither the row nor the file is left behind.
    Raises :class:`nguon.content.files.RejectedFileError` for a file that is not readable audio.
    """
    access.require(actor, access.BROADCAST_OPERATE, unit=unit)
    with transaction.atomic(), stored_blob(upload, allowed_kinds=AUDIO_ONLY) as blob:
        audit.record(
            actor=actor,
            action="radio.audio.upload",
            target=blob,
            unit=unit,
            after={"sha256": blob.sha256, "size": blob.size, "name": str(getattr(upload, "name", ""))[:200]},
        )
        yield blob


def local_day(moment: datetime | None = None) -> date:
    """Today in the station's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localtime(moment or timezone.now(), programmes.tz()).date()
