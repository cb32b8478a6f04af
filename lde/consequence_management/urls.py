from django.urls import path

from lde.consequence_management import views

app_name = "consequence_management"

P = "partnership/<int:partnership_id>"

urlpatterns = [
    path(f"{P}/", views.overview, name="overview"),
    path(f"{P}/plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:readiness_plan_id>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:readiness_plan_id>/edit/", views.plan_update, name="plan-update"),
    path("plans/<int:readiness_plan_id>/roles/new/", views.plan_role_add, name="plan-role-add"),
    path(
        "plans/<int:readiness_plan_id>/messages/new/",
        views.plan_message_add,
        name="plan-message-add",
    ),
    path("plans/<int:readiness_plan_id>/rumours/new/", views.rumour_add, name="rumour-add"),
    path(f"{P}/directory/", views.contact_list, name="contact-list"),
    path(f"{P}/directory/new/", views.contact_create, name="contact-create"),
    path("directory/<int:contact_id>/edit/", views.contact_update, name="contact-update"),
    path("directory/<int:contact_id>/verify/", views.contact_verify, name="contact-verify"),
    path(f"{P}/cascades/new/", views.cascade_start, name="cascade-start"),
    path("cascades/<int:cascade_id>/", views.cascade_detail, name="cascade-detail"),
    path("cascades/<int:cascade_id>/roll-call/", views.cascade_roll_call, name="cascade-roll-call"),
    path(
        "cascades/<int:cascade_id>/recipients/<int:recipient_id>/call/",
        views.call_record,
        name="call-record",
    ),
    path("cascades/<int:cascade_id>/close/", views.cascade_close, name="cascade-close"),
    path("cascades/<int:cascade_id>/after-action.pdf", views.cascade_report, name="cascade-report"),
    path(f"{P}/exercises/", views.exercise_list, name="exercise-list"),
    path(f"{P}/exercises/new/", views.exercise_create, name="exercise-create"),
    path("exercises/<int:exercise_id>/", views.exercise_detail, name="exercise-detail"),
    path("exercises/<int:exercise_id>/edit/", views.exercise_update, name="exercise-update"),
    path(
        "exercises/<int:exercise_id>/participants/new/",
        views.participant_add,
        name="participant-add",
    ),
    path("exercises/<int:exercise_id>/entries/new/", views.entry_add, name="entry-add"),
    path("exercises/<int:exercise_id>/start/", views.exercise_start, name="exercise-start"),
    path("exercises/<int:exercise_id>/close/", views.exercise_close, name="exercise-close"),
    path("exercises/<int:exercise_id>/lessons/new/", views.lesson_add, name="lesson-add"),
    path(
        "exercises/<int:exercise_id>/after-action.pdf",
        views.exercise_report,
        name="exercise-report",
    ),
    path("ack/<str:ack_token>/", views.ack, name="ack"),
    path("notify/inbound/", views.notify_inbound, name="notify-inbound"),
    path("notify/receipts/", views.notify_receipts, name="notify-receipts"),
]
