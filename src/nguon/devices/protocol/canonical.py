"""The canonical JSON form that signatures and ETags are computed over.

Objects with keys sorted by code point, no insignificant white space, strings in UTF-8 with only the
escapes JSON requires (``"``, ``\\``, control characters), integers only. For documents without
floating-point numbers this is the JSON Canonicalization Scheme (RFC 8785), so any language's JCS
library produces the same bytes. Floats are refused rather than canonicalised.
"""

from __future__ import annotations

import json
from typing import Any


class CanonicalFormError(ValueError):
    """The value cannot be put in canonical form (a float, a non-string key, an unknown type)."""


def _check(value: Any, where: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        raise CanonicalFormError(f"{where}: floating-point numbers are not allowed in signed messages")
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalFormError(f"{where}: object keys must be strings")
            _check(item, f"{where}.{key}")
        return
    raise CanonicalFormError(f"{where}: {type(value).__name__} is not a JSON value")


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 bytes of ``value`` (see the module docstring)."""
    _check(value, "$")
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")
