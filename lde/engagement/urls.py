from django.urls import path

from lde.engagement import views

app_name = "engagement"

P = "partnership/<int:partnership_id>"

urlpatterns = [
    path(f"{P}/", views.overview, name="overview"),
    path(f"{P}/forums/", views.forum_list, name="forum-list"),
    path(f"{P}/initiatives/", views.initiative_list, name="initiative-list"),
    path(f"{P}/communications/", views.communications, name="communications"),
    path(f"{P}/schools/", views.school_list, name="school-list"),
    path("forums/<int:forum_id>/", views.forum_detail, name="forum-detail"),
    path("initiatives/<int:initiative_id>/", views.initiative_detail, name="initiative-detail"),
    path("key-messages/<int:key_message_id>/", views.key_message_detail, name="key-message-detail"),
    path(
        "key-messages/<int:key_message_id>/agree/",
        views.key_message_agree,
        name="key-message-agree",
    ),
    path(
        "key-messages/<int:key_message_id>/retire/",
        views.key_message_retire,
        name="key-message-retire",
    ),
    path(
        "support/<int:support_request_id>/decide/",
        views.support_request_decide,
        name="support-request-decide",
    ),
]

# Adding each kind of record, to its parent: the partnership, a forum, an initiative, a school.
ADDED_TO = {
    "forum": (f"{P}/forums/new/", "partnership_id"),
    "initiative": (f"{P}/initiatives/new/", "partnership_id"),
    "audience": (f"{P}/audiences/new/", "partnership_id"),
    "channel": (f"{P}/channels/new/", "partnership_id"),
    "key-message": (f"{P}/key-messages/new/", "partnership_id"),
    "media-briefing": (f"{P}/media-briefings/new/", "partnership_id"),
    "spokesperson": (f"{P}/spokespeople/new/", "partnership_id"),
    "school": (f"{P}/schools/new/", "partnership_id"),
    "meeting": ("forums/<int:forum_id>/meetings/new/", "forum_id"),
    "support-request": ("initiatives/<int:initiative_id>/support/new/", "initiative_id"),
    "school-activity": ("schools/<int:school_id>/activities/new/", "school_id"),
}
urlpatterns += [
    path(route, views.record_create, {"part": part}, name=f"{part}-create")
    for part, (route, _) in ADDED_TO.items()
]
# Changing each kind of record, at /engagement/<kind>/<id>/edit/, each id named for its kind.
RECORD_ID = {
    "forum": "forum_id",
    "meeting": "forum_meeting_id",
    "initiative": "initiative_id",
    "support-request": "support_request_id",
    "audience": "audience_id",
    "channel": "channel_id",
    "key-message": "key_message_id",
    "media-briefing": "media_briefing_id",
    "spokesperson": "spokesperson_id",
    "school": "school_id",
    "school-activity": "school_activity_id",
}
assert set(RECORD_ID) == set(views.PARTS)
urlpatterns += [
    path(f"{part}/<int:{key}>/edit/", views.record_update, {"part": part}, name=f"{part}-update")
    for part, key in RECORD_ID.items()
]
