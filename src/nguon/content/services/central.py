"""Intake of bulletins from the central source system (contract v1, docs/integrations/central.md).

An item, pulled or pushed, becomes a bulletin of source level "central" placed at the province and
submitted to the editorial board, which appraises it like any other (an emergency item too, for now).
Intake is idempotent by ``external_id``:

* same id, same payload hash → nothing changes; ``times_seen`` + 1 (result ``unchanged``);
* same id, a version older than the one applied → ignored as stale (``unchanged``);
* same id, changed payload, bulletin not yet approved → a new revision, submitted to the board again
  (``revised``); a bulletin under review is first taken back from review, by the system;
* same id, changed payload, bulletin approved, distributed or withdrawn → left as it is; the board is
  told once per payload and the conflict is audited (``conflict``).

Every change runs as a :class:`SystemActor` ("central:pull" or "central:push") through the bulletin,
attachment and workflow services, in one transaction per item, with its audit events.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from nguon.content.central_client import (
    DEFAULT_LIMIT,
    AttachmentFetchError,
    CentralClient,
    CentralError,
    FileUpload,
    Opener,
)
from nguon.content.central_contract import (
    CentralItem,
    FieldError,
    ItemInvalidError,
    external_id_of,
    parse_item,
    payload_sha256,
)
from nguon.content.choices import Status
from nguon.content.files import RejectedFileError
from nguon.content.models import Bulletin, CentralCursor, CentralIntake, MediaBlob
from nguon.content.services import attachments, bulletins, workflow
from nguon.content.services.notifications import notify
from nguon.core import access, audit
from nguon.core.access import SystemActor
from nguon.core.models import AuditEvent
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

logger = logging.getLogger(__name__)

PULL, PUSH = "pull", "push"
CREATED, UNCHANGED, REVISED, CONFLICT = "created", "unchanged", "revised", "conflict"
_STALE, _CREATE, _REVISE = "stale", "create", "revise"
DEFAULT_MAX_PAGES = 20
CURSOR_NAME = "default"

RECEIVE_ACTION = "content.central.receive"
REVISE_ACTION = "content.central.revise"
CONFLICT_ACTION = "content.central.conflict"
REJECT_ACTION = "content.central.reject"

#: A central bulletin in these states still takes a new version from the central system.
REVISABLE = frozenset({Status.DRAFT, Status.RETURNED, Status.SUBMITTED, Status.APPRAISED})
_UNDER_REVIEW = frozenset({Status.SUBMITTED, Status.APPRAISED})
#: Contract field names for the bulletin services' field names, in errors.
_CONTRACT_FIELD = {"body": "body_html", "targets": "target.communes", "target_scope": "target"}


class IntakeUnavailableError(Exception):
    """A passing failure (an attachment could not be fetched, units not imported): try the item later."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _StateChangedError(Exception):
    """The intake changed between the first look and the lock; look again, fetching the files."""


@dataclass(frozen=True)
class Received:
    external_id: str
    bulletin_id: int
    result: str


@dataclass(frozen=True)
class ItemFailure:
    """An item refused during a pull: where it was, its id (if readable) and every problem."""

    external_id: str
    position: str
    errors: tuple[FieldError, ...]

    def __str__(self) -> str:
        problems = "; ".join(f"{e.field or 'item'}: {e.message}" for e in self.errors)
        return f"{self.external_id or '(không rõ mã)'} ({self.position}): {problems}"


@dataclass
class PullSummary:
    """What one pull did; ``error`` is set when it stopped early (the cursor then stays where it was)."""

    start_cursor: str = ""
    cursor: str = ""
    pages: int = 0
    created: int = 0
    unchanged: int = 0
    revised: int = 0
    conflicts: int = 0
    failures: list[ItemFailure] = field(default_factory=list)
    complete: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def received(self) -> int:
        return self.created + self.unchanged + self.revised + self.conflicts

    def add(self, result: str) -> None:
        name = {CREATED: "created", UNCHANGED: "unchanged", REVISED: "revised", CONFLICT: "conflicts"}[result]
        setattr(self, name, getattr(self, name) + 1)

    def as_dict(self) -> dict[str, Any]:
        names = ("pages", "created", "unchanged", "revised", "conflicts", "cursor", "complete", "error")
        return {name: getattr(self, name) for name in names} | {"rejected": len(self.failures)}


# -- one item -------------------------------------------------------------------------------------------


def receive_raw(
    raw: object, *, contract_version: str, channel: str, client: CentralClient | None = None
) -> Received:
    """Parse one item and take it in. A refused item is audited and raised as :class:`ItemInvalidError`;
    a passing failure is raised as :class:`IntakeUnavailableError`."""
    try:
        item = parse_item(raw, contract_version=contract_version)
        return receive_item(item, channel=channel, client=client)
    except ItemInvalidError as error:
        refused = error
    except RejectedFileError as error:  # a downloaded attachment failed the content check
        refused = ItemInvalidError([FieldError("attachments", error.message)])
    except ValidationError as error:  # the bulletin services refused it
        refused = ItemInvalidError(_field_errors(error))
    refused.external_id = refused.external_id or external_id_of(raw)
    _record_rejection(raw, refused, channel=channel)
    raise refused


def receive_item(item: CentralItem, *, channel: str, client: CentralClient | None = None) -> Received:
    """Take in one valid item (see the module docstring for what happens to a repeat)."""
    if channel not in (PULL, PUSH):
        raise ValueError(f"unknown intake channel {channel!r}")
    actor = SystemActor(f"central:{channel}")
    province = _province()
    try:
        return _receive(item, channel=channel, actor=actor, province=province, client=client)
    except _StateChangedError:
        return _receive(item, channel=channel, actor=actor, province=province, client=client, fetch=True)
    except IntegrityError:
        # Another pull or push created the same external id at the same moment: take the item again,
        # now as a repeat (or a new version) of the one that won.
        if not CentralIntake.objects.filter(external_id=item.external_id).exists():
            raise
    return _receive(item, channel=channel, actor=actor, province=province, client=client, fetch=True)


def _receive(
    item: CentralItem,
    *,
    channel: str,
    actor: SystemActor,
    province: AdministrativeUnit,
    client: CentralClient | None,
    fetch: bool | None = None,
) -> Received:
    if fetch is None:  # files are fetched before the transaction, and only when they may be needed
        fetch = _decide(_intake(item.external_id), item) in (_CREATE, _REVISE)
    with _fetched(item, client, enabled=fetch) as files, transaction.atomic():
        intake = _intake(item.external_id, lock=True)
        decision = _decide(intake, item)
        if decision in (_CREATE, _REVISE) and files is None:
            raise _StateChangedError
        if intake is None:
            return _create(item, channel=channel, actor=actor, province=province, files=files or {})
        if decision == _REVISE:
            return _revise(intake, item, actor=actor, files=files or {})
        return _settle(intake, item, decision, actor=actor)


def _intake(external_id: str, *, lock: bool = False) -> CentralIntake | None:
    queryset = CentralIntake.objects.select_related("bulletin", "bulletin__unit")
    if lock:
        queryset = queryset.select_for_update()
    return queryset.filter(external_id=external_id).first()


def _decide(intake: CentralIntake | None, item: CentralItem) -> str:
    if intake is None:
        return _CREATE
    if intake.payload_sha256 == item.payload_sha256:
        return UNCHANGED
    if item.version < _applied_version(intake):
        return _STALE
    return _REVISE if intake.bulletin.status in REVISABLE else CONFLICT


def _applied_version(intake: CentralIntake) -> int:
    """The central version last applied to the bulletin, read from the audit trail.

    (CentralIntake has no version column yet; the receive/revise events record it.)
    """
    after = (
        AuditEvent.objects.filter(
            action__in=(RECEIVE_ACTION, REVISE_ACTION),
            target_type=Bulletin._meta.label_lower,
            target_id=str(intake.bulletin_id),
        )
        .order_by("-seq")
        .values_list("after", flat=True)
        .first()
    )
    version = after.get("version") if isinstance(after, dict) else None
    return version if isinstance(version, int) else 0


def _create(
    item: CentralItem,
    *,
    channel: str,
    actor: SystemActor,
    province: AdministrativeUnit,
    files: dict[str, Opener],
) -> Received:
    bulletin = bulletins.create_bulletin(
        actor=actor, unit=province, data=item.as_input(), external_id=item.external_id
    )
    for ref in item.attachments:
        attachments.add_attachment(
            actor=actor, bulletin=bulletin, upload=FileUpload(files[ref.sha256], ref.name)
        )
    bulletin = workflow.submit(actor=actor, bulletin=bulletin, comment=item.comment())
    CentralIntake.objects.create(
        external_id=item.external_id,
        payload_sha256=item.payload_sha256,
        contract_version=item.contract_version,
        bulletin=bulletin,
        channel=channel,
    )
    audit.record(
        actor=actor, action=RECEIVE_ACTION, target=bulletin, unit=province, after=item.facts(channel)
    )
    return Received(item.external_id, bulletin.pk, CREATED)


def _revise(
    intake: CentralIntake, item: CentralItem, *, actor: SystemActor, files: dict[str, Opener]
) -> Received:
    bulletin = intake.bulletin
    changed = item.differences(bulletin)
    intake.payload_sha256 = item.payload_sha256
    intake.contract_version = item.contract_version
    intake.times_seen = F("times_seen") + 1
    if not changed:  # only metadata moved (updated_at, order of keys…): nothing for the board to see
        intake.save()
        return Received(item.external_id, bulletin.pk, UNCHANGED)
    before = {"status": bulletin.status, "revision": bulletin.revision}
    note = f"Trung ương gửi phiên bản {item.version}"
    if bulletin.status in _UNDER_REVIEW:
        bulletin = workflow.return_for_changes(
            actor=actor, bulletin=bulletin, comment=f"{note}: bản tin được cập nhật và gửi thẩm định lại."
        )
    bulletin = bulletins.update_bulletin(actor=actor, bulletin=bulletin, data=item.as_input(), note=note)
    _sync_attachments(bulletin, item, actor=actor, files=files)
    bulletin = workflow.submit(actor=actor, bulletin=bulletin, comment=item.comment())
    intake.save()
    audit.record(
        actor=actor,
        action=REVISE_ACTION,
        target=bulletin,
        unit=bulletin.unit,
        before=before,
        after={**item.facts(intake.channel), "changed": changed, "revision": bulletin.revision},
    )
    return Received(item.external_id, bulletin.pk, REVISED)


def _settle(intake: CentralIntake, item: CentralItem, decision: str, *, actor: SystemActor) -> Received:
    """A repeat, a stale version or a conflict: count it; tell the board of a conflict once."""
    CentralIntake.objects.filter(pk=intake.pk).update(
        times_seen=F("times_seen") + 1, updated_at=timezone.now()
    )
    if decision != CONFLICT:
        return Received(item.external_id, intake.bulletin_id, UNCHANGED)
    bulletin = intake.bulletin
    already = AuditEvent.objects.filter(
        action=CONFLICT_ACTION,
        target_type=Bulletin._meta.label_lower,
        target_id=str(bulletin.pk),
        after__payload_sha256=item.payload_sha256,
    ).exists()
    if not already:
        audit.record(
            actor=actor,
            action=CONFLICT_ACTION,
            target=bulletin,
            unit=bulletin.unit,
            before={"status": bulletin.status, "revision": bulletin.revision},
            after={**item.facts(intake.channel), "changed": item.differences(bulletin)},
        )
        notify(
            users=access.people_who_can(access.CONTENT_APPRAISE, unit=workflow.appraisal_unit(bulletin)),
            kind="central-conflict",
            message=(
                f"Trung ương gửi phiên bản {item.version} cho bản tin đang ở trạng thái "
                f"“{Status(bulletin.status).label}”: {bulletin.title}. Cần xem xét đính chính."
            ),
            url=reverse("content:bulletin", args=[bulletin.pk]),
            bulletin=bulletin,
        )
    return Received(item.external_id, bulletin.pk, CONFLICT)


def _sync_attachments(
    bulletin: Bulletin, item: CentralItem, *, actor: SystemActor, files: dict[str, Opener]
) -> None:
    wanted = Counter((r.sha256, r.name) for r in item.attachments)
    for attachment in list(bulletin.attachments.select_related("blob")):
        key = (attachment.blob.sha256, attachment.original_name)
        if wanted[key] > 0:
            wanted[key] -= 1
        else:
            attachments.remove_attachment(actor=actor, attachment=attachment)
    for (sha256, name), count in wanted.items():
        for _ in range(count):
            attachments.add_attachment(actor=actor, bulletin=bulletin, upload=FileUpload(files[sha256], name))


def _find_province() -> AdministrativeUnit | None:
    code: str = settings.NGUON_PROVINCE_CODE
    return AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, is_current=True, code=code).first()


def _province() -> AdministrativeUnit:
    unit = _find_province()
    if unit is None:
        code: str = settings.NGUON_PROVINCE_CODE
        raise IntakeUnavailableError(
            f"Chưa có tỉnh mã {code} trong danh mục đơn vị hành chính; chạy `nguon units import`."
        )
    return unit


def _field_errors(error: ValidationError) -> list[FieldError]:
    if hasattr(error, "error_dict"):
        return [
            FieldError(_CONTRACT_FIELD.get(name, name), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [FieldError("", message) for message in error.messages]


def _record_rejection(raw: object, error: ItemInvalidError, *, channel: str) -> None:
    audit.record(
        actor=SystemActor(f"central:{channel}"),
        action=REJECT_ACTION,
        unit=_find_province(),
        target_label=error.external_id or "(không rõ mã)",
        after={
            "external_id": error.external_id,
            "channel": channel,
            "payload_sha256": payload_sha256(raw),
            "errors": [{"field": e.field, "message": e.message} for e in error.errors],
        },
    )


# -- attachments ----------------------------------------------------------------------------------------


@contextmanager
def _fetched(
    item: CentralItem, client: CentralClient | None, *, enabled: bool
) -> Iterator[dict[str, Opener] | None]:
    """The item's files by SHA-256 (see :meth:`CentralClient.attachments`), fetched before the caller's
    transaction; None when not ``enabled``. A passing failure is :class:`IntakeUnavailableError`."""
    if not enabled or not item.attachments:
        yield None if not enabled else {}
        return
    if client is None:
        try:
            client = CentralClient.from_settings()
        except CentralError as error:
            raise IntakeUnavailableError(error.message) from None
    with ExitStack() as stack:
        try:
            openers = stack.enter_context(client.attachments(item.attachments, stored=_stored))
        except AttachmentFetchError as error:
            if error.retryable:
                raise IntakeUnavailableError(f"Không tải được tệp đính kèm: {error.message}") from None
            raise ItemInvalidError([FieldError(f"attachments.{error.index}", error.message)]) from None
        yield openers


def _stored(sha256: str) -> Opener | None:
    blob = MediaBlob.objects.filter(sha256=sha256).first()
    if blob is None:
        return None
    name = blob.file.name
    return lambda: default_storage.open(name, "rb")


# -- pulling --------------------------------------------------------------------------------------------


def pull(
    client: CentralClient | None = None, *, max_pages: int = DEFAULT_MAX_PAGES, limit: int = DEFAULT_LIMIT
) -> PullSummary:
    """Walk the feed from the stored cursor, at most ``max_pages`` pages, and take every item in.

    A refused item is collected and the others go on. The cursor is stored after each page whose items
    were all handled (taken in or refused); a passing failure stops the run where it is, so the page is
    read again next time (repeats are harmless). The outcome is recorded on the :class:`CentralCursor`.
    """
    state, _ = CentralCursor.objects.get_or_create(name=CURSOR_NAME)
    summary = PullSummary(start_cursor=state.cursor, cursor=state.cursor)
    try:
        _walk(client or CentralClient.from_settings(), state, summary, max_pages=max_pages, limit=limit)
    except (CentralError, IntakeUnavailableError) as error:
        summary.error = error.message
    except Exception:
        logger.exception("pull from the central system failed")
        summary.error = "Lỗi nội bộ khi nhận tin trung ương; xem nhật ký máy chủ."
    _record_run(state, summary)
    return summary


def _walk(
    client: CentralClient, state: CentralCursor, summary: PullSummary, *, max_pages: int, limit: int
) -> None:
    since = summary.cursor
    for number in range(1, max_pages + 1):
        page = client.fetch_page(since=since, limit=limit)
        summary.pages += 1
        for index, raw in enumerate(page.items, 1):
            try:
                received = receive_raw(raw, contract_version=page.contract, channel=PULL, client=client)
            except ItemInvalidError as error:
                where = f"trang {number}, mục {index}"
                summary.failures.append(ItemFailure(error.external_id, where, tuple(error.errors)))
                continue
            summary.add(received.result)
        if page.next is not None and page.next != since:
            since = page.next
            CentralCursor.objects.filter(pk=state.pk).update(cursor=since)
            summary.cursor = since
        elif page.items and page.next == since:
            raise CentralError("Hệ thống trung ương trả lại đúng con trỏ vừa gửi; dừng để không đọc lặp.")
        if page.next is None or not page.items:
            summary.complete = True
            return


def _record_run(state: CentralCursor, summary: PullSummary) -> None:
    now = timezone.now()
    changes: dict[str, Any] = {}
    if summary.ok:
        changes["last_success_at"] = now
    message = summary.error
    if not message and summary.failures:
        message = f"{len(summary.failures)} bản tin bị từ chối: " + " | ".join(
            str(f) for f in summary.failures
        )
    if message:
        changes.update(last_error=message[:4000], last_error_at=now)
    if changes:
        CentralCursor.objects.filter(pk=state.pk).update(**changes)
