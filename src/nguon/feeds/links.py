"""Absolute addresses of public things (from ``NGUON_PUBLIC_URL``) and the stable ``tag:`` identifiers.

A bulletin's identifier (RSS ``guid``, Atom ``id``, JSON Feed ``id``, ninjs ``uri``) is a ``tag:`` URI
(RFC 4151) built from the public host and the bulletin id, plus the language for a section other than
Vietnamese: it never changes when the bulletin is corrected, so readers update the entry in place.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import reverse

#: The date in ``tag:`` URIs (RFC 4151 §2.1: a date on which the authority owned the host name).
TAG_DATE = "2025"


def public_base() -> str:
    """The public address of the site without a trailing slash (``NGUON_PUBLIC_URL``)."""
    return str(getattr(settings, "NGUON_PUBLIC_URL", "") or "http://localhost:8000").rstrip("/")


def absolute(path: str, query: dict[str, str] | None = None) -> str:
    """``path`` (from ``reverse``) as an absolute URL, with ``query`` when given."""
    url = public_base() + path
    if query:
        url += "?" + urlencode(sorted(query.items()))
    return url


def tag_authority() -> str:
    return (urlsplit(public_base()).hostname or "localhost").lower()


def bulletin_tag(bulletin_id: int, language: str = "vi") -> str:
    """The stable identifier of a bulletin in one language, e.g. ``tag:nguon.example.vn,2025:bulletin/42``."""
    suffix = "" if language == "vi" else f"/{language}"
    return f"tag:{tag_authority()},{TAG_DATE}:bulletin/{bulletin_id}{suffix}"


def category_scheme() -> str:
    """The scheme URI of category codes (NĐ 49/2024 Art. 6 categories as kept in this system)."""
    return f"tag:{tag_authority()},{TAG_DATE}:category"


def item_url(bulletin_id: int, language: str) -> str:
    """The portal page of a bulletin in ``language``."""
    if language == "vi":
        return absolute(reverse("portal:item", kwargs={"pk": bulletin_id}))
    return absolute(reverse("portal:item-lang", kwargs={"lang": language, "pk": bulletin_id}))


def section_url(language: str) -> str:
    """The portal page of a language section."""
    if language == "vi":
        return absolute(reverse("portal:home"))
    return absolute(reverse("portal:section", kwargs={"lang": language}))
