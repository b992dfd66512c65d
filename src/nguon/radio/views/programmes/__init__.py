"""Radio screens: the commune's calendar, programmes and their running orders, one day's changes, and the
station settings. ``urlpatterns`` is combined in :mod:`nguon.radio.urls`."""

from django.urls import URLPattern, path

from nguon.radio.views.programmes.editor import (
    programme_active,
    programme_edit,
    programme_list,
    programme_new,
)
from nguon.radio.views.programmes.occurrences import occurrence_view
from nguon.radio.views.programmes.schedule import schedule_view
from nguon.radio.views.programmes.station import settings_view

urlpatterns: list[URLPattern] = [
    path("", schedule_view, name="schedule"),
    path("programmes/", programme_list, name="programmes"),
    path("programmes/new/", programme_new, name="programme-new"),
    path("programmes/<int:pk>/", programme_edit, name="programme-edit"),
    path("programmes/<int:pk>/active/", programme_active, name="programme-active"),
    path("occurrences/<int:pk>/", occurrence_view, name="occurrence"),
    path("settings/", settings_view, name="settings"),
]
