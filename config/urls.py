from django.contrib import admin
from django.urls import include, path

from lde.api.router import api

admin.site.site_header = "Prevent LDE site administration"
admin.site.site_title = "Prevent LDE"

urlpatterns = [
    path("", include("lde.core.urls")),
    path("", include("lde.accounts.urls")),
    path("partnerships/", include("lde.partnerships.urls")),
    # Figures across partnerships keep the paths they had under partnerships.
    path("partnerships/", include("lde.rollups.urls")),
    path("open-data/", include("lde.rollups.opendata_urls")),
    path("frameworks/", include("lde.frameworks.urls")),
    path("assessments/", include("lde.assessments.urls")),
    path("actions/", include("lde.action_plans.urls")),
    path("sharing/", include("lde.sharing.urls")),
    path("narratives/", include("lde.narratives.urls")),
    path("engagement/", include("lde.engagement.urls")),
    path("capacity/", include("lde.capacity.urls")),
    path("programme/", include("lde.programme.urls")),
    path("commissioning/", include("lde.commissioning.urls")),
    path("consequence-management/", include("lde.consequence_management.urls")),
    path("monitoring/", include("lde.monitoring.urls")),
    path("what-works/", include("lde.what_works.urls")),
    path("inspections/", include("lde.inspections.urls")),
    path("inspections/", include("lde.inspections.learning_urls")),
    path("indicators/", include("lde.indicators.urls")),
    path("surveys/", include("lde.surveys.datasets.urls")),
    path("surveys/", include("lde.surveys.questionnaires.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler403 = "lde.core.views.forbidden"
handler404 = "lde.core.views.not_found"
handler500 = "lde.core.views.server_error"
