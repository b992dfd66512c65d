"""Writing bulletins: create, edit (every saved change is a revision), targets, placement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nguon.content import html
from nguon.content.choices import EDITABLE_STATUSES, Channel, Language, Priority, SourceLevel, TargetScope
from nguon.content.models import Bulletin, BulletinRevision, BulletinTarget, Category
from nguon.content.services.search import index_bulletin
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit, Organisation

MAX_TITLE = 300


@dataclass
class BulletinInput:
    """What an author fills in; services validate it as a whole and report every problem at once."""

    title: str
    category: Category | None
    body: str = ""
    summary: str = ""
    language: str = Language.VI
    priority: str = Priority.NORMAL
    target_scope: str = TargetScope.PROVINCE
    targets: list[AdministrativeUnit] = field(default_factory=list)
    channels: list[str] = field(default_factory=lambda: [Channel.RADIO])
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    voice: Any = None


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    """The province a (current) unit belongs to."""
    if unit.level == UnitLevel.PROVINCE:
        return unit
    return AdministrativeUnit.objects.get(path=access.path_prefixes(unit.path)[0])


def placement(
    *, actor: Any, unit: AdministrativeUnit | None = None, organisation: Organisation | None = None
) -> tuple[AdministrativeUnit, str, Organisation | None]:
    """Where a new bulletin belongs and its source level, from the unit or organisation it is written for.

    A department's bulletin belongs to the province its department sits in; a commune's to the commune;
    the editorial board's to the province. Raises Http404 unless ``actor`` may write there.
    """
    if organisation is not None:
        access.require(actor, access.CONTENT_WRITE, organisation=organisation)
        org_unit = organisation.unit
        if org_unit.level == UnitLevel.COMMUNE:
            return org_unit, SourceLevel.COMMUNE, organisation
        return province_of(org_unit), SourceLevel.DEPARTMENT, organisation
    if unit is None:
        unit = access.acting_unit(actor, access.CONTENT_WRITE)
        if unit is None:
            raise ValidationError("Bạn chưa được phân quyền soạn bản tin ở đơn vị nào.")
    access.require(actor, access.CONTENT_WRITE, unit=unit)
    if unit.level == UnitLevel.COMMUNE:
        return unit, SourceLevel.COMMUNE, None
    if unit.level == UnitLevel.PROVINCE:
        return unit, SourceLevel.PROVINCE, None
    raise ValidationError("Bản tin chỉ soạn ở cấp tỉnh hoặc cấp xã.")


def _validate(data: BulletinInput, unit: AdministrativeUnit) -> dict[str, Any]:
    """Clean ``data`` for a bulletin placed at ``unit``; raise one ValidationError listing every problem."""
    errors: dict[str, list[str]] = {}
    title = nfc(data.title or "")
    if not title:
        errors.setdefault("title", []).append("Cần nhập tiêu đề.")
    elif len(title) > MAX_TITLE:
        errors.setdefault("title", []).append(f"Tiêu đề dài tối đa {MAX_TITLE} ký tự.")
    if data.category is None or not data.category.is_active:
        errors.setdefault("category", []).append("Cần chọn lĩnh vực thông tin.")
    if data.language not in Language.values:
        errors.setdefault("language", []).append("Ngôn ngữ không hợp lệ.")
    if data.priority not in Priority.values:
        errors.setdefault("priority", []).append("Mức ưu tiên không hợp lệ.")
    channels = list(dict.fromkeys(data.channels))
    if not channels:
        errors.setdefault("channels", []).append("Cần chọn ít nhất một kênh.")
    elif any(c not in Channel.values for c in channels):
        errors.setdefault("channels", []).append("Kênh không hợp lệ.")
    if data.valid_from and data.valid_until and data.valid_until <= data.valid_from:
        errors.setdefault("valid_until", []).append("Thời điểm hết hiệu lực phải sau thời điểm bắt đầu.")
    targets = _validate_targets(data, unit, errors)
    body = html.sanitise(data.body)
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "summary": nfc(data.summary or ""),
        "body": body,
        "body_text": html.to_text(body),
        "category": data.category,
        "language": data.language,
        "priority": data.priority,
        "target_scope": data.target_scope,
        "channels": channels,
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
        "voice": data.voice,
        "_targets": targets,
    }


def _validate_targets(
    data: BulletinInput, unit: AdministrativeUnit, errors: dict[str, list[str]]
) -> list[AdministrativeUnit]:
    scope = data.target_scope
    targets = list({t.pk: t for t in data.targets}.values())
    if scope not in TargetScope.values:
        errors.setdefault("target_scope", []).append("Phạm vi không hợp lệ.")
        return []
    if scope == TargetScope.PROVINCE:
        if unit.level != UnitLevel.PROVINCE:
            errors.setdefault("target_scope", []).append("Bản tin của xã chỉ gửi trong xã mình.")
        return []
    if scope == TargetScope.COMMUNES and unit.level == UnitLevel.COMMUNE and not targets:
        return [unit]  # a commune's own bulletin goes to the commune itself
    if not targets:
        errors.setdefault("targets", []).append("Cần chọn ít nhất một đơn vị nhận tin.")
        return []
    wanted = UnitLevel.COMMUNE if scope == TargetScope.COMMUNES else UnitLevel.RESIDENTIAL
    for target in targets:
        if target.level != wanted or not target.is_current or not target.path.startswith(unit.path):
            label = "xã, phường" if wanted == UnitLevel.COMMUNE else "thôn, tổ dân phố"
            errors.setdefault("targets", []).append(
                f"{target.full_name}: không phải {label} hiện hành thuộc phạm vi của {unit.full_name}."
            )
    return targets


_MOMENTS = ("valid_from", "valid_until")


def revision_data(bulletin: Bulletin) -> dict[str, Any]:
    """What a revision records: the content fields, targets and attachments, in JSON-safe form."""
    data = audit.snapshot(
        bulletin, [f for f in Bulletin.CONTENT_FIELDS if f not in _MOMENTS and f != "category"]
    )
    for name in _MOMENTS:  # one form per instant (UTC), whatever zone the value was typed in
        moment = getattr(bulletin, name)
        data[name] = moment.astimezone(UTC).isoformat() if moment is not None else None
    data["category"] = bulletin.category.name
    data["targets"] = sorted(t.full_name for t in bulletin.targets.all())
    data["attachments"] = [
        {"name": a.original_name, "sha256": a.blob.sha256}
        for a in bulletin.attachments.select_related("blob")
    ]
    return data


def record_revision(*, actor: Any, bulletin: Bulletin, note: str = "") -> BulletinRevision | None:
    """Save a new revision if the content differs from the last one; returns it (None when unchanged)."""
    last = bulletin.revisions.order_by("-number").first()
    data = revision_data(bulletin)
    if last is not None and last.data == data and last.body == bulletin.body:
        return None
    number = (last.number + 1) if last is not None else 1
    revision = BulletinRevision.objects.create(
        bulletin=bulletin,
        number=number,
        body=bulletin.body,
        data=data,
        note=note[:300],
        is_correction=bulletin.live_revision is not None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if bulletin.revision != number:
        bulletin.revision = number
        bulletin.save(update_fields=["revision", "updated_at"])
    return revision


def _apply(bulletin: Bulletin, cleaned: dict[str, Any]) -> None:
    targets = cleaned.pop("_targets")
    for name, value in cleaned.items():
        setattr(bulletin, name, value)
    bulletin.save()
    BulletinTarget.objects.filter(bulletin=bulletin).exclude(unit__in=targets).delete()
    existing = set(BulletinTarget.objects.filter(bulletin=bulletin).values_list("unit_id", flat=True))
    BulletinTarget.objects.bulk_create(
        [BulletinTarget(bulletin=bulletin, unit=t) for t in targets if t.pk not in existing]
    )


def create_bulletin(
    *,
    actor: Any,
    data: BulletinInput,
    unit: AdministrativeUnit | None = None,
    organisation: Organisation | None = None,
    external_id: str | None = None,
) -> Bulletin:
    """A new draft, placed by :func:`placement`; revision 1 records what was written.

    ``external_id`` marks a bulletin received from the central system (the intake adapter, acting as
    the system): its source level is then "central".
    """
    place, source_level, source_org = placement(actor=actor, unit=unit, organisation=organisation)
    if external_id is not None:
        if not isinstance(actor, access.SystemActor) or place.level != UnitLevel.PROVINCE:
            raise ValidationError("Chỉ bộ tiếp nhận tin trung ương tạo được bản tin có mã trung ương.")
        source_level = SourceLevel.CENTRAL
    cleaned = _validate(data, place)
    with transaction.atomic():
        bulletin = Bulletin(
            unit=place,
            source_level=source_level,
            source_organisation=source_org,
            external_id=external_id,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _apply(bulletin, cleaned)
        record_revision(actor=actor, bulletin=bulletin, note="Tạo bản tin")
        audit.record(
            actor=actor,
            action="content.bulletin.create",
            target=bulletin,
            unit=place,
            after={**revision_data(bulletin), "source_level": source_level, "status": bulletin.status},
        )
        index_bulletin(bulletin)
    return bulletin


def update_bulletin(*, actor: Any, bulletin: Bulletin, data: BulletinInput, note: str = "") -> Bulletin:
    """Change a draft (or a bulletin returned for changes, or one being corrected); a revision if changed."""
    access.require(actor, access.CONTENT_WRITE, unit=bulletin.unit, organisation=bulletin.source_organisation)
    if bulletin.status not in EDITABLE_STATUSES:
        raise ValidationError("Chỉ sửa được bản nháp hoặc bản tin bị trả lại.")
    cleaned = _validate(data, bulletin.unit)
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if locked.status not in EDITABLE_STATUSES:
            raise ValidationError("Bản tin vừa được người khác chuyển bước; tải lại trang.")
        before = revision_data(locked)
        _apply(locked, cleaned)
        revision = record_revision(actor=actor, bulletin=locked, note=note or "Sửa bản tin")
        if revision is not None:
            audit.record(
                actor=actor,
                action="content.bulletin.update",
                target=locked,
                unit=locked.unit,
                before=before,
                after={**revision.data, "revision": revision.number},
            )
        index_bulletin(locked)
    return locked
