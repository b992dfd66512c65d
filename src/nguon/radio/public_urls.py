"""Public URLs without sign-in: the CAP 1.2 alert feed and documents (/alerts/…)."""

from django.urls import URLPattern

from nguon.radio.views import cap_feed

app_name = "alerts"

urlpatterns: list[URLPattern] = [*cap_feed.urlpatterns]
