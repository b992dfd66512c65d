"""Web addresses, e-mail addresses and telephone numbers, read out so that a listener can note them down."""

from __future__ import annotations

import re
from functools import lru_cache

from .abbreviations import LETTER_NAMES, is_plain_syllable
from .numbers import read_digit_groups, read_digits
from .patterns import HAS_DIGIT

# Segments of addresses with a customary reading; other segments are cut into syllables or spelled.
ADDRESS_WORDS = {
    "www": "vê kép vê kép vê kép",
    "gov": "gốp",
    "vn": "vê en",
    "com": "com",
    "net": "nét",
    "org": "o-rờ-gờ",
    "edu": "e-đu",
    "info": "in-phô",
    "gmail": "gờ-meo",
    "yahoo": "da-hu",
    "outlook": "ao-lúc",
    "mail": "meo",
    "email": "i-meo",
    "facebook": "phây-búc",
    "zalo": "da-lô",
    "youtube": "diu-túp",
    "thainguyen": "thái nguyên",
    "dinhhoa": "định hóa",
    "hanoi": "hà nội",
    "vietnam": "việt nam",
    "chinhphu": "chính phủ",
    "dichvucong": "dịch vụ công",
    "baohiemxahoi": "bảo hiểm xã hội",
}
_TLDS = {"vn", "com", "net", "org", "gov", "edu", "info", "io", "int", "biz"}
_SEPARATORS = {
    ".": "chấm",
    "/": "gạch chéo",
    "@": "a còng",
    "-": "gạch ngang",
    "_": "gạch dưới",
}
_URL = re.compile(r"(?<![\w@./-])(?:(?:https?|ftp)://|www\.)[^\s<>\"'()]++", re.IGNORECASE)
_URL_HINT = re.compile(r"://|[wW]{3}\.")
_TLD_HINT = re.compile(r"\.(?i:vn|com|net|org|gov|edu|info|io|int|biz)(?![\w])")
_DOMAIN = re.compile(r"[A-Za-z0-9](?<![\w@./-].)[\w-]*+(?:\.[\w-]++)++(?:/[^\s<>\"'()]*+)?")
_EMAIL = re.compile(r"[\w.+-](?<![\w.+-].)[\w.+-]*+@[\w-]++(?:\.[\w-]++)++")
_TRAILING = ".,;:!?"
_MAX_SEGMENT = 64

_INTERNATIONAL = re.compile(
    r"(?<![\w+])\+\s?84[\s.-]?(?:\(0\)\s?)?(\d{2,3}(?:[\s.-]?\d{2,4}){1,3})(?![\w]|[.,]\d)"
)
_DOMESTIC = re.compile(
    r"(?:0(?<![\w.,/+]0)\d{2,3}|\((?<![\w]\()0\d{2,3}\))(?:[\s.-]?\d{2,4}){1,3}(?![\w]|[.,]\d)"
)
_SERVICE = re.compile(r"1(?<![\w.,/+]1)[89]00(?:[\s.-]?\d{2,4}){1,2}(?![\w]|[.,]\d)")
_EMERGENCY = re.compile(r"1(?<![\w.,/]1)1[1-6](?![\w/]|[.,]\d)")
_COUNTED = re.compile(r"\s+(?:ca|người|bệnh nhân|trường hợp|lượt|hộ|vụ|nhân khẩu|xã|thôn|đối tượng)(?![\w])")
_ALONE_BEFORE = re.compile(r"[\s(]*")
_ALONE_AFTER = re.compile(r"[\s).!]*")
_EMERGENCY_CONTEXT = re.compile(
    r"(?<!kêu )gọi|hotline|đường dây nóng|tổng đài|khẩn cấp|điện thoại|\bĐT\b|\bSĐT\b|liên hệ"
    r"|(?:cấp cứu|cứu hỏa|cứu thương|báo cháy|cảnh sát)\W{0,3}\Z",
    re.IGNORECASE,
)


def _segment_words(segment: str) -> str:
    """Read one lowercase run of letters: a known word, syllables ("dinh hoa"), or letter names."""
    if len(segment) > _MAX_SEGMENT:
        return segment
    # Cheapest reading: known words cost 1, syllables 2, spelled letters 5.
    best: list[tuple[int, list[str]] | None] = [None] * (len(segment) + 1)
    best[0] = (0, [])
    for start in range(len(segment)):
        current = best[start]
        if current is None:
            continue
        cost, words = current
        for end in range(start + 1, min(len(segment), start + 12) + 1):
            piece = segment[start:end]
            if piece in ADDRESS_WORDS:
                option = (cost + 1, [*words, ADDRESS_WORDS[piece]])
            elif end - start <= 7 and is_plain_syllable(piece):
                option = (cost + 2, [*words, piece])
            elif end - start == 1 and piece.upper() in LETTER_NAMES:
                option = (cost + 5, [*words, LETTER_NAMES[piece.upper()]])
            else:
                continue
            previous = best[end]
            if previous is None or option[0] < previous[0]:
                best[end] = option
    final = best[len(segment)]
    return " ".join(final[1]) if final is not None else segment


def read_address(address: str) -> str:
    """Read a web or e-mail address: "thainguyen.gov.vn" → "thái nguyên chấm gốp chấm vê en"."""
    return _read_address_cached(address) if len(address) <= 200 else _read_address(address)


@lru_cache(maxsize=1024)
def _read_address_cached(address: str) -> str:
    return _read_address(address)


def _read_address(address: str) -> str:
    address = re.sub(r"^(?:https?|ftp)://", "", address, flags=re.IGNORECASE).rstrip("/")
    words: list[str] = []
    for part in re.findall(r"[a-zA-Z]+|\d+|.", address):
        if part.isdigit():
            words.append(read_digits(part))
        elif part.isascii() and part.isalpha():
            words.append(_segment_words(part.lower()))
        elif part in _SEPARATORS:
            words.append(_SEPARATORS[part])
        elif part.isalpha():
            words.append(part)
    return " ".join(words)


def _split_trailing(text: str) -> tuple[str, str]:
    core = text.rstrip(_TRAILING)
    return core, text[len(core) :]


def _url(match: re.Match[str]) -> str:
    core, trailing = _split_trailing(match.group(0))
    return f" {read_address(core)}{trailing} "


def _domain(match: re.Match[str]) -> str:
    core, trailing = _split_trailing(match.group(0))
    host = core.split("/", 1)[0]
    labels = host.lower().split(".")
    if labels[-1] not in _TLDS or not any(c.isalpha() for c in labels[0]):
        return match.group(0)
    return f" {read_address(core)}{trailing} "


def _email(match: re.Match[str]) -> str:
    core, trailing = _split_trailing(match.group(0))
    return f" {read_address(core)}{trailing} "


def addresses(text: str) -> str:
    """Replace web and e-mail addresses with their reading."""
    if "@" in text:
        text = _EMAIL.sub(_email, text)
    if _URL_HINT.search(text):
        text = _URL.sub(_url, text)
    if _TLD_HINT.search(text):
        text = _DOMAIN.sub(_domain, text)
    return text


def read_phone(number: str) -> str:
    """Digits in groups separated by commas: "0912 345 678" → "không chín một hai, ba bốn năm, sáu bảy tám"."""
    written = [group for group in re.split(r"[^\d]+", number) if group]
    return ", ".join(read_digit_groups(group) if len(group) > 4 else read_digits(group) for group in written)


def _international(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(1))
    if not 8 <= len(digits) <= 10:
        return match.group(0)
    return f" cộng tám tư, {read_phone(match.group(1))} "


def _domestic(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) not in (10, 11):
        return match.group(0)
    return f" {read_phone(match.group(0))} "


def _service(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) not in (8, 10):
        return match.group(0)
    return f" {read_phone(match.group(0))} "


class _Emergency:
    """Emergency numbers 111–116 are read digit by digit after "gọi", "đường dây nóng"… or in a list of them."""

    def __init__(self) -> None:
        self.last_end = -1_000

    def __call__(self, match: re.Match[str]) -> str:
        text, start, end = match.string, match.start(), match.end()
        bracketed = text[start - 1 : start] == "(" and text[end : end + 1] == ")"
        alone = bracketed or bool(
            _ALONE_BEFORE.fullmatch(text, 0, start) and _ALONE_AFTER.fullmatch(text, end)
        )
        listed = start - self.last_end <= 60
        if _COUNTED.match(text, end):
            return match.group(0)  # "cấp cứu 115 ca", "gọi điện cho 113 hộ": a count, not a number to call
        if alone or listed or _EMERGENCY_CONTEXT.search(text, max(0, start - 40), start):
            self.last_end = end
            return f" {read_digits(match.group(0))} "
        return match.group(0)


def phones(text: str) -> str:
    """Replace telephone numbers (mobile, landline, 1800/1900, +84, emergency 111–116) with digit readings."""
    if "+" in text:
        text = _INTERNATIONAL.sub(_international, text)
    if not HAS_DIGIT.search(text):
        return text
    text = _DOMESTIC.sub(_domestic, text)
    if "800" in text or "900" in text:
        text = _SERVICE.sub(_service, text)
    if "11" in text:
        text = _EMERGENCY.sub(_Emergency(), text)
    return text
