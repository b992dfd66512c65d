"""Screens: writing, reading and moving bulletins through the workflow."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def bulletin_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


urlpatterns: list[URLPattern] = [path("b/<int:pk>/", bulletin_detail_view, name="bulletin")]
