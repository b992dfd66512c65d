"""Models of the boards app, one module per concern."""

from nguon.boards.models.content import BoardItem, Playlist, PlaylistEntry
from nguon.boards.models.emergencies import EmergencyBanner
from nguon.boards.models.schedules import BoardSchedule

__all__ = ["BoardItem", "BoardSchedule", "EmergencyBanner", "Playlist", "PlaylistEntry"]
