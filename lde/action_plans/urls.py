from django.urls import path

from lde.action_plans import views

app_name = "action_plans"

urlpatterns = [
    path("partnership/<int:partnership_id>/", views.action_list, name="action-list"),
    path("assessment/<int:assessment_id>/new/", views.action_create, name="action-create"),
    path("<int:action_id>/", views.action_detail, name="action-detail"),
    path("<int:action_id>/edit/", views.action_update, name="action-update"),
    path("<int:action_id>/progress/", views.progress_record, name="progress-record"),
    path("<int:action_id>/cancel/", views.action_cancel, name="action-cancel"),
    path("<int:action_id>/reopen/", views.action_reopen, name="action-reopen"),
]
