from django.urls import path, re_path

from nguon.units import views

app_name = "units"

urlpatterns = [
    path("", views.unit_list_view, name="list"),
    path("organisations/", views.organisation_list_view, name="organisations"),
    path("organisations/<slug:code>/", views.organisation_detail_view, name="organisation"),
    re_path(r"^u/(?P<path>h?[0-9A-Za-z/]+/)$", views.unit_detail_view, name="detail"),
]
