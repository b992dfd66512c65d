"""Generic webhook: a signed JSON document per action, POSTed to the destination's address.

Request::

    POST {url}
    Content-Type: application/json; charset=utf-8
    X-Nguon-Event: bulletin.publish | bulletin.correct | bulletin.withdraw
    X-Nguon-Timestamp: {unix seconds, also "sent_at" in the body}
    X-Nguon-Idempotency-Key: {key, also "idempotency_key" in the body}
    X-Nguon-Signature: sha256={hex HMAC-SHA256(secret, raw body)}

Body: ``{"event", "idempotency_key", "sent_at", "external_id", "reason", "item": {"id", "revision",
"title", "summary", "body_text", "body_html", "language", "category", "unit": {"code", "name"},
"priority", "url"}}``. The receiver verifies the signature over the exact bytes, refuses a timestamp
older than a few minutes, and drops an ``idempotency_key`` it has seen. 2xx is success (an ``{"id"}``
answered is kept and sent back as ``external_id`` with corrections and withdrawals); 429 and 5xx are
retried, other statuses are not.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any, ClassVar

from nguon.outbound.choices import Outcome
from nguon.outbound.formatting import OutboundItem
from nguon.outbound.plugins.base import (
    IDEMPOTENCY_HEADER,
    Field,
    Plugin,
    Result,
    TransportError,
    classify,
    http_call,
    url_problem,
)

WHO = "Webhook"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def webhook_body(item: OutboundItem, *, sent_at: int) -> dict[str, Any]:
    return {
        "event": f"bulletin.{item.action}",
        "idempotency_key": item.idempotency_key,
        "sent_at": sent_at,
        "external_id": item.external_id,
        "reason": item.reason,
        "item": {
            "id": item.bulletin_id,
            "revision": item.revision,
            "title": item.title,
            "summary": item.summary,
            "body_text": item.body_text,
            "body_html": item.body_html,
            "language": item.language,
            "category": item.category,
            "unit": {"code": item.unit_code, "name": item.unit_name},
            "priority": item.priority,
            "url": item.url,
        },
    }


class Webhook(Plugin):
    kind: ClassVar[str] = "webhook"
    settings_fields: ClassVar[tuple[Field, ...]] = (Field("url", "Địa chỉ nhận (URL)"),)
    credential_fields: ClassVar[tuple[Field, ...]] = (Field("secret", "Khóa bí mật để ký (HMAC)"),)
    clock: Callable[[], float] = staticmethod(time.time)

    def validate(self, settings: dict[str, Any], credentials: dict[str, str]) -> dict[str, str]:
        errors = super().validate(settings, credentials)
        url = str(settings.get("url", "")).strip()
        if url and (problem := url_problem(url, label="Địa chỉ nhận (URL)")):
            errors["url"] = problem
        if credentials.get("secret") and len(credentials["secret"]) < 16:
            errors["secret"] = "Khóa bí mật cần ít nhất 16 ký tự."  # noqa: S105 - a message
        return errors

    def send(
        self, item: OutboundItem, *, settings: dict[str, Any], credentials: dict[str, str], timeout: float
    ) -> Result:
        sent_at = int(self.clock())
        body = json.dumps(
            webhook_body(item, sent_at=sent_at), ensure_ascii=False, separators=(",", ":")
        ).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Nguon-Event": f"bulletin.{item.action}",
            "X-Nguon-Timestamp": str(sent_at),
            IDEMPOTENCY_HEADER: item.idempotency_key,
            "X-Nguon-Signature": signature(credentials.get("secret", ""), body),
        }
        try:
            answer = http_call(
                "POST", str(settings.get("url", "")), headers=headers, body=body, timeout=timeout
            )
        except TransportError as error:
            return Result(Outcome.RETRYABLE, error=f"{WHO}: {error}")
        failed = classify(answer, who=WHO)
        if failed is not None:
            return failed
        data = answer.json()
        external = str(data.get("id", "")) if isinstance(data, dict) and data.get("id") else item.external_id
        return Result(Outcome.SENT, answer.status, external_id=external)
