from django.urls import path

from lde.partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("", views.partnership_list, name="partnership-list"),
    path("new/", views.partnership_create, name="partnership-create"),
    path("assignments/new/", views.assignment_create, name="assignment-create"),
    # Site administration: every partnership's own facts, and alliances.
    path("administration/", views.partnership_administration, name="partnership-administration"),
    path("<int:partnership_id>/edit/", views.partnership_edit, name="partnership-edit"),
    path("alliances/", views.alliance_list, name="alliance-list"),
    path("alliances/new/", views.alliance_create, name="alliance-create"),
    path("alliances/<int:alliance_id>/", views.alliance_detail, name="alliance-detail"),
    path(
        "alliances/<int:alliance_id>/partnerships/add/",
        views.alliance_partnership_add,
        name="alliance-partnership-add",
    ),
    path(
        "alliances/<int:alliance_id>/partnerships/<int:partnership_id>/remove/",
        views.alliance_partnership_remove,
        name="alliance-partnership-remove",
    ),
    path("<int:partnership_id>/", views.partnership_detail, name="partnership-detail"),
    path("<int:partnership_id>/members/", views.membership_list, name="membership-list"),
    path("<int:partnership_id>/members/invite/", views.membership_invite, name="membership-invite"),
    path(
        "<int:partnership_id>/members/<int:membership_id>/",
        views.membership_update,
        name="membership-update",
    ),
    path(
        "<int:partnership_id>/members/<int:membership_id>/remove/",
        views.membership_remove,
        name="membership-remove",
    ),
    path(
        "<int:partnership_id>/organisations/add/",
        views.partner_organisation_add,
        name="partner-organisation-add",
    ),
    path(
        "<int:partnership_id>/organisations/<int:organisation_id>/remove/",
        views.partner_organisation_remove,
        name="partner-organisation-remove",
    ),
    path("<int:partnership_id>/posts/", views.post_list, name="post-list"),
    path("<int:partnership_id>/posts/new/", views.post_create, name="post-create"),
    path(
        "<int:partnership_id>/posts/<int:post_id>/holder/",
        views.post_holder_change,
        name="post-holder-change",
    ),
    path(
        "<int:partnership_id>/clearances/",
        views.partnership_clearances,
        name="partnership-clearances",
    ),
    path("<int:partnership_id>/audit/", views.partnership_audit, name="partnership-audit"),
    path("<int:partnership_id>/coverage/", views.briefing_coverage, name="briefing-coverage"),
    path("<int:partnership_id>/coverage/posts/", views.strategic_posts, name="strategic-posts"),
    path(
        "<int:partnership_id>/coverage/posts/<int:post_id>/remove/",
        views.strategic_post_remove,
        name="strategic-post-remove",
    ),
]
