"""Questionnaire pages, mounted under /surveys/ (config/urls.py)."""

from django.urls import path

from lde.surveys.questionnaires import views

app_name = "questionnaires"

urlpatterns = [
    path(
        "partnership/<int:partnership_id>/questionnaires/",
        views.questionnaire_list,
        name="questionnaire-list",
    ),
    path(
        "partnership/<int:partnership_id>/questionnaires/add/",
        views.questionnaire_add,
        name="questionnaire-add",
    ),
    path(
        "partnership/<int:partnership_id>/questionnaires/import/",
        views.questionnaire_import,
        name="questionnaire-import",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/",
        views.questionnaire_detail,
        name="questionnaire-detail",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/change/",
        views.questionnaire_update,
        name="questionnaire-update",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/questions/add/",
        views.question_add,
        name="question-add",
    ),
    path("questions/<int:question_id>/change/", views.question_update, name="question-update"),
    path("questions/<int:question_id>/move/", views.question_move, name="question-move"),
    path(
        "questionnaires/<int:questionnaire_id>/collections/add/",
        views.collection_add,
        name="collection-add",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/before-and-after/",
        views.questionnaire_change,
        name="questionnaire-change",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/answers.csv",
        views.answers_export,
        {"fmt": "csv"},
        name="answers-csv",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/answers.xlsx",
        views.answers_export,
        {"fmt": "xlsx"},
        name="answers-xlsx",
    ),
    path("collections/<int:collection_id>/", views.collection_detail, name="collection-detail"),
    path("collections/<int:collection_id>/open/", views.collection_open, name="collection-open"),
    path("collections/<int:collection_id>/close/", views.collection_close, name="collection-close"),
    path("collections/<int:collection_id>/links/", views.links_issue, name="links-issue"),
    path("answer/<str:token>/", views.answer, name="answer"),
]
