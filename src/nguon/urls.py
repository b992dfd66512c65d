from django.conf import settings
from django.urls import include, path

from nguon.api import api
from nguon.core.admin_site import admin_site
from nguon.core.views import health_view
from nguon.feeds.public_api import public_api

urlpatterns = [
    path("", include("nguon.core.urls")),
    path("accounts/", include("nguon.accounts.urls")),
    path("units/", include("nguon.units.urls")),
    path("speech/", include("nguon.speech.urls")),
    path("content/", include("nguon.content.urls")),
    path("devices/", include("nguon.devices.urls")),
    path("radio/", include("nguon.radio.urls")),
    path("alerts/", include("nguon.radio.public_urls")),
    path("boards/", include("nguon.boards.urls")),
    path("feedback/", include("nguon.feedback.urls")),
    path("reports/", include("nguon.reports.urls")),
    path("open311/v2/", include("nguon.feedback.open311.urls")),
    path("portal/", include("nguon.portal.urls")),
    path("feeds/", include("nguon.feeds.urls")),
    path("api/public/v1/", public_api.urls),
    path("outbound/", include("nguon.outbound.urls")),
    path("translations/", include("nguon.translations.urls")),
    path("comments/", include("nguon.comments.urls")),
    path("plan614/", include("nguon.plan614.urls")),
    path("centralsync/", include("nguon.centralsync.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health_view, name="health"),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
