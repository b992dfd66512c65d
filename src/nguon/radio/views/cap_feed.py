"""Public CAP 1.2 documents and their Atom 1.0 feed (/alerts/…): no sign-in, cacheable.

The feed lists the newest published messages, newest first; each entry links to its frozen document
(``application/cap+xml``). Times carry the +07:00 offset, as in the documents.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import condition, require_safe
from lxml import etree

from nguon.radio.cap.schema import cap_time
from nguon.radio.models import CapMessage
from nguon.radio.selectors.cap import message_by_identifier, published_messages

ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_CONTENT_TYPE = "application/cap+xml; charset=utf-8"
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
MAX_AGE = 60
FEED_TITLE = "Cảnh báo khẩn cấp (CAP 1.2) — Nguồn"


def _absolute(path_: str) -> str:
    return f"{str(settings.NGUON_PUBLIC_URL).rstrip('/')}{path_}"


def _document_url(message: CapMessage) -> str:
    return _absolute(reverse("alerts:document", kwargs={"identifier": message.identifier}))


def _etag(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def _cacheable(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _doc_etag(request: HttpRequest, identifier: str) -> str | None:
    message = message_by_identifier(identifier)
    return _etag(message.xml) if message is not None else None


@require_safe
@condition(etag_func=_doc_etag)
def document(request: HttpRequest, identifier: str) -> HttpResponse:
    """One published CAP message, exactly as it was frozen."""
    message = message_by_identifier(identifier)
    if message is None:
        raise Http404
    response = HttpResponse(message.xml.encode("utf-8"), content_type=CAP_CONTENT_TYPE)
    response["Last-Modified"] = http_date(message.sent.timestamp())
    response["Content-Disposition"] = f'inline; filename="{message.identifier}.xml"'
    return _cacheable(response)


def _feed_etag(request: HttpRequest) -> str:
    rows = list(published_messages().values_list("identifier", flat=True))
    return _etag("\n".join(rows))


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def feed_xml(messages: list[CapMessage]) -> bytes:
    """The Atom 1.0 document listing ``messages`` (given newest first)."""
    feed_url = _absolute(reverse("alerts:feed"))
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})  # type: ignore[dict-item]  # default namespace
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "vi")
    _sub(root, "id", feed_url)
    _sub(root, "title", FEED_TITLE)
    _sub(root, "updated", cap_time(messages[0].sent) if messages else "2025-07-01T00:00:00+07:00")
    _sub(root, "link", rel="self", type="application/atom+xml", href=feed_url)
    author = _sub(root, "author")
    _sub(author, "name", "Nguồn")
    _sub(root, "generator", "Nguồn")
    for message in messages:
        order = message.order
        entry = _sub(root, "entry")
        url = _document_url(message)
        _sub(entry, "id", url)
        prefix = {"Update": "Cập nhật: ", "Cancel": "Hủy: "}.get(message.msg_type, "")
        _sub(entry, "title", f"{prefix}{order.title}")
        _sub(entry, "updated", cap_time(message.sent))
        _sub(entry, "published", cap_time(message.sent))
        entry_author = _sub(entry, "author")
        _sub(entry_author, "name", order.issuer_unit.full_name)
        _sub(entry, "link", rel="alternate", type="application/cap+xml", href=url)
        _sub(entry, "category", term=message.msg_type)
        _sub(entry, "summary", order.message or order.title)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


@require_safe
@condition(etag_func=_feed_etag)
def feed(request: HttpRequest) -> HttpResponse:
    """The Atom feed of published CAP messages, newest first."""
    messages = list(published_messages())
    response = HttpResponse(feed_xml(messages), content_type=ATOM_CONTENT_TYPE)
    if messages:
        response["Last-Modified"] = http_date(messages[0].sent.timestamp())
    return _cacheable(response)


urlpatterns: list[URLPattern] = [
    path("cap.atom", feed, name="feed"),
    path("cap/<str:identifier>.xml", document, name="document"),
]
