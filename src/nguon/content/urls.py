"""URLs of the content app: each screen module contributes its own ``urlpatterns``."""

from nguon.content.views import bulletins, campaigns, inbox, notifications, search

app_name = "content"

urlpatterns = [
    *bulletins.urlpatterns,
    *inbox.urlpatterns,
    *notifications.urlpatterns,
    *campaigns.urlpatterns,
    *search.urlpatterns,
]
