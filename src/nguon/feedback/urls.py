"""URLs of the feedback screens (/feedback/): each screen module contributes its own ``urlpatterns``.

``public`` holds the citizens' pages (form, tracking page, published answers; no sign-in), ``staff`` the
handlers' pages (queue, detail, answers, staff entry, settings)."""

from django.urls import URLPattern, URLResolver

from nguon.feedback.views import (
    public,
    staff,
    staff_actions,
    staff_entry,
    staff_settings,
    staff_statistics,
)

app_name = "feedback"


urlpatterns: list[URLPattern | URLResolver] = [
    *staff_entry.urlpatterns,  # before staff: "handle/new/" is not a feedback id
    *staff.urlpatterns,
    *staff_actions.urlpatterns,
    *staff_settings.urlpatterns,
    *staff_statistics.urlpatterns,
    *public.urlpatterns,
]
