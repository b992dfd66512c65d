"""URLs of comments (/comments/). ``comments:thread`` (``bulletin_id``) is a contract: the portal's item
page loads it with HTMX (``hx-get``, ``hx-trigger="load"``) to show approved comments and the form."""

from django.urls import path

from nguon.comments import views

app_name = "comments"

urlpatterns = [
    path("thread/<int:bulletin_id>/", views.thread, name="thread"),
]
