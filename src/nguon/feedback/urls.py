"""URLs of the feedback screens (/feedback/): each screen module contributes its own ``urlpatterns``.

``public`` holds the citizens' pages (form, tracking page, published answers; no sign-in), ``staff`` the
handlers' pages (queue, detail, answers, staff entry, settings)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

app_name = "feedback"


def _placeholder(request: HttpRequest, *args: object) -> HttpResponse:  # replaced by the screen modules
    raise Http404


urlpatterns: list[URLPattern | URLResolver] = [
    path("handle/<str:public_id>/", _placeholder, name="detail"),
    path("track/<str:code>/", _placeholder, name="track"),
]
