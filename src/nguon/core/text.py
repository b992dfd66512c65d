"""Vietnamese text as stored and as compared.

Text is stored in NFC. Names are compared after *folding*: diacritics removed (including đ → d, which
Unicode decomposition does not do), tone-mark placement made irrelevant ("Hoá" and "Hóa" fold alike),
case and punctuation dropped, spaces collapsed.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def nfc(value: str) -> str:
    """Return ``value`` in Unicode NFC with surrounding white space removed."""
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str) -> str:
    """Fold Vietnamese text for diacritic-insensitive comparison: "Xã Định Hoá" → "xa dinh hoa"."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.lower()).strip()
