"""Vietnamese text normalisation for speech: write out everything espeak-ng would misread.

A bulletin is read the way a Northern Vietnamese radio announcer reads it (provincial radio standard):

* numbers: "1.250.000" → "một triệu hai trăm năm mươi nghìn", "3,5" → "ba phẩy năm", 2024 → "hai nghìn
  không trăm hai mươi tư", 105 → "một trăm linh năm" (regional choices in :class:`ReadingStyle`);
* dates and times: "29/3/2024" → "ngày hai mươi chín tháng ba năm …", "ngày 1/7" → "ngày mồng một tháng
  bảy", "15h30" → "mười lăm giờ ba mươi phút", "2021-2025" → "… đến …";
* amounts: units after a number ("50 km/h", "120 mm", "35°C"), money ("500.000đ", "$100"), "30-50%";
* telephone numbers digit by digit in groups ("0912 345 678"), emergency numbers 111–116 after "gọi" etc.;
* document numbers ("49/2024/NĐ-CP"), administrative abbreviations (:data:`DEFAULT_ABBREVIATIONS`,
  extended per call), unknown capital codes spelled letter by letter, Roman numerals after heading words
  ("Quý IV", "Khóa XV"), "thứ 4" → "thứ tư", web and e-mail addresses.

Output: NFC text without any digit, made of letters, spaces, word-internal hyphens ("ki-lô-mét") and the
punctuation espeak-ng pauses on — ``,`` ``.`` ``!`` ``?``. Sentences keep their final mark; ":", ";",
brackets and a spaced dash become commas; "..." becomes "."; quotes, emoji, bullets and other symbols are
dropped; letters of other scripts are kept as they are. Each line is normalised on its own and non-empty
lines are joined with "\\n".

Casing rule: words the rules do not rewrite keep their casing exactly — including the keyword a rule looks
at ("Thứ 2" → "Thứ hai", "Quý IV" → "Quý bốn", "Ngày 1/7" → "Ngày mồng một tháng bảy"). Everything a rule
writes is lowercase, except proper nouns inside abbreviation values ("VN" → "Việt Nam", "ĐCSVN" → "Đảng
cộng sản Việt Nam") and caller-supplied abbreviation or pronunciation values, which are inserted verbatim.
Nothing is recapitalised, so a sentence that began with "UBND" begins with "ủy ban nhân dân".

Order of precedence: ``pronunciations`` (whole words, any case; also used for the parts of codes) win over
``abbreviations``, which extend and override :data:`DEFAULT_ABBREVIATIONS`.

Known limits: a valid "d/m" is read as a date ("5/10" → "ngày mồng năm tháng mười") unless a word such as
"số nhà", "tỷ lệ", "hơn", "đạt" stands before it (then "năm trên mười"); ambiguous codes get one reading
(CT "chỉ thị", KH "kế hoạch", TB "thông báo", BTC "bộ tài chính"; TT is "thị trấn" before a place name,
"trung tâm" before "Y tế"…, else "thông tư"); an unbroken number of 9+ digits is read digit by digit as a
code; web addresses are cut into toneless syllables ("bao thái nguyên") except for a few known words.
"""

from __future__ import annotations

from collections.abc import Mapping

from .abbreviations import DEFAULT_ABBREVIATIONS
from .numbers import NORTHERN, SOUTHERN, ReadingStyle, number_to_words
from .pipeline import freeze, get_pipeline
from .sentences import split_sentences

__all__ = [
    "DEFAULT_ABBREVIATIONS",
    "NORTHERN",
    "SOUTHERN",
    "ReadingStyle",
    "normalize_text",
    "number_to_words",
    "split_sentences",
]


def normalize_text(
    text: str,
    *,
    style: ReadingStyle = NORTHERN,
    abbreviations: Mapping[str, str] | None = None,
    pronunciations: Mapping[str, str] | None = None,
) -> str:
    """Rewrite ``text`` so that espeak-ng reads it as an announcer would (see the module docstring)."""
    if not text:
        return ""
    pipeline = get_pipeline(style, freeze(abbreviations), freeze(pronunciations))
    lines = (pipeline.line(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
