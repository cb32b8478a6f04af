from django.urls import path

from lde.commissioning import views

app_name = "commissioning"

urlpatterns = [
    path("<int:partnership_id>/", views.call_list, name="call-list"),
    path("<int:partnership_id>/calls/new/", views.call_create, name="call-create"),
    path("calls/<int:call_id>/", views.call_detail, name="call-detail"),
    path("calls/<int:call_id>/edit/", views.call_edit, name="call-edit"),
    path("calls/<int:call_id>/criteria/new/", views.criterion_add, name="criterion-add"),
    path("calls/<int:call_id>/consult/", views.call_consult, name="call-consult"),
    path("calls/<int:call_id>/publish/", views.call_publish, name="call-publish"),
    path("calls/<int:call_id>/close/", views.call_close, name="call-close"),
    path("calls/<int:call_id>/comments/new/", views.comment_add, name="comment-add"),
    path("calls/<int:call_id>/panel/new/", views.panel_name, name="panel-name"),
    path("calls/<int:call_id>/panel/threshold/", views.panel_threshold, name="panel-threshold"),
    path("calls/<int:call_id>/declaration/", views.declare, name="declare"),
    path("calls/<int:call_id>/bids/new/", views.bid_create, name="bid-create"),
    path("bids/<int:bid_id>/", views.bid_detail, name="bid-detail"),
    path("bids/<int:bid_id>/edit/", views.bid_edit, name="bid-edit"),
    path("bids/<int:bid_id>/submit/", views.bid_submit, name="bid-submit"),
    path("bids/<int:bid_id>/score/", views.bid_score, name="bid-score"),
    path("bids/<int:bid_id>/decision/", views.bid_decide, name="bid-decide"),
    path("bids/<int:bid_id>/letter.pdf", views.bid_letter, name="bid-letter"),
    path("applicant/", views.my_bids, name="my-bids"),
    path("<int:partnership_id>/pots/", views.pot_list, name="pot-list"),
    path("<int:partnership_id>/pots/new/", views.pot_create, name="pot-create"),
    path("pots/<int:devolved_pot_id>/", views.pot_detail, name="pot-detail"),
    path("pots/<int:devolved_pot_id>/grants/new/", views.grant_record, name="grant-record"),
    path("small-grants/<int:small_grant_id>/outcome/", views.grant_outcome, name="grant-outcome"),
    # Public pages: no sign-in, and open before a second factor (lde.accounts.middleware).
    path("public/", views.public_calls, name="public-calls"),
    path("public/calls/<int:call_id>/", views.public_call, name="public-call"),
    path("public/register/", views.public_register, name="public-register"),
    path("public/register/360giving.json", views.feed_json, name="feed-json"),
    path("public/register/360giving.xlsx", views.feed_xlsx, name="feed-xlsx"),
    path("public/applicants/register/", views.register, name="register"),
    path(
        "public/applicants/confirm/<str:signed>/", views.register_confirm, name="register-confirm"
    ),
]
