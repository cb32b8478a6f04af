from django.urls import path

from lde.indicators import views

app_name = "indicators"

urlpatterns = [
    path("partnership/<int:partnership_id>/", views.indicator_list, name="indicator-list"),
    path("partnership/<int:partnership_id>/new/", views.indicator_create, name="indicator-create"),
    path("open/", views.open_list, name="open-list"),
    path("open/<int:indicator_id>/", views.open_detail, name="open-detail"),
    path("<int:indicator_id>/", views.indicator_detail, name="indicator-detail"),
    path("<int:indicator_id>/edit/", views.indicator_update, name="indicator-update"),
    path("<int:indicator_id>/figures/new/", views.observation_record, name="observation-record"),
    path(
        "<int:indicator_id>/figures/import/",
        views.observations_import,
        name="observations-import",
    ),
    path("<int:indicator_id>/figures.csv", views.observations_csv, name="observations-csv"),
    path("<int:indicator_id>/baseline/", views.baseline_set, name="baseline-set"),
    path("<int:indicator_id>/targets/new/", views.target_set, name="target-set"),
    path("<int:indicator_id>/referrals/new/", views.referrals_record, name="referrals-record"),
    path("<int:indicator_id>/publish/", views.indicator_publish, name="indicator-publish"),
    path("<int:indicator_id>/evidence/", views.evidence_attach, name="evidence-attach"),
]
