from django.urls import path

from lde.narratives import views

app_name = "narratives"

urlpatterns = [
    path("partnership/<int:partnership_id>/", views.narrative_home, name="narrative-home"),
    path("partnership/<int:partnership_id>/new/", views.version_start, name="version-start"),
    path("version/<int:version_id>/", views.version_detail, name="version-detail"),
    path("version/<int:version_id>/edit/", views.version_update, name="version-update"),
    path(
        "version/<int:version_id>/sections/<slug:key>/",
        views.section_update,
        name="section-update",
    ),
    path("version/<int:version_id>/plans/new/", views.plan_add, name="plan-add"),
    path(
        "version/<int:version_id>/plans/<int:plan_id>/remove/",
        views.plan_remove,
        name="plan-remove",
    ),
    path("version/<int:version_id>/share/", views.version_share, name="version-share"),
    path("version/<int:version_id>/return/", views.version_return, name="version-return"),
    path("version/<int:version_id>/sign/", views.version_sign, name="version-sign"),
    path("version/<int:version_id>/publish/", views.version_publish, name="version-publish"),
    path("version/<int:version_id>/comment/", views.comment_add, name="comment-add"),
    path(
        "version/<int:version_id>/compare/<int:other_id>/",
        views.version_compare,
        name="version-compare",
    ),
    # Public: no sign-in, and open before the second factor (lde.accounts.middleware).
    path("public/<int:version_id>/", views.public_summary, name="public-summary"),
    path("public/partnership/<int:partnership_id>/", views.public_latest, name="public-latest"),
]
