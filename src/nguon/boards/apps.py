from django.apps import AppConfig


class BoardsConfig(AppConfig):
    """Public electronic boards: layouts, playlists, schedules and targeting, compiled into e-board
    manifests; the kiosk player page; proof of play; the emergency banner."""

    name = "nguon.boards"
    label = "boards"
    verbose_name = "Bảng tin điện tử"
