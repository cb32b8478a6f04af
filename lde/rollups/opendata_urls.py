from django.urls import path

from lde.rollups import opendata_views as views

app_name = "opendata"

urlpatterns = [
    path("", views.release_list, name="release-list"),
    path("<int:release_id>/", views.release_detail, name="release-detail"),
    path("<int:release_id>.csv", views.release_csv, name="release-csv"),
    path("<int:release_id>.json", views.release_json, name="release-json"),
    path("<int:release_id>-metadata.json", views.release_metadata, name="release-metadata"),
    path("prepare/", views.release_manage, name="release-manage"),
    path("prepare/national/", views.release_create_national, name="release-create-national"),
    path("prepare/<int:partnership_id>/", views.release_create, name="release-create"),
    path("<int:release_id>/propose/", views.release_propose, name="release-propose"),
    path("<int:release_id>/approve/", views.release_approve, name="release-approve"),
    path("<int:release_id>/release/", views.release_release, name="release-release"),
    path("<int:release_id>/withdraw/", views.release_withdraw, name="release-withdraw"),
]
