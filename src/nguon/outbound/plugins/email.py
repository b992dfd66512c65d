"""E-mail newsletter: one message per action to the destination's list, through Django's mail backend.

Recipients are in Bcc (they do not see each other); ``To`` is the sender. The ``Message-ID`` is made from
the idempotency key (``<key@nguon.outbound>``) and ``X-Nguon-Idempotency-Key`` carries it, so a mail
server or archive can drop a duplicate sent again after a crash. SMTP refusing every recipient is not
retried; other SMTP and connection errors are.
"""

from __future__ import annotations

import smtplib
from email.utils import parseaddr
from typing import Any, ClassVar

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.utils.html import escape

from nguon.outbound.choices import Action, Outcome
from nguon.outbound.formatting import OutboundItem
from nguon.outbound.plugins.base import IDEMPOTENCY_HEADER, Field, Plugin, Result

SUBJECT_PREFIX = {Action.PUBLISH: "", Action.CORRECT: "[Đính chính] ", Action.WITHDRAW: "[Thu hồi] "}


def message_id(item: OutboundItem) -> str:
    return f"<{item.idempotency_key}@nguon.outbound>"


class EmailNewsletter(Plugin):
    kind: ClassVar[str] = "email"
    settings_fields: ClassVar[tuple[Field, ...]] = (
        Field("recipients", "Danh sách địa chỉ thư nhận"),
        Field("from_email", "Địa chỉ gửi", required=False),
        Field("subject_prefix", "Tiền tố tiêu đề thư", required=False),
    )

    def validate(self, settings: dict[str, Any], credentials: dict[str, str]) -> dict[str, str]:
        errors = super().validate(settings, credentials)
        recipients = settings.get("recipients") or []
        bad = []
        for address in recipients if isinstance(recipients, list) else ["?"]:
            try:
                validate_email(str(address))
            except ValidationError:
                bad.append(str(address))
        if bad:
            errors["recipients"] = "Địa chỉ thư không hợp lệ: " + ", ".join(bad[:5])
        sender = str(settings.get("from_email", "")).strip()
        if sender:
            try:
                validate_email(parseaddr(sender)[1])
            except ValidationError:
                errors["from_email"] = "Địa chỉ gửi không hợp lệ."
        return errors

    def send(
        self, item: OutboundItem, *, settings: dict[str, Any], credentials: dict[str, str], timeout: float
    ) -> Result:
        sender = str(settings.get("from_email") or django_settings.DEFAULT_FROM_EMAIL)
        subject = (
            f"{settings.get('subject_prefix', '')}{SUBJECT_PREFIX[Action(item.action)]}{item.title}".strip()
        )
        if item.action == Action.WITHDRAW:
            text = f"Bản tin “{item.title}” đã bị thu hồi. Lý do: {item.reason}"
            html = f"<p>{escape(text)}</p>"
        else:
            link = f"\n\nXem trên cổng thông tin: {item.url}" if item.url else ""
            text = f"{item.title}\n\n{item.summary}\n\n{item.body_text}{link}".strip()
            link_html = f'<p><a href="{escape(item.url)}">Xem trên cổng thông tin</a></p>' if item.url else ""
            html = f"<h1>{escape(item.title)}</h1><p><em>{escape(item.summary)}</em></p>{item.body_html}{link_html}"
        mail = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=sender,
            to=[sender],
            bcc=[str(a) for a in settings.get("recipients", [])],
            headers={"Message-ID": message_id(item), IDEMPOTENCY_HEADER: item.idempotency_key},
        )
        mail.attach_alternative(html, "text/html")
        try:
            mail.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused:
            return Result(Outcome.PERMANENT, error="Máy chủ thư từ chối mọi địa chỉ nhận.")
        except (smtplib.SMTPException, OSError) as error:
            return Result(Outcome.RETRYABLE, error=f"Không gửi được thư ({type(error).__name__}).")
        return Result(Outcome.SENT, external_id=message_id(item))
