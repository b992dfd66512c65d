"""Zalo Official Account: each item is an OA article (bài viết), updated on correction, removed on withdrawal.

Requests (Zalo OA Open API v2.0; the OA access token travels in the ``access_token`` header)::

    POST {base_url}/v2.0/article/create   {"type": "normal", "title", "author", "cover", "description",
                                           "body": [{"type": "text", "content"}...], "status": "show",
                                           "comment": "hide"}
        → {"error": 0, "data": {"token": "..."}}      (the article is processed asynchronously)
    POST {base_url}/v2.0/article/verify   {"token": "..."}  → {"error": 0, "data": {"id": "<article id>"}}
    POST {base_url}/v2.0/article/update   {"id", ...same fields as create}
    POST {base_url}/v2.0/article/remove   {"id"}

Zalo answers HTTP 200 with ``error`` ≠ 0 on failure: -32 is its rate limit (retried after a minute),
-124 / -216 / -201 an invalid or expired token (marked ``token_rejected``: the worker refreshes the token
once and sends again when it can, otherwise the message is dead); other codes are not retried. Zalo has
no idempotency field: ``X-Nguon-Idempotency-Key`` is sent anyway, and the article id is kept so a
correction or withdrawal acts on the same article.

OA access tokens live about 25 hours. With a refresh token, the app secret and the app id the worker
renews them (Zalo OAuth v4; the refresh token is single-use and rotates)::

    POST {token_url}                    (default https://oauth.zaloapp.com/v4/oa/access_token)
    secret_key: <app secret>
    Content-Type: application/x-www-form-urlencoded
    app_id=<app id>&grant_type=refresh_token&refresh_token=<refresh token>
        → {"access_token", "refresh_token", "expires_in": "90000"}
        | {"error": -14014, "error_name", "error_reason", "error_description"}
"""

from __future__ import annotations

from typing import Any, ClassVar

from nguon.outbound.choices import Action, Outcome
from nguon.outbound.formatting import OutboundItem, shorten
from nguon.outbound.plugins.base import (
    IDEMPOTENCY_HEADER,
    Field,
    HttpAnswer,
    Plugin,
    Result,
    TokenGrant,
    TransportError,
    classify,
    post_form,
    post_json,
    url_problem,
)

DEFAULT_BASE_URL = "https://openapi.zalo.me"
DEFAULT_TOKEN_URL = "https://oauth.zaloapp.com/v4/oa/access_token"  # noqa: S105 - an address
OAUTH_WHO = "Máy chủ cấp quyền Zalo"
TITLE_MAX, AUTHOR_MAX, DESCRIPTION_MAX, PARAGRAPH_MAX = 150, 50, 300, 2000
RATE_LIMIT_CODES = frozenset({-32})
TOKEN_CODES = frozenset({-124, -216, -201})
WHO = "Zalo OA"


class ZaloOA(Plugin):
    kind: ClassVar[str] = "zalo_oa"
    settings_fields: ClassVar[tuple[Field, ...]] = (
        Field("author", "Tác giả hiển thị (tối đa 50 ký tự)"),
        Field("cover_photo_url", "Ảnh bìa bài viết (địa chỉ https://)"),
        Field("base_url", "Địa chỉ API Zalo", required=False, help=DEFAULT_BASE_URL),
        Field("app_id", "Mã ứng dụng Zalo (app id), để tự làm mới mã truy cập", required=False),
        Field("token_url", "Địa chỉ làm mới mã truy cập", required=False, help=DEFAULT_TOKEN_URL),
    )
    credential_fields: ClassVar[tuple[Field, ...]] = (
        Field("access_token", "Mã truy cập OA (access token)", required=False),
        Field("refresh_token", "Mã làm mới (refresh token)", required=False),
        Field("app_secret", "Khóa bí mật của ứng dụng (app secret)", required=False),
    )

    def validate(self, settings: dict[str, Any], credentials: dict[str, str]) -> dict[str, str]:
        errors = super().validate(settings, credentials)
        if len(str(settings.get("author", ""))) > AUTHOR_MAX:
            errors["author"] = f"Tên tác giả trên Zalo tối đa {AUTHOR_MAX} ký tự."
        for name, label in (
            ("cover_photo_url", "Ảnh bìa bài viết"),
            ("base_url", "Địa chỉ API Zalo"),
            ("token_url", "Địa chỉ làm mới mã truy cập"),
        ):
            value = str(settings.get(name, "")).strip()
            if value and (problem := url_problem(value, label=label)):
                errors[name] = problem
        has_refresh = bool(str(credentials.get("refresh_token", "")).strip())
        if not has_refresh and not str(credentials.get("access_token", "")).strip():
            errors["access_token"] = "Thiếu “Mã truy cập OA (access token)”."  # noqa: S105
        if has_refresh:
            if not str(credentials.get("app_secret", "")).strip():
                errors["app_secret"] = "Cần “Khóa bí mật của ứng dụng (app secret)” để làm mới mã truy cập."  # noqa: S105
            if not str(settings.get("app_id", "")).strip().isdigit():
                errors["app_id"] = "Cần “Mã ứng dụng Zalo (app id)” (chỉ gồm chữ số) để làm mới mã truy cập."
        return errors

    def can_refresh(self, settings: dict[str, Any], credentials: dict[str, str]) -> bool:
        return bool(
            credentials.get("refresh_token") and credentials.get("app_secret") and settings.get("app_id")
        )

    def refresh(
        self, *, settings: dict[str, Any], credentials: dict[str, str], timeout: float
    ) -> TokenGrant | Result:
        url = str(settings.get("token_url") or DEFAULT_TOKEN_URL)
        fields = {
            "app_id": str(settings.get("app_id", "")).strip(),
            "grant_type": "refresh_token",
            "refresh_token": credentials.get("refresh_token", ""),
        }
        try:
            answer = post_form(
                url, fields, headers={"secret_key": credentials.get("app_secret", "")}, timeout=timeout
            )
        except TransportError as error:
            return Result(Outcome.RETRYABLE, error=f"{OAUTH_WHO}: {error}")
        failed = classify(answer, who=OAUTH_WHO)
        if failed is not None:
            return failed
        data = answer.json()
        if not isinstance(data, dict):
            return Result(Outcome.RETRYABLE, answer.status, error=f"{OAUTH_WHO} trả lời không phải JSON.")
        token = str(data.get("access_token") or "")
        if not token:
            code = data.get("error", "?")
            detail = str(
                data.get("error_description") or data.get("error_name") or data.get("message") or ""
            )[:200]
            return Result(
                Outcome.PERMANENT,
                answer.status,
                error=f"{OAUTH_WHO} từ chối làm mới mã truy cập ({code}: {detail})",
                token_rejected=True,
            )
        return TokenGrant(
            access_token=token,
            refresh_token=str(data.get("refresh_token") or ""),
            expires_in=_seconds(data.get("expires_in")),
        )

    def send(
        self, item: OutboundItem, *, settings: dict[str, Any], credentials: dict[str, str], timeout: float
    ) -> Result:
        base = str(settings.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
        headers = {
            "access_token": credentials.get("access_token", ""),
            IDEMPOTENCY_HEADER: item.idempotency_key,
        }
        try:
            if item.action == Action.PUBLISH:
                return self._create(base, article_payload(item, settings), headers, timeout)
            article_id = item.external_id
            if article_id.startswith("token:"):  # the article was still being processed when published
                found = self._verify(base, article_id.removeprefix("token:"), headers, timeout)
                if isinstance(found, Result):
                    return found
                article_id = found
            if item.action == Action.WITHDRAW:
                path, payload = "remove", {"id": article_id}
            else:
                path, payload = "update", {"id": article_id, **article_payload(item, settings)}
            answer = post_json(f"{base}/v2.0/article/{path}", payload, headers=headers, timeout=timeout)
            return _read(answer) or Result(Outcome.SENT, answer.status, external_id=article_id)
        except TransportError as error:
            return Result(Outcome.RETRYABLE, error=f"{WHO}: {error}")

    def _create(self, base: str, article: dict[str, Any], headers: dict[str, str], timeout: float) -> Result:
        answer = post_json(f"{base}/v2.0/article/create", article, headers=headers, timeout=timeout)
        failed = _read(answer)
        if failed is not None:
            return failed
        data = (answer.json() or {}).get("data") or {}
        if data.get("id"):
            return Result(Outcome.SENT, answer.status, external_id=str(data["id"]))
        token = str(data.get("token", ""))
        if not token:
            return Result(Outcome.SENT, answer.status)
        try:  # the article exists now: a failed look-up must not make the worker create it again
            found: str | Result = self._verify(base, token, headers, timeout)
        except TransportError:
            found = Result(Outcome.RETRYABLE)
        external_id = found if isinstance(found, str) else f"token:{token}"
        return Result(Outcome.SENT, answer.status, external_id=external_id)

    def _verify(self, base: str, token: str, headers: dict[str, str], timeout: float) -> str | Result:
        answer = post_json(f"{base}/v2.0/article/verify", {"token": token}, headers=headers, timeout=timeout)
        failed = _read(answer)
        if failed is not None:
            return failed
        article_id = str(((answer.json() or {}).get("data") or {}).get("id") or "")
        if not article_id:
            return Result(Outcome.RETRYABLE, answer.status, error=f"{WHO} chưa xử lý xong bài viết trước đó.")
        return article_id


def article_payload(item: OutboundItem, settings: dict[str, Any]) -> dict[str, Any]:
    """The Zalo article for ``item``: title, description and text paragraphs, the portal link last."""
    prefix = "[Đính chính] " if item.action == Action.CORRECT else ""
    paragraphs = [p.strip() for p in item.body_text.split("\n") if p.strip()] or [item.summary or item.title]
    body = [{"type": "text", "content": shorten(p, PARAGRAPH_MAX)} for p in paragraphs]
    if item.url:
        body.append({"type": "text", "content": f"Xem bản đầy đủ: {item.url}"})
    return {
        "type": "normal",
        "title": shorten(prefix + item.title, TITLE_MAX),
        "author": shorten(str(settings.get("author", "")), AUTHOR_MAX),
        "cover": {
            "cover_type": "photo",
            "photo_url": str(settings.get("cover_photo_url", "")),
            "status": "show",
        },
        "description": shorten(item.summary or item.body_text, DESCRIPTION_MAX),
        "body": body,
        "status": "show",
        "comment": "hide",
    }


def _read(answer: HttpAnswer) -> Result | None:
    """None when Zalo accepted; the failure otherwise (HTTP status, then Zalo's ``error`` code)."""
    failed = classify(answer, who=WHO)
    if failed is not None:
        return failed
    data = answer.json()
    if not isinstance(data, dict):
        return Result(Outcome.RETRYABLE, answer.status, error=f"{WHO} trả lời không phải JSON.")
    code = int(data.get("error") or 0)
    if code == 0:
        return None
    message = str(data.get("message", ""))[:200]
    if code in RATE_LIMIT_CODES:
        return Result(
            Outcome.RATE_LIMITED,
            answer.status,
            error=f"{WHO} giới hạn tần suất ({code}: {message})",
            retry_after=60,
        )
    if code in TOKEN_CODES:
        return Result(
            Outcome.PERMANENT,
            answer.status,
            error=f"Mã truy cập Zalo OA không hợp lệ hoặc đã hết hạn ({code}: {message}); nhập lại mã truy cập.",
            token_rejected=True,
        )
    return Result(Outcome.PERMANENT, answer.status, error=f"{WHO} báo lỗi {code}: {message}")


def _seconds(value: Any) -> int | None:
    """``expires_in`` as Zalo sends it (a string of seconds, sometimes a number)."""
    try:
        seconds = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None
