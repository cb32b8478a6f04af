from django.urls import path

from lde.rollups import distributions_views, money_views, views

app_name = "rollups"

urlpatterns = [
    path("coverage/national/", views.national_coverage, name="national-coverage"),
    path("distributions/", distributions_views.distributions, name="distributions"),
    path("distributions/money/", money_views.money_distributions, name="money-distributions"),
    path("areas/", views.area_data, name="area-data"),
    path("areas/import/", views.area_data_import, name="area-data-import"),
    path("<int:partnership_id>/similar-areas/", views.similar_areas, name="similar-areas"),
    path(
        "<int:partnership_id>/similar-areas/<int:neighbour_id>/",
        views.similar_area,
        name="similar-area",
    ),
    path(
        "<int:partnership_id>/similar-areas/<int:neighbour_id>/peer-review/",
        views.peer_review_request,
        name="peer-review-request",
    ),
    path(
        "peer-review-requests/<int:request_id>/",
        views.peer_review_decide,
        name="peer-review-decide",
    ),
]
