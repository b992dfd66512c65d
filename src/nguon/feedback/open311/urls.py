"""Open311 GeoReport v2 endpoints under /open311/v2/ (docs/open311.md)."""

from django.urls import URLPattern, URLResolver

app_name = "open311"

urlpatterns: list[URLPattern | URLResolver] = []
