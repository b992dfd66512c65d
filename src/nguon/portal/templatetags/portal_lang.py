"""``{% lang_attrs code %}``: the ``lang`` attribute of text written in the language ``code``.

A language with a BCP 47 code gets ``lang="<code>"``; one without (Dao, Sán Dìu) gets ``lang="und"`` and a
``data-language`` with its section code, so styles and scripts can still tell the languages apart.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from nguon.portal import chrome

register = template.Library()


@register.simple_tag
def lang_attrs(code: str) -> SafeString:
    """`` lang="…"`` (and `` data-language="…"`` when the tag is ``und``), with a leading space."""
    tag = chrome.content_lang(code)
    if tag == chrome.UNDETERMINED:
        return format_html(' lang="{}" data-language="{}"', tag, code)
    return format_html(' lang="{}"', tag)
