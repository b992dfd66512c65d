"""URLs of the translations app (/translations/)."""

from django.urls import path

from nguon.translations import views

app_name = "translations"

urlpatterns = [
    path("", views.work_list, name="list"),
    path("<int:bulletin_id>/<str:language>/", views.editor, name="editor"),
]
