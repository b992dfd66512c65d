"""Screens: a commune's inbox of bulletins sent down to it."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def inbox_view(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


urlpatterns: list[URLPattern] = [path("inbox/", inbox_view, name="inbox")]
