"""Writing CAP 1.2 documents (one ``<alert>`` with one Vietnamese ``<info>``) from plain values."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from lxml import etree

from nguon.radio.cap.schema import CAP_NS, cap_time, schema_errors

LANGUAGE = "vi-VN"
DVHC = "DVHC"  # geocode valueName: Vietnam's official administrative unit code (QĐ 19/2025)
RESIDENTIAL_CODE = "NGUON-THON"  # geocode valueName: Nguồn's code of a residential unit ("05569-TDP01")
CATEGORIES: tuple[str, ...] = (
    *("Geo", "Met", "Safety", "Security", "Rescue", "Fire"),
    *("Health", "Env", "Transport", "Infra", "CBRNE", "Other"),
)
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
HEADLINE_MAX = 160  # CAP 1.2 §3.2.2: "should be less than 160 characters"


@dataclass(frozen=True)
class Area:
    """One ``<area>``: a description, the geocodes (valueName, value) and an optional circle."""

    description: str
    geocodes: tuple[tuple[str, str], ...]
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    area_km2: Decimal | None = None

    def circle(self) -> str | None:
        """A circle of the unit's area around its centre ("lat,lon radius_km"), when both are known."""
        if self.latitude is None or self.longitude is None or not self.area_km2:
            return None
        radius = math.sqrt(float(self.area_km2) / math.pi)
        return f"{float(self.latitude):.6f},{float(self.longitude):.6f} {radius:.1f}"


@dataclass(frozen=True)
class Message:
    """Everything one CAP message says."""

    identifier: str
    sender: str
    sent: datetime
    msg_type: str  # Alert, Update, Cancel
    event: str
    headline: str
    description: str
    sender_name: str
    areas: tuple[Area, ...]
    urgency: str = "Immediate"
    severity: str = "Severe"
    certainty: str = "Observed"
    categories: tuple[str, ...] = ("Safety",)
    instruction: str = ""
    web: str = ""
    effective: datetime | None = None
    expires: datetime | None = None
    note: str = ""
    references: str = ""
    response_types: tuple[str, ...] = field(default=())


def _sub(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    element.text = text
    return element


def _headline(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= HEADLINE_MAX else text[: HEADLINE_MAX - 1].rstrip() + "…"


def build(message: Message) -> etree._Element:
    """The ``<alert>`` element of ``message`` (elements in the order the schema requires)."""
    alert = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})  # type: ignore[dict-item]  # default namespace
    _sub(alert, "identifier", message.identifier)
    _sub(alert, "sender", message.sender)
    _sub(alert, "sent", cap_time(message.sent))
    _sub(alert, "status", "Actual")
    _sub(alert, "msgType", message.msg_type)
    _sub(alert, "scope", "Public")
    if message.note:
        _sub(alert, "note", message.note)
    if message.references:
        _sub(alert, "references", message.references)
    info = etree.SubElement(alert, f"{{{CAP_NS}}}info")
    _sub(info, "language", LANGUAGE)
    for category in message.categories or ("Safety",):
        _sub(info, "category", category)
    _sub(info, "event", message.event)
    for response in message.response_types:
        _sub(info, "responseType", response)
    _sub(info, "urgency", message.urgency)
    _sub(info, "severity", message.severity)
    _sub(info, "certainty", message.certainty)
    if message.effective is not None:
        _sub(info, "effective", cap_time(message.effective))
    if message.expires is not None:
        _sub(info, "expires", cap_time(message.expires))
    _sub(info, "senderName", message.sender_name)
    _sub(info, "headline", _headline(message.headline))
    _sub(info, "description", message.description or message.headline)
    if message.instruction:
        _sub(info, "instruction", message.instruction)
    if message.web:
        _sub(info, "web", message.web)
    for area in message.areas:
        element = etree.SubElement(info, f"{{{CAP_NS}}}area")
        _sub(element, "areaDesc", area.description)
        circle = area.circle()
        if circle:
            _sub(element, "circle", circle)
        for name, value in area.geocodes:
            geocode = etree.SubElement(element, f"{{{CAP_NS}}}geocode")
            _sub(geocode, "valueName", name)
            _sub(geocode, "value", value)
    return alert


def serialize(alert: etree._Element) -> str:
    """The document as UTF-8 text with its XML declaration, after checking it against the OASIS schema
    (a document that does not validate is a programming error: ``ValueError``, nothing is published)."""
    errors = schema_errors(alert.getroottree())
    if errors:
        raise ValueError("CAP document does not validate: " + "; ".join(errors))
    data: bytes = etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data.decode("utf-8")
