"""URLs of the outbound app (/outbound/). ``outbound:destinations`` is the module's entry (main menu)."""

from django.urls import URLPattern, URLResolver, path

from nguon.outbound import views

app_name = "outbound"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.destinations_view, name="destinations"),
    path("destinations/new/", views.destination_form_view, name="destination-create"),
    path("destinations/<int:pk>/", views.destination_form_view, name="destination-edit"),
    path("messages/", views.messages_view, name="messages"),
    path("messages/<int:pk>/", views.message_view, name="message"),
    path("messages/<int:pk>/resend/", views.resend_view, name="resend"),
]
