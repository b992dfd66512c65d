"""URLs of the report screens (/reports/): each screen module contributes its own ``urlpatterns``."""

from nguon.reports.views import commune, review, table

app_name = "reports"

urlpatterns = [
    *table.urlpatterns,
    *review.urlpatterns,
    *commune.urlpatterns,
]
