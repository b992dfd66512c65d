"""CAP 1.2 (Common Alerting Protocol): publishing emergency orders as CAP alerts, importing alerts as orders.

``publish_alert`` / ``publish_update`` / ``publish_cancel`` are system writes called by the emergency-order
services inside their transaction: no access check of their own, one audit event each. Each message is
checked against the vendored OASIS schema before it is stored, and its XML is frozen (``CapMessage.xml``).

``import_cap`` turns an alert from outside (e.g. the national disaster authority) into an emergency order
waiting for a TOTP-confirmed approver, with its areas mapped to units and its text read aloud; a Cancel
stops the order an earlier import made. See docs/cap.md.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from nguon.core import access, audit
from nguon.radio.cap import build
from nguon.radio.cap.read import Incoming, read
from nguon.radio.cap.schema import CAP_NS, CapError, cap_time, parse_cap
from nguon.radio.choices import CapMsgType
from nguon.radio.models import CapMessage, EmergencyOrder
from nguon.radio.selectors import cap as selectors
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

DEFAULT_VALIDITY = timedelta(hours=24)  # <expires> of an order's Alert when its source gives none
DEFAULT_EVENT = "Thông báo khẩn cấp"
DEFAULT_INSTRUCTION = "Theo dõi loa truyền thanh cơ sở và làm theo hướng dẫn của chính quyền địa phương."
MAX_SPOKEN_CHARS = 4000
_FIELDS = ("identifier", "msg_type", "sent", "references")


# -- publishing -------------------------------------------------------------------------------------------


def identifier_for(order: EmergencyOrder, n: int) -> str:
    """``vn.nguon.<province code>.em-<order id>.<n>``: the n-th message of the order (stable, unique)."""
    return f"vn.nguon.{order.issuer_unit.province_code}.em-{order.pk}.{n}"


def public_url(identifier: str) -> str:
    """Where everyone can read the published document."""
    path = reverse("alerts:document", kwargs={"identifier": identifier})
    return f"{str(settings.NGUON_PUBLIC_URL).rstrip('/')}{path}"


def _area(unit: AdministrativeUnit) -> build.Area:
    if unit.level == UnitLevel.RESIDENTIAL:
        parent = unit.parent
        where = f"{unit.full_name}, {parent.full_name}" if parent is not None else unit.full_name
        codes: tuple[tuple[str, str], ...] = ((build.RESIDENTIAL_CODE, unit.code),)
        if parent is not None:
            codes += ((build.DVHC, parent.code),)
        return build.Area(where, codes)
    return build.Area(
        unit.full_name, ((build.DVHC, unit.code),), unit.latitude, unit.longitude, unit.area_km2
    )


def _sender_of(message: CapMessage) -> str:
    root = etree.fromstring(message.xml.encode("utf-8"))
    found = root.find(f"{{{CAP_NS}}}sender")
    return str(found.text) if found is not None and found.text else str(settings.NGUON_CAP_SENDER)


def _reference(message: CapMessage) -> str:
    return f"{_sender_of(message)},{message.identifier},{cap_time(message.sent)}"


def _choice(value: Any, allowed: tuple[str, ...], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def _message(order: EmergencyOrder, msg_type: str, earlier: list[CapMessage]) -> build.Message:
    source: dict[str, Any] = order.cap_source or {}
    n = len(earlier) + 1
    identifier = identifier_for(order, n)
    sent = timezone.now().replace(microsecond=0)
    cancel = msg_type == CapMsgType.CANCEL
    categories = tuple(c for c in source.get("categories") or () if c in build.CATEGORIES) or ("Safety",)
    effective = order.approved_at or order.requested_at
    expires = None
    if not cancel:
        expires = (effective or sent) + DEFAULT_VALIDITY
        if source.get("expires"):
            expires = datetime.fromisoformat(source["expires"])
    note = ""
    if source.get("identifier"):
        note = (
            f"Phát theo cảnh báo {source['identifier']} của {source.get('sender_name') or source['sender']}."
        )
    description = order.message or order.title
    if cancel:
        stopped = cap_time(order.stopped_at or sent)
        description = f"Đã dừng phát khẩn cấp lúc {stopped}. {description}"
    return build.Message(
        identifier=identifier,
        sender=str(settings.NGUON_CAP_SENDER),
        sent=sent,
        msg_type=msg_type,
        event=str(source.get("event") or DEFAULT_EVENT)[:300],
        headline=("Đã dừng: " if cancel else "") + order.title,
        description=description,
        sender_name=order.issuer_unit.full_name,
        areas=tuple(_area(u) for u in order.units.select_related("parent").order_by("path")),
        urgency="Past" if cancel else "Immediate",
        severity=_choice(source.get("severity"), build.SEVERITIES, "Severe"),
        certainty=_choice(source.get("certainty"), build.CERTAINTIES, "Observed"),
        categories=categories,
        instruction="" if cancel else str(source.get("instruction") or DEFAULT_INSTRUCTION),
        web=public_url(identifier),
        effective=sent if cancel else effective,
        expires=expires,
        note=note,
        references=" ".join(_reference(m) for m in earlier) if msg_type != CapMsgType.ALERT else "",
        response_types=("AllClear",) if cancel else (),
    )


def _publish(order: EmergencyOrder, msg_type: str, actor: Any) -> CapMessage:
    order = EmergencyOrder.objects.select_related("issuer_unit").get(pk=order.pk)
    earlier = list(order.cap_messages.order_by("sent", "pk"))
    message = _message(order, msg_type, earlier)
    xml = build.serialize(build.build(message))
    with transaction.atomic():
        cap_message = CapMessage.objects.create(
            order=order,
            identifier=message.identifier,
            msg_type=msg_type,
            sent=message.sent,
            references=message.references,
            xml=xml,
        )
        audit.record(
            actor=actor,
            action=f"radio.cap.publish_{msg_type.lower()}",
            target=cap_message,
            unit=order.issuer_unit,
            after=audit.snapshot(cap_message, _FIELDS),
        )
    return cap_message


def publish_alert(order: EmergencyOrder, *, actor: Any = access.SYSTEM) -> CapMessage:
    """Publish the CAP 1.2 Alert of ``order`` (it just went on air). Publishing again returns the Alert
    already published."""
    existing = order.cap_messages.filter(msg_type=CapMsgType.ALERT).first()
    return existing if existing is not None else _publish(order, CapMsgType.ALERT, actor)


def publish_update(order: EmergencyOrder, *, actor: Any = access.SYSTEM) -> CapMessage:
    """Publish a CAP 1.2 Update of ``order`` (its text or areas changed), referencing earlier messages."""
    if not order.cap_messages.exists():
        raise ValidationError("Lệnh này chưa có cảnh báo CAP nào để cập nhật.")
    return _publish(order, CapMsgType.UPDATE, actor)


def publish_cancel(order: EmergencyOrder, *, actor: Any = access.SYSTEM) -> CapMessage:
    """Publish the CAP 1.2 Cancel of ``order`` (it stopped), referencing every earlier message of it.
    Publishing again returns the Cancel already published."""
    existing = order.cap_messages.filter(msg_type=CapMsgType.CANCEL).first()
    if existing is not None:
        return existing
    if not order.cap_messages.exists():
        raise ValidationError("Lệnh này chưa có cảnh báo CAP nào để hủy.")
    return _publish(order, CapMsgType.CANCEL, actor)


# -- import -----------------------------------------------------------------------------------------------


def _refuse(reason: str) -> ValidationError:
    return ValidationError({"xml": reason})


def _check_incoming(incoming: Incoming) -> None:
    if incoming.status != "Actual":
        raise _refuse(
            f"Chỉ nhận cảnh báo thật (status Actual); bản tin này có trạng thái {incoming.status}, "
            "không được đưa lên loa."
        )
    if incoming.msg_type not in (CapMsgType.ALERT, CapMsgType.UPDATE, CapMsgType.CANCEL):
        raise _refuse(f"Không nhận bản tin loại {incoming.msg_type} (chỉ nhận Alert, Update, Cancel).")
    if incoming.msg_type == CapMsgType.CANCEL:
        return
    if not incoming.has_info:
        raise _refuse("Cảnh báo không có phần <info> (nội dung, địa bàn), không thể phát.")
    now = timezone.now()
    if incoming.expires and max(incoming.expires) <= now:
        raise _refuse(f"Cảnh báo đã hết hiệu lực từ {cap_time(max(incoming.expires))}.")
    if selectors.orders_from_source(sender=incoming.sender, identifier=incoming.identifier).exists():
        raise _refuse(
            f"Cảnh báo {incoming.identifier} của {incoming.sender} đã được nhập trước đây; không nhập lại."
        )


def _spoken(incoming: Incoming) -> str:
    parts = [incoming.headline or incoming.event, incoming.description, incoming.instruction]
    text = "\n".join(p.strip().rstrip(".") + "." for p in parts if p and p.strip())
    return text[:MAX_SPOKEN_CHARS]


def _synthesize(text: str) -> bytes:
    """The alert read by the built-in Vietnamese voice (espeak-ng), mastered, as MP3 bytes."""
    from nguon.speech.engines.base import EngineError
    from nguon.speech.services import builtin_voice, synthesize_to_files

    with tempfile.TemporaryDirectory(prefix="nguon-cap-") as tmp:
        try:
            result = synthesize_to_files(
                text=text, voice=builtin_voice("vi"), out_dir=Path(tmp), stem="cap", with_opus=False
            )
        except (EngineError, OSError) as error:
            raise _refuse(f"Không tạo được âm thanh đọc cảnh báo: {error}") from None
        return result.mastered.mp3_path.read_bytes()


def _cancel(*, actor: Any, incoming: Incoming, issuer_unit: AdministrativeUnit) -> EmergencyOrder:
    """A Cancel: stop the orders the referenced alerts made (on air or still waiting for approval)."""
    from nguon.radio.services.emergencies import stop_order

    if not incoming.references:
        raise _refuse("Bản tin hủy (Cancel) không có <references> tới cảnh báo cần hủy.")
    orders: list[EmergencyOrder] = []
    for ref in incoming.references:
        found = selectors.orders_from_source(sender=ref.sender, identifier=ref.identifier) | (
            selectors.orders_published_as(ref.identifier)
        )
        orders.extend(o for o in found.distinct() if o.issuer_unit.path.startswith(issuer_unit.path))
    if not orders:
        listed = ", ".join(r.identifier for r in incoming.references)
        raise _refuse(f"Bản tin hủy (Cancel) tham chiếu cảnh báo chưa từng được nhập hay phát: {listed}.")
    stopped: list[EmergencyOrder] = []
    with transaction.atomic():
        for order in {o.pk: o for o in orders}.values():
            stopped.append(stop_order(actor=actor, order=order))
        audit.record(
            actor=actor,
            action="radio.cap.import_cancel",
            target=stopped[0],
            unit=issuer_unit,
            after={
                "identifier": incoming.identifier,
                "sender": incoming.sender,
                "references": [r.identifier for r in incoming.references],
                "orders": [o.pk for o in stopped],
            },
        )
    return stopped[0]


def import_cap(*, actor: Any, xml: bytes, issuer_unit: AdministrativeUnit) -> EmergencyOrder:
    """Import a CAP 1.2 alert for ``issuer_unit``.

    Alert/Update: an emergency order waiting for approval, over the units its areas name (under
    ``issuer_unit``), with the alert read aloud in Vietnamese. Cancel: the order an earlier import (or our
    own publication) made is stopped. Anything else is refused with the reason (``ValidationError`` on
    ``xml``) and nothing is written."""
    from nguon.content.choices import AttachmentKind
    from nguon.content.services.attachments import stored_blob
    from nguon.radio.services.emergencies import prepare_emergency

    access.require(actor, access.BROADCAST_EMERGENCY, unit=issuer_unit)
    try:
        incoming = read(parse_cap(xml))
    except CapError as error:
        raise _refuse(str(error)) from None
    _check_incoming(incoming)
    if incoming.msg_type == CapMsgType.CANCEL:
        return _cancel(actor=actor, incoming=incoming, issuer_unit=issuer_unit)
    mapping = selectors.map_areas(incoming.areas, issuer_unit=issuer_unit)
    if not mapping.units:
        detail = "; ".join(mapping.unmapped) or "cảnh báo không có vùng <area> nào"
        raise _refuse(f"Không xác định được địa bàn nào thuộc {issuer_unit.full_name}: {detail}.")
    source = incoming.as_source() | {
        "units": [u.code for u in mapping.units],
        "unmapped": mapping.unmapped,
        "imported_at": cap_time(timezone.now()),
    }
    audio = _synthesize(_spoken(incoming))
    title = (incoming.headline or incoming.event or DEFAULT_EVENT)[:300]
    message = "\n\n".join(p for p in (incoming.description, incoming.instruction) if p)
    with transaction.atomic():
        upload = _Bytes("canh-bao.mp3", audio)
        with stored_blob(upload, allowed_kinds=frozenset({AttachmentKind.AUDIO})) as blob:
            order = prepare_emergency(
                actor=actor,
                issuer_unit=issuer_unit,
                units=mapping.units,
                blob=blob,
                title=title,
                message=message,
                cap_source=source,
            )
        audit.record(
            actor=actor,
            action="radio.cap.import",
            target=order,
            unit=issuer_unit,
            after={
                "identifier": incoming.identifier,
                "sender": incoming.sender,
                "msg_type": incoming.msg_type,
                "units": source["units"],
                "unmapped": mapping.unmapped,
            },
        )
    return order


class _Bytes:
    """An in-memory upload for :func:`stored_blob`."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name: str | None = name
        self._data = data

    def chunks(self, chunk_size: int | None = None) -> Any:
        yield self._data
