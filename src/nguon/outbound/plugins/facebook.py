"""Facebook Page: each item is a Page post (Graph API), edited on correction, deleted on withdrawal.

Requests (form-encoded; the Page access token travels in ``Authorization: Bearer``, never in the URL)::

    POST   {base_url}/{page_id}/feed   message=...&link=<portal item>    → {"id": "<page>_<post>"}
    POST   {base_url}/{post_id}        message=...                       → {"success": true}
    DELETE {base_url}/{post_id}                                          → {"success": true}

Graph errors come as ``{"error": {"code", "message", "is_transient"}}``: codes 4, 17, 32, 613 and 80001
are rate limits (retried after ``Retry-After`` or a minute), transient errors and 5xx are retried, 190
(token) and other errors are not. The Graph API has no idempotency field; ``X-Nguon-Idempotency-Key``
is sent anyway.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from nguon.outbound.choices import Action, Outcome
from nguon.outbound.formatting import OutboundItem, shorten
from nguon.outbound.plugins.base import (
    IDEMPOTENCY_HEADER,
    Field,
    HttpAnswer,
    Plugin,
    Result,
    TransportError,
    classify,
    http_call,
    url_problem,
)

DEFAULT_BASE_URL = "https://graph.facebook.com/v21.0"
MESSAGE_MAX = 5000
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001})
WHO = "Facebook"


class FacebookPage(Plugin):
    kind: ClassVar[str] = "facebook_page"
    settings_fields: ClassVar[tuple[Field, ...]] = (
        Field("page_id", "Mã trang (Page ID)"),
        Field("base_url", "Địa chỉ Graph API", required=False, help=DEFAULT_BASE_URL),
    )
    credential_fields: ClassVar[tuple[Field, ...]] = (Field("page_access_token", "Mã truy cập của trang"),)

    def validate(self, settings: dict[str, Any], credentials: dict[str, str]) -> dict[str, str]:
        errors = super().validate(settings, credentials)
        page_id = str(settings.get("page_id", "")).strip()
        if page_id and not page_id.isdigit():
            errors["page_id"] = "Mã trang Facebook chỉ gồm chữ số (xem ở mục Giới thiệu của trang)."
        base = str(settings.get("base_url", "")).strip()
        if base and (problem := url_problem(base, label="Địa chỉ Graph API")):
            errors["base_url"] = problem
        return errors

    def send(
        self, item: OutboundItem, *, settings: dict[str, Any], credentials: dict[str, str], timeout: float
    ) -> Result:
        base = str(settings.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
        headers = {
            "Authorization": f"Bearer {credentials.get('page_access_token', '')}",
            "Accept": "application/json",
            IDEMPOTENCY_HEADER: item.idempotency_key,
        }
        form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        try:
            if item.action == Action.WITHDRAW:
                answer = http_call(
                    "DELETE",
                    f"{base}/{quote(item.external_id, safe='')}",
                    headers=headers,
                    body=None,
                    timeout=timeout,
                )
                return _read(answer) or Result(Outcome.SENT, answer.status, external_id=item.external_id)
            fields = {"message": post_message(item)}
            if item.action == Action.CORRECT:
                answer = http_call(
                    "POST",
                    f"{base}/{quote(item.external_id, safe='')}",
                    headers={**headers, **form},
                    body=urlencode(fields).encode("utf-8"),
                    timeout=timeout,
                )
                return _read(answer) or Result(Outcome.SENT, answer.status, external_id=item.external_id)
            if item.url:
                fields["link"] = item.url
            page_id = quote(str(settings.get("page_id", "")), safe="")
            answer = http_call(
                "POST",
                f"{base}/{page_id}/feed",
                headers={**headers, **form},
                body=urlencode(fields).encode("utf-8"),
                timeout=timeout,
            )
            failed = _read(answer)
            if failed is not None:
                return failed
            return Result(Outcome.SENT, answer.status, external_id=str((answer.json() or {}).get("id", "")))
        except TransportError as error:
            return Result(Outcome.RETRYABLE, error=f"{WHO}: {error}")


def post_message(item: OutboundItem) -> str:
    """The post text: title, then the summary (or the start of the text); "[Đính chính]" on a correction."""
    prefix = "[Đính chính] " if item.action == Action.CORRECT else ""
    text = item.summary or item.body_text
    message = f"{prefix}{item.title}\n\n{shorten(text, MESSAGE_MAX)}"
    if item.action == Action.CORRECT and item.url:
        message += f"\n\n{item.url}"
    return message


def _read(answer: HttpAnswer) -> Result | None:
    if 200 <= answer.status < 300:
        return None
    data = answer.json()
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return classify(answer, who=WHO)
    code = int(error.get("code") or 0)
    message = str(error.get("message", ""))[:200]
    if code in RATE_LIMIT_CODES or answer.status == 429:
        return Result(
            Outcome.RATE_LIMITED,
            answer.status,
            error=f"{WHO} giới hạn tần suất ({code}: {message})",
            retry_after=answer.retry_after or 60.0,
        )
    if error.get("is_transient") or answer.status >= 500 or code in (1, 2):
        return Result(
            Outcome.RETRYABLE,
            answer.status,
            error=f"{WHO} lỗi tạm thời ({code}: {message})",
            retry_after=answer.retry_after,
        )
    if code == 190:
        return Result(
            Outcome.PERMANENT,
            answer.status,
            error=f"Mã truy cập trang Facebook không hợp lệ hoặc đã hết hạn ({message}); nhập lại mã truy cập.",
        )
    return Result(Outcome.PERMANENT, answer.status, error=f"{WHO} báo lỗi {code}: {message}")
