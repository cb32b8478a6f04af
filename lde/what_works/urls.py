from django.urls import path

from lde.what_works import views

app_name = "what_works"

urlpatterns = [
    path("", views.library, name="library"),
    path("entries/new/", views.entry_add, name="entry-add"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry-detail"),
    path("entries/<int:entry_id>/edit/", views.entry_edit, name="entry-edit"),
    path("entries/<int:entry_id>/rate/", views.entry_rate, name="entry-rate"),
    path("entries/<int:entry_id>/submit/", views.entry_submit, name="entry-submit"),
    path("entries/<int:entry_id>/publish/", views.entry_publish, name="entry-publish"),
    path("entries/<int:entry_id>/return/", views.entry_return, name="entry-return"),
    path("partnerships/<int:partnership_id>/", views.local_evaluations, name="local-evaluations"),
    path(
        "partnerships/<int:partnership_id>/new/",
        views.local_evaluation_add,
        name="local-evaluation-add",
    ),
]
