"""URLs of the public portal (/portal/). The URL names are a contract used by feeds and other apps:

- ``portal:home`` — the Vietnamese front page; ``portal:section`` (``lang``) — a language section.
- ``portal:item`` (``pk``) — a bulletin in Vietnamese; ``portal:item-lang`` (``lang``, ``pk``) — in a language.
- ``portal:commune`` (``code``) — a commune's page; ``portal:category`` (``code``) — a category.
- ``portal:search`` — search.

Also: ``portal:audio`` (``pk``) — the MP3 of a public bulletin's live text; ``portal:commune-pick`` — the
commune picker's target (``?code=``), redirecting to ``portal:commune``.
"""

from django.urls import path

from nguon.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("tin/<int:pk>/", views.item, name="item"),
    path("tin/<int:pk>/am-thanh.mp3", views.audio, name="audio"),
    path("linh-vuc/<slug:code>/", views.category, name="category"),
    path("xa/", views.commune_pick, name="commune-pick"),
    path("xa/<str:code>/", views.commune, name="commune"),
    path("tim-kiem/", views.search, name="search"),
    path("<str:lang>/", views.section, name="section"),
    path("<str:lang>/tin/<int:pk>/", views.item_lang, name="item-lang"),
]
