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
    path("ack/<str:ack_token>/", views.ack, name="ack"),
    path("notify/inbound/", views.notify_inbound, name="notify-inbound"),
    path("notify/receipts/", views.notify_receipts, name="notify-receipts"),
]
