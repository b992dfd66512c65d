"""The sender's files: a handler may publish a photo (shown with the published answer) after looking at
it; audio recordings and unreviewed photos stay with the handlers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nguon.core import audit
from nguon.feedback.choices import EventKind
from nguon.feedback.models import FeedbackAttachment
from nguon.feedback.services.events import add_event
from nguon.feedback.services.handling import locked, require_handler


def set_public(*, actor: Any, attachment: FeedbackAttachment, public: bool) -> FeedbackAttachment:
    """Publish (or unpublish) one photo of the feedback. Only photos may be published."""
    feedback = attachment.feedback
    require_handler(actor, feedback)
    if public and attachment.blob.kind != "image":
        raise ValidationError("Chỉ công bố được ảnh; bản ghi âm chỉ người xử lý được nghe.")
    if feedback.anonymised_at is not None:
        raise ValidationError("Phản ánh đã được xoá thông tin cá nhân; không đổi tệp được nữa.")
    with transaction.atomic():
        locked(feedback)
        attachment = FeedbackAttachment.objects.select_for_update().get(pk=attachment.pk)
        if attachment.public == public:
            return attachment
        attachment.public = public
        attachment.save(update_fields=["public"])
        add_event(
            feedback=feedback,
            kind=EventKind.NOTE,
            actor=actor,
            message=("Cho công bố ảnh " if public else "Thôi công bố ảnh ") + attachment.name,
        )
        audit.record(
            actor=actor,
            action="feedback.attachment.publish" if public else "feedback.attachment.unpublish",
            target=feedback,
            unit=feedback.handling_unit,
            after={"attachment": attachment.pk, "public": public},
        )
    return attachment
