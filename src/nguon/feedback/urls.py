"""URLs of the feedback screens (/feedback/): each screen module contributes its own ``urlpatterns``."""

from django.urls import URLPattern, URLResolver

app_name = "feedback"

urlpatterns: list[URLPattern | URLResolver] = []
