"""URLs of the feeds (/feeds/). Names are a contract used by the portal's ``<link rel="alternate">``:

- ``feeds:rss`` / ``feeds:atom`` / ``feeds:json`` (``lang``) — RSS 2.0, Atom 1.0, JSON Feed 1.1 of a
  language section, filtered by ``?category=<code>`` and ``?unit=<code>``.
- ``feeds:ninjs-list`` (``lang``) and ``feeds:ninjs-item`` (``pk``) — IPTC ninjs for press agencies.
"""

from django.urls import path

from nguon.feeds import views

app_name = "feeds"

urlpatterns = [
    path("<str:lang>/rss.xml", views.rss, name="rss"),
    path("<str:lang>/atom.xml", views.atom, name="atom"),
    path("<str:lang>/feed.json", views.json_feed, name="json"),
    path("ninjs/<str:lang>/", views.ninjs_list, name="ninjs-list"),
    path("ninjs/item/<int:pk>.json", views.ninjs_item, name="ninjs-item"),
]
