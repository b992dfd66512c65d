"""Propagation campaigns (chiến dịch tuyên truyền): create and edit a draft, attach documents, issue it to
its targets, let each target report what it did, remind the ones that have not, close it.

A campaign is placed at the issuing unit (a province or a commune) or organisation. Its targets are units
strictly below that unit (communes, residential units) and organisations of that subtree. Every write is
one transaction with its audit event; the search entry is rewritten in the same transaction; notices are
created in it and e-mailed after the commit.

Who is told about a target: :func:`nguon.content.selectors.campaigns.list_responsible_people`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from nguon.content import html
from nguon.content.choices import AttachmentKind, CampaignChannel, CampaignStatus, TargetStatus
from nguon.content.models import Campaign, CampaignDocument, CampaignReport, CampaignTarget, MediaBlob
from nguon.content.selectors.campaigns import (
    list_responsible_people,
    local_today,
    may_issue_at_unit,
    target_name,
)
from nguon.content.services.attachments import Upload, clean_name, stored_blob
from nguon.content.services.notifications import notify
from nguon.content.services.search import index_campaign
from nguon.core import access, audit
from nguon.core.text import nfc
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit, Organisation

MAX_TITLE = 300
MAX_REFERENCE = 120
MAX_TARGETS = 1000
MAX_NOTE = 2000
MAX_LINK = 500
MAX_AUDIENCE = 100_000_000
#: A target is not reminded again sooner than this (a double click does not send two notices).
REMIND_INTERVAL = timedelta(hours=1)

DOCUMENT_KINDS = frozenset({AttachmentKind.DOCUMENT, AttachmentKind.AUDIO, AttachmentKind.IMAGE})
EVIDENCE_KINDS = frozenset(AttachmentKind.values)

_FIELDS = ("title", "directive", "reference", "channels", "deadline", "status")
_REPORT_FIELDS = ("id", "channel", "done_on", "audience", "evidence_link", "note")

Target = AdministrativeUnit | Organisation


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _url(campaign: Campaign) -> str:
    return reverse("content:campaign", args=[campaign.pk])


def _audit(actor: Any, verb: str, campaign: Campaign, unit: Any = None, **changes: Any) -> None:
    """One audit event ``content.campaign.<verb>`` on ``campaign`` (placed at ``unit``, default its own)."""
    audit.record(
        actor=actor, action=f"content.campaign.{verb}", target=campaign, unit=unit or campaign.unit, **changes
    )


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    data = audit.snapshot(campaign, _FIELDS)
    data["targets"] = sorted(target_name(t) for t in campaign.targets.select_related("unit", "organisation"))
    return data


# -- placement and validation -----------------------------------------------------------------------------


def issuer_place(
    actor: Any, *, unit: AdministrativeUnit | None = None, organisation: Organisation | None = None
) -> tuple[AdministrativeUnit, Organisation | None]:
    """Where a new campaign belongs; Http404 unless ``actor`` may issue there."""
    if organisation is not None:
        access.require(actor, access.CAMPAIGNS_ISSUE, organisation=organisation)
        if unit is not None and unit.pk != organisation.unit_id:
            raise ValidationError({"unit": ["Cơ quan ban hành không thuộc đơn vị đã chọn."]})
        if not organisation.is_active:
            raise ValidationError({"organisation": ["Cơ quan đã giải thể hoặc sáp nhập."]})
        place = organisation.unit
    else:
        if unit is None:
            unit = access.acting_unit(actor, access.CAMPAIGNS_ISSUE)
            if unit is None:
                raise ValidationError("Bạn chưa được phân quyền ban hành chiến dịch ở đơn vị nào.")
        access.require(actor, access.CAMPAIGNS_ISSUE, unit=unit)
        if not may_issue_at_unit(actor, unit):
            raise Http404  # an organisation grant only: as if the unit were not there
        place = unit
    if not place.is_current or place.level not in (UnitLevel.PROVINCE, UnitLevel.COMMUNE):
        raise ValidationError({"unit": ["Chiến dịch chỉ ban hành ở cấp tỉnh hoặc cấp xã."]})
    return place, organisation


def _clean_targets(
    targets: Iterable[Target],
    place: AdministrativeUnit,
    issuer: Organisation | None,
    errors: dict[str, list[str]],
) -> list[tuple[AdministrativeUnit, Organisation | None]]:
    chosen: dict[str, tuple[AdministrativeUnit, Organisation | None]] = {}
    problems = errors.setdefault("targets", [])
    for target in targets:
        if isinstance(target, Organisation):
            unit = target.unit
            if issuer is not None and target.pk == issuer.pk:
                problems.append(f"{target.name}: không giao cho chính cơ quan ban hành.")
            elif not target.is_active:
                problems.append(f"{target.name}: đã giải thể hoặc sáp nhập.")
            elif not unit.is_current or not unit.path.startswith(place.path):
                problems.append(f"{target.name}: không thuộc phạm vi của {place.full_name}.")
            else:
                chosen[f"o{target.pk}"] = (unit, target)
        elif (
            not target.is_current
            or target.level not in (UnitLevel.COMMUNE, UnitLevel.RESIDENTIAL)
            or not target.path.startswith(place.path)
            or target.path == place.path
        ):
            problems.append(
                f"{target.full_name}: không phải xã, phường, thôn, tổ dân phố hiện hành "
                f"trực thuộc {place.full_name}."
            )
        else:
            chosen[f"u{target.pk}"] = (target, None)
    if not chosen and not problems:
        problems.append("Cần chọn ít nhất một đơn vị thực hiện.")
    if len(chosen) > MAX_TARGETS:
        problems.append(f"Tối đa {MAX_TARGETS} đơn vị thực hiện.")
    if not problems:
        del errors["targets"]
    return list(chosen.values())


def _validate(  # noqa: PLR0917 - the fields of a campaign, in their order
    place: AdministrativeUnit,
    issuer: Organisation | None,
    title: str,
    directive: str,
    reference: str,
    channels: Sequence[str],
    deadline: date | None,
    targets: Iterable[Target],
) -> tuple[dict[str, Any], list[tuple[AdministrativeUnit, Organisation | None]]]:
    """Clean a campaign's fields; one ValidationError listing every problem."""
    errors: dict[str, list[str]] = {}
    title = nfc(title or "")
    if not title:
        errors["title"] = ["Cần nhập tên chiến dịch."]
    elif len(title) > MAX_TITLE:
        errors["title"] = [f"Tên chiến dịch dài tối đa {MAX_TITLE} ký tự."]
    reference = nfc(reference or "")
    if len(reference) > MAX_REFERENCE:
        errors["reference"] = [f"Số, ký hiệu văn bản dài tối đa {MAX_REFERENCE} ký tự."]
    chosen_channels = list(dict.fromkeys(channels or []))
    if not chosen_channels:
        errors["channels"] = ["Cần chọn ít nhất một hình thức tuyên truyền."]
    elif any(c not in CampaignChannel.values for c in chosen_channels):
        errors["channels"] = ["Hình thức tuyên truyền không hợp lệ."]
    if deadline is None:
        errors["deadline"] = ["Cần chọn hạn báo cáo."]
    elif deadline < local_today():
        errors["deadline"] = ["Hạn báo cáo không được trước ngày hôm nay."]
    chosen = _clean_targets(targets, place, issuer, errors)
    body = html.sanitise(directive or "")
    if errors:
        raise ValidationError(errors)
    cleaned = {
        "title": title,
        "directive": body,
        "directive_text": html.to_text(body),
        "reference": reference,
        "channels": chosen_channels,
        "deadline": deadline,
    }
    return cleaned, chosen


def _set_targets(campaign: Campaign, chosen: list[tuple[AdministrativeUnit, Organisation | None]]) -> None:
    wanted = {(u.pk, o.pk if o else None): (u, o) for u, o in chosen}
    existing = {(t.unit_id, t.organisation_id): t for t in campaign.targets.all()}
    stale = [t.pk for key, t in existing.items() if key not in wanted]
    CampaignTarget.objects.filter(pk__in=stale).delete()
    CampaignTarget.objects.bulk_create(
        [
            CampaignTarget(campaign=campaign, unit=u, organisation=o)
            for key, (u, o) in wanted.items()
            if key not in existing
        ]
    )


def _lock(campaign: Campaign) -> Campaign:
    # ``of=("self",)``: PostgreSQL refuses FOR UPDATE on the nullable side of the organisation join.
    return (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("unit", "organisation")
        .get(pk=campaign.pk)
    )


def _require_issuer(actor: Any, campaign: Campaign) -> None:
    access.get_scoped_or_404(actor, Campaign.objects.all(), access.CAMPAIGNS_ISSUE, pk=campaign.pk)


# -- the issuer's side -------------------------------------------------------------------------------------


def create_campaign(
    actor: Any,
    *,
    unit: AdministrativeUnit | None = None,
    organisation: Organisation | None = None,
    title: str,
    directive: str = "",
    reference: str = "",
    channels: Sequence[str],
    deadline: date | None,
    targets: Iterable[Target],
) -> Campaign:
    """A new draft campaign placed at ``unit`` or ``organisation`` (default: the actor's own unit)."""
    place, issuer = issuer_place(actor, unit=unit, organisation=organisation)
    cleaned, chosen = _validate(place, issuer, title, directive, reference, channels, deadline, targets)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            unit=place, organisation=issuer, created_by=_person(actor), **cleaned
        )
        _set_targets(campaign, chosen)
        _audit(
            actor,
            "create",
            campaign,
            after={**_snapshot(campaign), "organisation": issuer.pk if issuer else None},
        )
        index_campaign(campaign)
    return campaign


def update_campaign(
    actor: Any,
    campaign: Campaign,
    *,
    title: str,
    directive: str = "",
    reference: str = "",
    channels: Sequence[str],
    deadline: date | None,
    targets: Iterable[Target],
) -> Campaign:
    """Change a draft: every field and the target list (an issued campaign is not edited)."""
    _require_issuer(actor, campaign)
    with transaction.atomic():
        locked = _lock(campaign)
        if locked.status != CampaignStatus.DRAFT:
            raise ValidationError("Chỉ sửa được chiến dịch đang soạn thảo.")
        cleaned, chosen = _validate(
            locked.unit, locked.organisation, title, directive, reference, channels, deadline, targets
        )
        before = _snapshot(locked)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        _set_targets(locked, chosen)
        after = _snapshot(locked)
        if after != before:
            _audit(actor, "update", locked, before=before, after=after)
        index_campaign(locked)
    return locked


def add_document(actor: Any, campaign: Campaign, upload: Upload) -> CampaignDocument:
    """Attach a document, audio spot or image (checked by content); not to a closed campaign."""
    _require_issuer(actor, campaign)
    with transaction.atomic():
        locked = _lock(campaign)
        if locked.status == CampaignStatus.CLOSED:
            raise ValidationError("Chiến dịch đã kết thúc; không thêm tài liệu được.")
        with stored_blob(upload, allowed_kinds=DOCUMENT_KINDS) as blob:
            document = CampaignDocument.objects.create(
                campaign=locked, blob=blob, original_name=clean_name(upload.name, blob)
            )
            after = {"document": document.pk, "name": document.original_name, "sha256": blob.sha256}
            _audit(actor, "document.add", locked, after=after)
    return document


def _notify_targets(
    actor: Any, campaign: Campaign, targets: Iterable[CampaignTarget], *, kind: str, lead: str
) -> int:
    """One notice per person naming their targets; returns how many people were told."""
    names: dict[int, tuple[Any, list[str]]] = {}
    for target in targets:
        for person in list_responsible_people(target=target, campaign=campaign):
            names.setdefault(person.pk, (person, []))[1].append(target_name(target))
    told = 0
    for person, targets_named in names.values():
        message = f"{lead}: {campaign.title} (hạn báo cáo {campaign.deadline:%d/%m/%Y}) — {', '.join(targets_named)}"
        told += len(notify(users=[person], kind=kind, message=message, url=_url(campaign), exclude=actor))
    return told


def issue_campaign(actor: Any, campaign: Campaign) -> Campaign:
    """Draft → issued: the targets' people are told. Issuing twice is an error, not a second issue."""
    _require_issuer(actor, campaign)
    with transaction.atomic():
        locked = _lock(campaign)
        if locked.status == CampaignStatus.ISSUED:
            raise ValidationError("Chiến dịch đã được ban hành.")
        if locked.status != CampaignStatus.DRAFT:
            raise ValidationError("Chiến dịch đã kết thúc.")
        if locked.deadline < local_today():
            raise ValidationError({"deadline": ["Hạn báo cáo đã qua; sửa hạn trước khi ban hành."]})
        targets = list(locked.targets.select_related("unit", "organisation"))
        if not targets:
            raise ValidationError({"targets": ["Cần chọn ít nhất một đơn vị thực hiện."]})
        locked.status = CampaignStatus.ISSUED
        locked.issued_at = timezone.now()
        locked.save(update_fields=["status", "issued_at", "updated_at"])
        told = _notify_targets(
            actor, locked, targets, kind="campaign-issued", lead="Chiến dịch tuyên truyền mới"
        )
        after = {"status": locked.status, "targets": len(targets), "notified": told}
        _audit(actor, "issue", locked, before={"status": CampaignStatus.DRAFT}, after=after)
        index_campaign(locked)
    return locked


def remind(
    actor: Any, campaign: Campaign, targets: Iterable[CampaignTarget] | None = None
) -> list[CampaignTarget]:
    """Remind the pending targets (all, or those of ``targets``); returns the ones reminded.

    Reported targets are skipped, and so is a target reminded less than :data:`REMIND_INTERVAL` ago.
    """
    _require_issuer(actor, campaign)
    with transaction.atomic():
        locked = _lock(campaign)
        if locked.status != CampaignStatus.ISSUED:
            raise ValidationError("Chỉ nhắc được chiến dịch đang thực hiện.")
        queryset = CampaignTarget.objects.select_for_update(of=("self",)).filter(campaign=locked)
        if targets is not None:
            wanted = {t.pk for t in targets}
            known = CampaignTarget.objects.filter(campaign=locked, pk__in=wanted).count()  # no FOR UPDATE
            if not wanted or known != len(wanted):
                raise ValidationError({"targets": ["Đơn vị không thuộc chiến dịch này."]})
            queryset = queryset.filter(pk__in=wanted)
        pending = list(queryset.filter(status=TargetStatus.PENDING).select_related("unit", "organisation"))
        if not pending:
            raise ValidationError("Không còn đơn vị nào chưa báo cáo.")
        now = timezone.now()
        due = [
            t for t in pending if t.last_reminded_at is None or now - t.last_reminded_at >= REMIND_INTERVAL
        ]
        if not due:
            raise ValidationError("Các đơn vị này vừa được nhắc; chờ ít nhất 1 giờ rồi nhắc lại.")
        for target in due:
            target.reminder_count += 1
            target.last_reminded_at = now
        CampaignTarget.objects.bulk_update(due, ["reminder_count", "last_reminded_at"])
        told = _notify_targets(actor, locked, due, kind="campaign-reminder", lead="Nhắc báo cáo chiến dịch")
        _audit(actor, "remind", locked, after={"reminded": [target_name(t) for t in due], "notified": told})
    return due


def close_campaign(actor: Any, campaign: Campaign) -> Campaign:
    """Issued → closed: no more reports or reminders; the table stays as it is."""
    _require_issuer(actor, campaign)
    with transaction.atomic():
        locked = _lock(campaign)
        if locked.status != CampaignStatus.ISSUED:
            raise ValidationError("Chỉ kết thúc được chiến dịch đang thực hiện.")
        locked.status = CampaignStatus.CLOSED
        locked.save(update_fields=["status", "updated_at"])
        pending = locked.targets.filter(status=TargetStatus.PENDING).count()
        after = {"status": locked.status, "pending": pending}
        _audit(actor, "close", locked, before={"status": CampaignStatus.ISSUED}, after=after)
        index_campaign(locked)
    return locked


# -- the target's side ----------------------------------------------------------------------------------------


def _validate_report(
    *, channel: str, done_on: date | None, audience: int | None, evidence_link: str, note: str
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if channel not in CampaignChannel.values:
        errors["channel"] = ["Cần chọn hình thức tuyên truyền."]
    if done_on is None:
        errors["done_on"] = ["Cần nhập ngày thực hiện."]
    elif done_on > local_today():
        errors["done_on"] = ["Ngày thực hiện không được sau ngày hôm nay."]
    if audience is not None and not 0 <= audience <= MAX_AUDIENCE:
        errors["audience"] = ["Số người được tiếp cận không hợp lệ."]
    link = nfc(evidence_link or "")
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors["evidence_link"] = ["Liên kết minh chứng phải là địa chỉ http(s) hợp lệ."]
        if len(link) > MAX_LINK:
            errors["evidence_link"] = [f"Liên kết dài tối đa {MAX_LINK} ký tự."]
    note = nfc(note or "")
    if len(note) > MAX_NOTE:
        errors["note"] = [f"Ghi chú dài tối đa {MAX_NOTE} ký tự."]
    if errors:
        raise ValidationError(errors)
    return {"channel": channel, "done_on": done_on, "audience": audience, "evidence_link": link, "note": note}


def submit_report(
    actor: Any,
    target: CampaignTarget,
    *,
    channel: str,
    done_on: date | None,
    audience: int | None = None,
    evidence_link: str = "",
    evidence_upload: Upload | None = None,
    note: str = "",
) -> CampaignReport:
    """Record one channel a target used (one row per channel and date); the target becomes reported.

    The same channel on the same date twice is refused. A rejected evidence file (wrong content, too
    large: :class:`~nguon.content.files.RejectedFileError`) leaves neither a row nor a stored file.
    """
    access.get_scoped_or_404(actor, CampaignTarget.objects.all(), access.CAMPAIGNS_REPORT, pk=target.pk)
    cleaned = _validate_report(
        channel=channel, done_on=done_on, audience=audience, evidence_link=evidence_link, note=note
    )
    with transaction.atomic():
        locked = (
            CampaignTarget.objects.select_for_update(of=("self",))
            .select_related("campaign", "campaign__unit", "unit", "organisation")
            .get(pk=target.pk)
        )
        campaign = locked.campaign
        if campaign.status != CampaignStatus.ISSUED:
            raise ValidationError("Chiến dịch chưa ban hành hoặc đã kết thúc; không nhận báo cáo.")
        if locked.reports.filter(channel=cleaned["channel"], done_on=cleaned["done_on"]).exists():
            raise ValidationError(
                {"channel": [f"Đã báo cáo hình thức này cho ngày {cleaned['done_on']:%d/%m/%Y}."]}
            )
        evidence: AbstractContextManager[MediaBlob | None] = (
            stored_blob(evidence_upload, allowed_kinds=EVIDENCE_KINDS)
            if evidence_upload is not None
            else nullcontext(None)
        )
        with evidence as blob:
            report = CampaignReport.objects.create(
                target=locked,
                evidence=blob,
                evidence_name=clean_name(evidence_upload.name, blob) if blob and evidence_upload else "",
                reported_by=_person(actor),
                **cleaned,
            )
            first = locked.status == TargetStatus.PENDING
            locked.status = TargetStatus.REPORTED
            if first:
                locked.reported_at = timezone.now()
            locked.save(update_fields=["status", "reported_at"])
            _audit(
                actor,
                "report",
                campaign,
                locked.unit,
                after={
                    **audit.snapshot(report, _REPORT_FIELDS),
                    "target": target_name(locked),
                    "evidence_sha256": blob.sha256 if blob else None,
                },
            )
            if first and not campaign.targets.filter(status=TargetStatus.PENDING).exists():
                issuers = [campaign.created_by] if campaign.created_by is not None else []
                notify(
                    users=issuers,
                    kind="campaign-complete",
                    message=f"Tất cả đơn vị đã báo cáo chiến dịch: {campaign.title}",
                    url=_url(campaign),
                    exclude=actor,
                )
    return report
