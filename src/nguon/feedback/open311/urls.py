"""Open311 GeoReport v2 endpoints under /open311/v2/ (docs/open311.md)."""

from django.urls import URLPattern, URLResolver, path, re_path

from nguon.feedback.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.root_view, name="root"),
    re_path(r"^discovery" + FMT, views.discovery_view, name="discovery"),
    re_path(r"^services" + FMT, views.services_view, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+?)" + FMT, views.service_definition_view, name="service"),
    re_path(r"^requests" + FMT, views.requests_view, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+?)" + FMT, views.request_view, name="request"),
    path("media/<str:public_id>/<int:attachment_id>", views.media_view, name="media"),
]
