from django.urls import path

from lde.programme import views

app_name = "programme"

urlpatterns = [
    path("<int:partnership_id>/", views.portfolio, name="portfolio"),
    path("<int:partnership_id>/projects/", views.project_list, name="project-list"),
    path("<int:partnership_id>/projects/new/", views.project_add, name="project-add"),
    path("<int:partnership_id>/budget/", views.budget, name="budget"),
    path("<int:partnership_id>/budget/streams/new/", views.stream_add, name="stream-add"),
    path("<int:partnership_id>/tiers/", views.tier_labels, name="tier-labels"),
    path("<int:partnership_id>/pots/new/", views.pot_add, name="pot-add"),
    path("<int:partnership_id>/import/", views.programme_import_page, name="import"),
    path("projects/<int:project_id>/", views.project_detail, name="project-detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:project_id>/activities/new/", views.activity_add, name="activity-add"),
    path("projects/<int:project_id>/funding/new/", views.funding_add, name="funding-add"),
    path("streams/<int:stream_id>/edit/", views.stream_edit, name="stream-edit"),
    path("streams/<int:stream_id>/allocations/new/", views.allocation_set, name="allocation-set"),
    path("pots/<int:pot_id>/", views.pot_detail, name="pot-detail"),
    path(
        "pots/<int:pot_id>/contributions/new/",
        views.contribution_set,
        name="contribution-set",
    ),
]
