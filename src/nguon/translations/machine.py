"""Machine translation engines: what drafts a translation before a person edits it.

An engine turns a list of texts (HTML allowed) from one language into another. The installation uses
a LibreTranslate-compatible service when ``NGUON_MACHINE_TRANSLATION_URL`` is set; other engines plug in
by implementing :class:`TranslationEngine`. Errors are raised as :class:`MachineTranslationError` with a
Vietnamese message that the editor shows as is.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Protocol

from django.conf import settings

#: The languages an engine is asked for, by our language code (ethnic languages have no engine).
ENGINE_LANGUAGES = {"vi": "vi", "en": "en", "zh": "zh"}
TIMEOUT_SECONDS = 30.0


class MachineTranslationError(Exception):
    """The engine could not translate: unreachable, refused, or answered something unusable."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class TranslationEngine(Protocol):
    """Anything that translates a batch of texts; ``name`` is stored on the draft (``engine``)."""

    name: str

    def translate(self, texts: list[str], *, source: str, target: str) -> list[str]: ...


def engine_language(code: str) -> str:
    """The engine's code for one of our languages, or a clear error when no engine covers it."""
    found = ENGINE_LANGUAGES.get(code)
    if found is None:
        raise MachineTranslationError(
            f"Công cụ dịch máy không hỗ trợ ngôn ngữ “{code}”; cần người dịch trực tiếp."
        )
    return found


class LibreTranslateEngine:
    """A LibreTranslate (or compatible) server: ``POST {url}/translate`` with a JSON body
    ``{"q": [...], "source", "target", "format": "html", "api_key"}`` answering ``{"translatedText": [...]}``.
    """

    name = "libretranslate"

    def __init__(self, url: str, *, api_key: str = "", timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _request(self, payload: dict[str, Any]) -> Any:
        request = urllib.request.Request(  # noqa: S310 - the URL comes from the operator's configuration
            f"{self.url}/translate",
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            detail = ""
            try:
                detail = str(json.loads(error.read().decode("utf-8")).get("error", ""))
            except (ValueError, AttributeError, UnicodeDecodeError):
                detail = ""
            message = {
                400: "Công cụ dịch máy từ chối yêu cầu",
                403: "Công cụ dịch máy từ chối khóa truy cập (api_key)",
                429: "Công cụ dịch máy đang quá tải, vui lòng thử lại sau",
            }.get(error.code, f"Công cụ dịch máy báo lỗi {error.code}")
            raise MachineTranslationError(
                f"{message}{': ' + detail if detail else ''}.", status=error.code
            ) from None
        except TimeoutError:
            raise MachineTranslationError(
                f"Công cụ dịch máy không trả lời sau {self.timeout:g} giây."
            ) from None
        except (urllib.error.URLError, OSError) as error:
            raise MachineTranslationError(f"Không kết nối được công cụ dịch máy ({error}).") from None
        try:
            return json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise MachineTranslationError("Công cụ dịch máy trả lời không đúng định dạng JSON.") from None

    def translate(self, texts: list[str], *, source: str, target: str) -> list[str]:
        payload: dict[str, Any] = {
            "q": texts,
            "source": engine_language(source),
            "target": engine_language(target),
            "format": "html",
            "api_key": self.api_key,
        }
        answer = self._request(payload)
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if isinstance(translated, str) and len(texts) == 1:
            translated = [translated]
        if not isinstance(translated, list) or len(translated) != len(texts):
            raise MachineTranslationError("Công cụ dịch máy trả lời thiếu nội dung đã dịch.")
        if not all(isinstance(t, str) for t in translated):
            raise MachineTranslationError("Công cụ dịch máy trả lời không đúng định dạng.")
        return [str(t) for t in translated]


def configured_engine() -> TranslationEngine | None:
    """The installation's engine, or None when machine translation is off (no URL configured)."""
    url = str(getattr(settings, "NGUON_MACHINE_TRANSLATION_URL", "") or "")
    if not url:
        return None
    return LibreTranslateEngine(
        url, api_key=str(getattr(settings, "NGUON_MACHINE_TRANSLATION_KEY", "") or "")
    )
