"""The item every plug-in formats from: the public text of the live revision, with its portal link.

Messages are built from :func:`nguon.portal.selectors.public_items` (the approved text of the live
revision, never the working row). The portal link is added only when the item is readable on the portal
(:func:`nguon.portal.selectors.live_bulletins`); an SMS-only bulletin has none.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from nguon.content.models import Bulletin
from nguon.portal.selectors import PublicItem, live_bulletins, public_items

ELLIPSIS = "…"

#: The GSM 03.38 basic character set: text made only of these fits 160 characters per SMS.
GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


@dataclass(frozen=True)
class OutboundItem:
    """What a plug-in formats: one action on one public item, with its idempotency key."""

    action: str  # Action value
    bulletin_id: int
    revision: int
    title: str
    summary: str
    body_text: str
    body_html: str
    language: str
    category: str
    unit_name: str
    unit_code: str
    priority: str
    url: str  # absolute portal link, or "" when the item is not on the portal
    idempotency_key: str
    external_id: str = ""  # the id the destination returned when the item was first published
    reason: str = ""  # why the item was withdrawn


def portal_url(bulletin_id: int) -> str:
    """The absolute address of the item on the public portal."""
    return f"{settings.NGUON_PUBLIC_URL.rstrip('/')}{reverse('portal:item', kwargs={'pk': bulletin_id})}"


def build_item(
    bulletin: Bulletin, *, action: str, idempotency_key: str, external_id: str = "", reason: str = ""
) -> OutboundItem:
    """The public form of ``bulletin``'s live revision, ready for a plug-in."""
    public: PublicItem = public_items([bulletin], language=bulletin.language)[0]
    on_portal = live_bulletins().filter(pk=bulletin.pk).exists()
    return OutboundItem(
        action=action,
        bulletin_id=bulletin.pk,
        revision=public.revision,
        title=public.title,
        summary=public.summary,
        body_text=public.body_text,
        body_html=public.body,
        language=public.language,
        category=public.category.name,
        unit_name=public.unit.name,
        unit_code=public.unit.code,
        priority=public.priority,
        url=portal_url(bulletin.pk) if on_portal else "",
        idempotency_key=idempotency_key,
        external_id=external_id,
        reason=reason,
    )


def strip_diacritics(value: str) -> str:
    """Vietnamese without diacritics, for SMS sent in GSM-7: "Định Hóa" → "Dinh Hoa"."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def is_gsm7(value: str) -> bool:
    return all(ch in GSM7 for ch in value)


def shorten(value: str, limit: int) -> str:
    """``value`` cut to at most ``limit`` characters, at a word boundary when one is near, with "…"."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    cut = value[: max(0, limit - 1)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + ELLIPSIS
