"""Evidence files of the tracker (measurements and progress updates): stored once by content hash as a
:class:`~nguon.content.models.MediaBlob`, like campaign evidence, and accepted only when the bytes are a
document or an image **and** agree with the file's extension (a ``.pdf`` that is really a PNG is refused)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import ValidationError

from nguon.content.choices import AttachmentKind
from nguon.content.files import RejectedFileError
from nguon.content.models import MediaBlob
from nguon.content.services.attachments import Upload, clean_name, stored_blob

EVIDENCE_KINDS = frozenset({AttachmentKind.DOCUMENT, AttachmentKind.IMAGE})
_ALIASES = {"jpeg": "jpg", "jpe": "jpg"}


def declared_extension(name: str | None) -> str:
    suffix = Path(name or "").suffix.lower().lstrip(".")
    return _ALIASES.get(suffix, suffix)


def _check_extension(name: str | None, blob: MediaBlob) -> None:
    declared = declared_extension(name)
    if declared and declared != blob.extension:
        raise RejectedFileError(
            f"Tệp “{Path(name or '').name}” có đuôi .{declared} nhưng nội dung là "
            f"{blob.extension.upper()}: tệp không đúng như tên gọi, không nhận."
        )


@contextmanager
def stored_evidence(upload: Upload | None) -> Iterator[tuple[MediaBlob | None, str]]:
    """``(blob, name)`` for ``upload`` (``(None, "")`` without one). Use inside the caller's transaction.

    A file whose content is not an accepted document/image, or whose extension says otherwise, raises
    :class:`ValidationError` on ``evidence`` (a too large one keeps its 413 :class:`RejectedFileError`);
    nothing is left stored.
    """
    if upload is None:
        yield None, ""
        return
    try:
        with stored_blob(upload, allowed_kinds=EVIDENCE_KINDS) as blob:
            _check_extension(upload.name, blob)
            yield blob, clean_name(upload.name, blob)
    except RejectedFileError as error:
        if error.status == 413:
            raise
        raise ValidationError({"evidence": [error.message]}) from None
