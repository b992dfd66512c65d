"""URLs of the plan614 app (/plan614/)."""

from django.urls import URLPattern, URLResolver

app_name = "plan614"

urlpatterns: list[URLPattern | URLResolver] = []
