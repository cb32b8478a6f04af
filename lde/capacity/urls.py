from django.urls import path

from lde.capacity import views

app_name = "capacity"

urlpatterns = [
    path("<int:partnership_id>/", views.overview, name="overview"),
    path("<int:partnership_id>/board/", views.board, name="board"),
    path("<int:partnership_id>/board/members/new/", views.board_member_add, name="member-add"),
    path("<int:partnership_id>/board/terms/new/", views.terms_agree, name="terms-agree"),
    path("<int:partnership_id>/board/meetings/new/", views.meeting_add, name="meeting-add"),
    path("meetings/<int:meeting_id>/decisions/new/", views.decision_add, name="decision-add"),
    path(
        "decisions/<int:decision_id>/action/new/",
        views.decision_action_raise,
        name="decision-action-raise",
    ),
    path("<int:partnership_id>/coverage/", views.coverage, name="coverage"),
    path("<int:partnership_id>/coverage/scrutiny/new/", views.scrutiny_add, name="scrutiny-add"),
    path("<int:partnership_id>/leadership/", views.leadership, name="leadership"),
    path("<int:partnership_id>/training/", views.training, name="training"),
    path("<int:partnership_id>/training/courses/new/", views.course_add, name="course-add"),
    path("courses/<int:course_id>/sessions/new/", views.session_add, name="session-add"),
    path("<int:partnership_id>/training/teams/new/", views.team_add, name="team-add"),
    path("sessions/<int:session_id>/attendance/new/", views.attendance_add, name="attendance-add"),
    path("<int:partnership_id>/relationships/", views.relationships, name="relationships"),
    path(
        "<int:partnership_id>/relationships/new/",
        views.relationship_add,
        name="relationship-add",
    ),
    path(
        "relationships/<int:relationship_id>/holders/",
        views.relationship_holders,
        name="relationship-holders",
    ),
]
