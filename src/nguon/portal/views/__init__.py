"""Public portal pages (no sign-in): what they read is defined by :mod:`nguon.portal.selectors`."""

from nguon.portal.views.bulletin import audio, item, item_lang
from nguon.portal.views.communes import commune, commune_pick
from nguon.portal.views.pages import category, home, section
from nguon.portal.views.search_page import search

__all__ = ["audio", "category", "commune", "commune_pick", "home", "item", "item_lang", "search", "section"]
