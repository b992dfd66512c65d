"""SMS brandname gateway (a generic JSON gateway): one short text per action, to a list of numbers.

Request::

    POST {url}
    Authorization: Bearer {api_key}
    Content-Type: application/json; charset=utf-8
    X-Nguon-Idempotency-Key: {key}
    {"brandname": "UBND XA", "to": ["0912345678", ...], "message": "...", "encoding": "gsm7" | "ucs2",
     "request_id": "{key}"}

Answer 2xx with an optional ``{"id": "..."}``; 429 (``Retry-After``) and 5xx are retried, other 4xx not.
``request_id`` repeats the idempotency key so the gateway can drop a duplicate after a retry.

Text: title, summary and the portal link. With ``unicode`` off (the default, cheaper) diacritics are
stripped and the text is GSM-7 (160 characters a part, 153 when split); with it on, Vietnamese is kept
(UCS-2: 70 a part, 67 when split). The text is cut to ``max_parts`` parts, never cutting the link.
A correction starts "[Dinh chinh]", a withdrawal sends "[Thu hoi] <title>".
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from nguon.outbound.choices import Action, Outcome
from nguon.outbound.formatting import GSM7, OutboundItem, shorten, strip_diacritics
from nguon.outbound.plugins.base import (
    IDEMPOTENCY_HEADER,
    Field,
    Plugin,
    Result,
    TransportError,
    classify,
    post_json,
    url_problem,
)

PHONE = re.compile(r"^(?:\+?84|0)(?:3|5|7|8|9)\d{8}$")
BRANDNAME = re.compile(r"^[A-Za-z0-9 ._-]{1,11}$")
_ASCII_PUNCTUATION = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."})
WHO = "Cổng SMS"


def part_sizes(unicode: bool) -> tuple[int, int]:
    """(single part, each part of a long message) in characters."""
    return (70, 67) if unicode else (160, 153)


def sms_text(item: OutboundItem, *, unicode: bool, max_parts: int) -> str:
    """The SMS for ``item``, within ``max_parts`` parts, in GSM-7 unless ``unicode``."""
    if item.action == Action.WITHDRAW:
        head, text = "[Thu hồi] ", item.title
    else:
        head = "[Đính chính] " if item.action == Action.CORRECT else ""
        text = f"{item.title}: {item.summary}" if item.summary else item.title
    text = head + text
    if not unicode:
        text = "".join(ch for ch in strip_diacritics(text).translate(_ASCII_PUNCTUATION) if ch in GSM7)
    single, each = part_sizes(unicode)
    limit = single if max_parts <= 1 else each * max_parts
    link = f" {item.url}" if item.url and item.action != Action.WITHDRAW else ""
    room = max(10, limit - len(link))
    body = shorten(text, room)
    if not unicode:
        body = body.replace("…", "..") if len(body) == room else body.replace("…", "...")
    return body + link


class SmsGateway(Plugin):
    kind: ClassVar[str] = "sms_gateway"
    settings_fields: ClassVar[tuple[Field, ...]] = (
        Field("url", "Địa chỉ gửi tin của cổng SMS"),
        Field("brandname", "Tên thương hiệu (brandname)"),
        Field("recipients", "Danh sách số điện thoại nhận"),
        Field("unicode", "Giữ dấu tiếng Việt (tin Unicode, đắt hơn)", required=False),
        Field("max_parts", "Số phần tin tối đa", required=False, help="3"),
    )
    credential_fields: ClassVar[tuple[Field, ...]] = (Field("api_key", "Khóa API của cổng SMS"),)

    def validate(self, settings: dict[str, Any], credentials: dict[str, str]) -> dict[str, str]:
        errors = super().validate(settings, credentials)
        url = str(settings.get("url", "")).strip()
        if url and (problem := url_problem(url, label="Địa chỉ gửi tin của cổng SMS")):
            errors["url"] = problem
        brandname = str(settings.get("brandname", "")).strip()
        if brandname and not BRANDNAME.match(brandname):
            errors["brandname"] = (
                "Brandname tối đa 11 ký tự, chỉ gồm chữ không dấu, số, dấu cách, chấm, gạch."
            )
        recipients = settings.get("recipients") or []
        bad = (
            [str(n) for n in recipients if not PHONE.match(str(n))] if isinstance(recipients, list) else ["?"]
        )
        if bad:
            errors["recipients"] = "Số điện thoại không hợp lệ: " + ", ".join(bad[:5])
        parts = settings.get("max_parts", 3)
        if not isinstance(parts, int) or not 1 <= parts <= 10:
            errors["max_parts"] = "Số phần tin tối đa phải từ 1 đến 10."
        return errors

    def send(
        self, item: OutboundItem, *, settings: dict[str, Any], credentials: dict[str, str], timeout: float
    ) -> Result:
        unicode = bool(settings.get("unicode", False))
        payload = {
            "brandname": str(settings.get("brandname", "")),
            "to": [str(n) for n in settings.get("recipients", [])],
            "message": sms_text(item, unicode=unicode, max_parts=int(settings.get("max_parts", 3))),
            "encoding": "ucs2" if unicode else "gsm7",
            "request_id": item.idempotency_key,
        }
        headers = {
            "Authorization": f"Bearer {credentials.get('api_key', '')}",
            IDEMPOTENCY_HEADER: item.idempotency_key,
        }
        try:
            answer = post_json(str(settings.get("url", "")), payload, headers=headers, timeout=timeout)
        except TransportError as error:
            return Result(Outcome.RETRYABLE, error=f"{WHO}: {error}")
        failed = classify(answer, who=WHO)
        if failed is not None:
            return failed
        data = answer.json()
        return Result(
            Outcome.SENT, answer.status, external_id=str(data.get("id", "")) if isinstance(data, dict) else ""
        )
