"""URLs of the device screens: each screen module contributes its own ``urlpatterns``."""

from nguon.devices.views import commands, fleet, fleet_map

app_name = "devices"

urlpatterns = [
    *fleet_map.urlpatterns,  # before fleet's "<device_id>/"
    *commands.urlpatterns,
    *fleet.urlpatterns,
]
