from django.urls import path

from lde.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_library, name="framework-library"),
    path("<slug:identifier>/<str:version>/", views.version_detail, name="version-detail"),
    path(
        "<slug:identifier>/<str:version>/export.yaml", views.version_export, name="version-export"
    ),
    path("<slug:identifier>/<str:version>/oscal.json", views.version_oscal, name="version-oscal"),
    path(
        "<slug:identifier>/<str:version>/compare/<str:other>/",
        views.version_difference,
        name="version-difference",
    ),
]
