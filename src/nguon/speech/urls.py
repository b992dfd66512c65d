from django.urls import path

from nguon.speech import views

app_name = "speech"

urlpatterns = [
    path("", views.speech_view, name="index"),
    path("upload/", views.upload_view, name="upload"),
    path("renders/<int:pk>/", views.render_view, name="render"),
    path("renders/<int:pk>/file.<str:kind>", views.render_file_view, name="file"),
    path("dictionary/", views.dictionary_view, name="dictionary"),
]
