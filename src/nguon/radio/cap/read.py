"""Reading a validated CAP 1.2 ``<alert>`` into plain values (what an import keeps and maps)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from nguon.core.text import nfc
from nguon.radio.cap.schema import CAP_NS, CapError, cap_time

_NS = {"cap": CAP_NS}


@dataclass(frozen=True)
class Reference:
    """One "sender,identifier,sent" of ``<references>``."""

    sender: str
    identifier: str
    sent: str


@dataclass(frozen=True)
class AreaIn:
    description: str
    geocodes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Incoming:
    """An incoming alert: its header and the ``<info>`` chosen for Vietnamese listeners."""

    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    references: tuple[Reference, ...]
    has_info: bool
    language: str
    categories: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    effective: datetime | None
    expires: tuple[datetime, ...]  # of every <info> that has one
    sender_name: str
    headline: str
    description: str
    instruction: str
    web: str
    areas: tuple[AreaIn, ...]

    def as_source(self) -> dict[str, Any]:
        """The parsed fields kept on the order (``EmergencyOrder.cap_source``), JSON-ready."""
        return {
            "identifier": self.identifier,
            "sender": self.sender,
            "sent": cap_time(self.sent),
            "status": self.status,
            "msg_type": self.msg_type,
            "references": [f"{r.sender},{r.identifier},{r.sent}" for r in self.references],
            "language": self.language,
            "categories": list(self.categories),
            "event": self.event,
            "urgency": self.urgency,
            "severity": self.severity,
            "certainty": self.certainty,
            "effective": cap_time(self.effective) if self.effective else None,
            "expires": cap_time(max(self.expires)) if self.expires else None,
            "sender_name": self.sender_name,
            "headline": self.headline,
            "instruction": self.instruction,
            "web": self.web,
            "areas": [
                {"desc": a.description, "geocodes": [{"name": n, "value": v} for n, v in a.geocodes]}
                for a in self.areas
            ],
        }


def _text(element: etree._Element, path: str) -> str:
    found = element.find(path, _NS)
    return nfc(found.text or "") if found is not None and found.text else ""


def _time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise CapError(f"Thời điểm {text!r} không đúng định dạng CAP.") from None


def parse_references(text: str) -> tuple[Reference, ...]:
    """``<references>``: space-separated "sender,identifier,sent" triples (CAP 1.2 §3.2.1)."""
    result = []
    for token in text.split():
        parts = token.split(",")
        if len(parts) != 3 or not all(parts):
            raise CapError(f'Tham chiếu {token!r} không đúng dạng "người gửi,mã bản tin,thời điểm gửi".')
        result.append(Reference(*parts))
    return tuple(result)


def _choose_info(infos: list[etree._Element]) -> etree._Element:
    """The Vietnamese ``<info>`` if there is one, else the first (CAP's default language is en-US)."""
    for info in infos:
        if _text(info, "cap:language").lower().startswith("vi"):
            return info
    return infos[0]


def read(root: etree._Element) -> Incoming:
    """The values of a schema-valid ``<alert>``."""
    infos = root.findall("cap:info", _NS)
    info = _choose_info(infos) if infos else None
    areas: list[AreaIn] = []
    if info is not None:
        for area in info.findall("cap:area", _NS):
            codes = tuple(
                (_text(g, "cap:valueName"), _text(g, "cap:value")) for g in area.findall("cap:geocode", _NS)
            )
            areas.append(AreaIn(_text(area, "cap:areaDesc"), codes))
    expires = tuple(_time(t) for i in infos if (t := _text(i, "cap:expires")))

    def field(name: str) -> str:
        return _text(info, f"cap:{name}") if info is not None else ""

    effective = field("effective")
    return Incoming(
        identifier=_text(root, "cap:identifier"),
        sender=_text(root, "cap:sender"),
        sent=_time(_text(root, "cap:sent")),
        status=_text(root, "cap:status"),
        msg_type=_text(root, "cap:msgType"),
        scope=_text(root, "cap:scope"),
        references=parse_references(_text(root, "cap:references")),
        has_info=info is not None,
        language=field("language") or "en-US",
        categories=tuple(_text(c, ".") for c in info.findall("cap:category", _NS))
        if info is not None
        else (),
        event=field("event"),
        urgency=field("urgency"),
        severity=field("severity"),
        certainty=field("certainty"),
        effective=_time(effective) if effective else None,
        expires=expires,
        sender_name=field("senderName"),
        headline=field("headline"),
        description=field("description"),
        instruction=field("instruction"),
        web=field("web"),
        areas=tuple(areas),
    )
