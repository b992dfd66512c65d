from django.urls import path

from nguon.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("audit/", views.audit_view, name="audit"),
]
