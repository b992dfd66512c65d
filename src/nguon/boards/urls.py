"""URLs of the boards screens (/boards/): each screen module contributes its own ``urlpatterns``."""

from django.urls import URLPattern, URLResolver

app_name = "boards"

urlpatterns: list[URLPattern | URLResolver] = []
