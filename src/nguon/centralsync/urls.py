"""URLs of the centralsync app (/centralsync/)."""

from django.urls import URLPattern, URLResolver, path

from nguon.centralsync import views

app_name = "centralsync"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index_view, name="index"),
    path("push/", views.push_view, name="push"),
]
