"""URLs of the radio screens (/radio/): each screen module contributes its own ``urlpatterns``."""

from nguon.radio.views import cap_import, emergencies, live, logs, programmes

app_name = "radio"

urlpatterns = [
    *cap_import.urlpatterns,
    *emergencies.urlpatterns,
    *live.urlpatterns,
    *logs.urlpatterns,
    *programmes.urlpatterns,
]
