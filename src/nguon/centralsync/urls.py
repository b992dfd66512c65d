"""URLs of the centralsync app (/centralsync/)."""

from django.urls import URLPattern, URLResolver

app_name = "centralsync"

urlpatterns: list[URLPattern | URLResolver] = []
