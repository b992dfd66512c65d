"""URLs of the translations app (/translations/)."""

from django.urls import URLPattern, URLResolver

app_name = "translations"

urlpatterns: list[URLPattern | URLResolver] = []
