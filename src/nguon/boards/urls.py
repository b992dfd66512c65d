"""URLs of the boards screens (/boards/): each screen module contributes its own ``urlpatterns``."""

from django.urls import URLPattern, URLResolver

from nguon.boards.player import views as player
from nguon.boards.views import boards, items, playlists, schedules

app_name = "boards"

urlpatterns: list[URLPattern | URLResolver] = [
    *player.urlpatterns,  # first: its paths (player/…, <device>/screenshot/) are the most specific
    *boards.urlpatterns,
    *items.urlpatterns,
    *playlists.urlpatterns,
    *schedules.urlpatterns,
]
