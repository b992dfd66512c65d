"""URLs of comments (/comments/). ``comments:thread`` (``bulletin_id``) is a contract: the portal's item
page loads it with HTMX (``hx-get``, ``hx-trigger="load"``) to show approved comments and the form."""

from django.urls import path

from nguon.comments import views

app_name = "comments"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("thread/<int:bulletin_id>/", views.thread, name="thread"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("banned-words/", views.banned_words, name="banned_words"),
]
