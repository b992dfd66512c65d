"""Public URLs without sign-in: the CAP 1.2 alert feed (/alerts/…)."""

from django.urls import URLPattern

app_name = "alerts"

urlpatterns: list[URLPattern] = []
