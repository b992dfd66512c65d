"""URLs of the plan614 app (/plan614/)."""

from django.urls import URLPattern, URLResolver, path

from nguon.plan614 import views

app_name = "plan614"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard_view, name="dashboard"),
    path("targets/new/", views.target_create_view, name="target_add"),
    path("targets/<int:pk>/", views.target_view, name="target"),
    path("targets/<int:pk>/edit/", views.target_edit_view, name="target_edit"),
    path("targets/<int:pk>/measurements/", views.measurement_view, name="measurement_add"),
    path("tasks/new/", views.task_create_view, name="task_add"),
    path("tasks/<int:pk>/", views.task_view, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit_view, name="task_edit"),
    path("tasks/<int:pk>/updates/", views.progress_view, name="progress_add"),
    path("evidence/measurements/<int:pk>/", views.measurement_evidence_view, name="measurement_evidence"),
    path("evidence/updates/<int:pk>/", views.update_evidence_view, name="update_evidence"),
]
