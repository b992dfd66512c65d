"""Storing uploaded files once by content hash and attaching them to bulletins."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from nguon.content import files
from nguon.content.files import RejectedFileError
from nguon.content.models import Attachment, Bulletin, MediaBlob
from nguon.core import access, audit
from nguon.core.text import nfc

MAX_NAME = 255


class Upload(Protocol):
    """What Django's UploadedFile offers and the CLI/tests can imitate."""

    name: str | None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


@contextmanager
def spooled(upload: Upload) -> Iterator[tuple[Path, str]]:
    """Copy an upload to a temporary file while hashing it; stop early (413) once it passes the limit."""
    limit = files.largest_limit()
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(prefix="nguon-upload-") as handle:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > limit:
                raise RejectedFileError(f"Tệp quá lớn (tối đa {limit // files.MB} MB).", status=413)
            digest.update(chunk)
            handle.write(chunk)
        handle.flush()
        yield Path(handle.name), digest.hexdigest()


def _storage_name(sha256: str, extension: str) -> str:
    return f"content/{sha256[:2]}/{sha256}.{extension}"


@contextmanager
def stored_blob(upload: Upload, *, allowed_kinds: frozenset[str] | None = None) -> Iterator[MediaBlob]:
    """The :class:`MediaBlob` for ``upload`` (existing if the same bytes were stored before).

    Must be used inside the caller's transaction: if the block fails, a file written here is removed,
    so a failed upload leaves neither a row nor a file behind.
    """
    with spooled(upload) as (path, sha256):
        sniffed = files.inspect(path, allowed_kinds=allowed_kinds)
        existing = MediaBlob.objects.filter(sha256=sha256).first()
        if existing is not None:
            yield existing
            return
        name = _storage_name(sha256, sniffed.extension)
        if default_storage.exists(name):  # left by a crash before its row was committed
            default_storage.delete(name)
        with path.open("rb") as handle:
            saved = default_storage.save(name, File(handle))
        try:
            blob = MediaBlob.objects.create(
                sha256=sha256,
                kind=sniffed.kind,
                mime_type=sniffed.mime_type,
                extension=sniffed.extension,
                size=path.stat().st_size,
                duration_seconds=sniffed.duration_seconds,
                file=saved,
            )
            yield blob
        except BaseException:
            default_storage.delete(saved)
            raise


def clean_name(name: str | None, blob: MediaBlob) -> str:
    return nfc(Path(name or "").name)[:MAX_NAME] or f"tep.{blob.extension}"


def _check_editable(bulletin: Bulletin) -> None:
    from nguon.content.choices import EDITABLE_STATUSES

    if bulletin.status not in EDITABLE_STATUSES:
        raise ValidationError(
            "Bản tin đang trong quy trình duyệt hoặc đã phát hành; không sửa tệp đính kèm được."
        )


def add_attachment(*, actor: Any, bulletin: Bulletin, upload: Upload) -> Attachment:
    """Validate ``upload`` by content and size and attach it; a new revision records the change."""
    from nguon.content.services.bulletins import record_revision

    access.require(actor, access.CONTENT_WRITE, unit=bulletin.unit, organisation=bulletin.source_organisation)
    _check_editable(bulletin)
    with transaction.atomic(), stored_blob(upload) as blob:
        attachment = Attachment.objects.create(
            bulletin=bulletin,
            blob=blob,
            original_name=clean_name(upload.name, blob),
            added_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            actor=actor,
            action="content.attachment.add",
            target=bulletin,
            unit=bulletin.unit,
            after={
                "attachment": attachment.pk,
                "name": attachment.original_name,
                "sha256": blob.sha256,
                "kind": blob.kind,
                "size": blob.size,
            },
        )
        record_revision(actor=actor, bulletin=bulletin, note=f"Thêm tệp {attachment.original_name}")
    return attachment


def remove_attachment(*, actor: Any, attachment: Attachment) -> None:
    """Detach a file (the stored blob stays: other items or old revisions may use the same bytes)."""
    from nguon.content.services.bulletins import record_revision

    bulletin = attachment.bulletin
    access.require(actor, access.CONTENT_WRITE, unit=bulletin.unit, organisation=bulletin.source_organisation)
    _check_editable(bulletin)
    with transaction.atomic():
        before = {
            "attachment": attachment.pk,
            "name": attachment.original_name,
            "sha256": attachment.blob.sha256,
        }
        attachment.delete()
        audit.record(
            actor=actor,
            action="content.attachment.remove",
            target=bulletin,
            unit=bulletin.unit,
            before=before,
        )
        record_revision(actor=actor, bulletin=bulletin, note=f"Bỏ tệp {before['name']}")
