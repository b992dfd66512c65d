"""Open311 GeoReport v2 responses in JSON and XML, and its error format.

The same Python structure (lists of dicts) is written as JSON or as XML: the XML root and item names
follow the standard (``<services><service>``, ``<service_requests><request>``, ``<errors><error>``), and
nested lists use the standard's names (``<endpoints><endpoint>``, ``<formats><format>``,
``<attributes><attribute>``, ``<values><value>``). Text is UTF-8; Vietnamese is written as is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from lxml import etree

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
#: The element name of one item of each list, by the list's name.
ITEM_NAMES = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "services": "service",
    "service_requests": "request",
    "errors": "error",
}


def w3c(moment: datetime | None) -> str | None:
    """A W3C date-time in the installation's zone with its offset, e.g. 2026-03-01T08:30:00+07:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _scalar(value: Any) -> Any:
    if isinstance(value, datetime):
        return w3c(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _json_ready(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return _scalar(value)


def _text(value: Any) -> str | None:
    value = _scalar(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _append(parent: etree._Element, name: str, value: Any) -> None:
    element = etree.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES.get(name, "item")
        for item in value:
            _append(element, item_name, item)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Mapping[str, Any] | Sequence[Any]) -> bytes:
    """``data`` as an XML document under ``root`` (a list becomes one child per item)."""
    element = etree.Element(root)
    if isinstance(data, Mapping):
        for key, value in data.items():
            _append(element, key, value)
    else:
        item_name = ITEM_NAMES.get(root, "item")
        for item in data:
            _append(element, item_name, item)
    return bytes(etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def respond(data: Any, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    """``data`` in ``fmt`` (json or xml); ``root`` names the XML document element."""
    body = to_xml(root, data) if fmt == "xml" else json.dumps(_json_ready(data), ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def errors(status: int, descriptions: Sequence[str], fmt: str = "json", **headers: str) -> HttpResponse:
    """The Open311 error format: ``[{"code": 403, "description": "…"}]`` / ``<errors><error>…``."""
    data = [{"code": status, "description": text} for text in descriptions]
    response = respond(data, fmt if fmt in FORMATS else "json", root="errors", status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response
