from django.urls import path

from lde.surveys.datasets import views

app_name = "survey_data"

urlpatterns = [
    path(
        "partnership/<int:partnership_id>/data-sets/",
        views.data_set_list,
        name="data-set-list",
    ),
    path(
        "partnership/<int:partnership_id>/data-sets/upload/",
        views.data_set_upload,
        name="data-set-upload",
    ),
    path("data-sets/<int:data_set_id>/", views.data_set_detail, name="data-set-detail"),
    path(
        "data-sets/<int:data_set_id>/estimates/",
        views.data_set_estimates,
        name="data-set-estimates",
    ),
    path(
        "data-sets/<int:data_set_id>/estimates.<str:fmt>",
        views.data_set_export,
        name="data-set-export",
    ),
    path("data-sets/<int:data_set_id>/remove/", views.data_set_remove, name="data-set-remove"),
    path("estimates/<int:estimate_id>/", views.estimate_detail, name="estimate-detail"),
    path(
        "estimates/<int:estimate_id>/export.<str:fmt>",
        views.estimate_export,
        name="estimate-export",
    ),
    path("estimates/<int:estimate_id>/attach/", views.estimate_attach, name="estimate-attach"),
    path("estimates/<int:estimate_id>/remove/", views.estimate_remove, name="estimate-remove"),
]
