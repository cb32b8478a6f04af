"""URLs of the cross-site learning, under /inspections/ beside the programmes' own pages, in a
namespace of their own (`inspections_learning`) so that the two halves of the app are written
and included apart."""

from __future__ import annotations

from django.urls import path

from lde.inspections import learning_views as views

app_name = "inspections_learning"

urlpatterns = [
    path("programmes/<int:programme_id>/learning/", views.learning, name="learning"),
    path("programmes/<int:programme_id>/findings/new/", views.finding_add, name="finding-add"),
    path(
        "programmes/<int:programme_id>/key-learning/new/",
        views.key_learning_add,
        name="key-learning-add",
    ),
    path(
        "programmes/<int:programme_id>/case-studies/new/",
        views.case_study_add,
        name="case-study-add",
    ),
    path(
        "programmes/<int:programme_id>/advisory-group/new/",
        views.advisory_member_add,
        name="advisory-member-add",
    ),
    path(
        "programmes/<int:programme_id>/advisory-comments/new/",
        views.advisory_comment_add,
        name="advisory-comment-add",
    ),
    path("programmes/<int:programme_id>/report.pdf", views.report_pdf, name="report-pdf"),
    path("case-studies/sent/", views.case_studies_sent, name="case-studies-sent"),
    path("case-studies/<int:case_study_id>/", views.case_study_detail, name="case-study-detail"),
    path("case-studies/<int:case_study_id>/send/", views.case_study_send, name="case-study-send"),
    path("case-studies/<int:case_study_id>/take/", views.case_study_take, name="case-study-take"),
    path("sites/<int:site_id>/feedback/", views.site_feedback, name="site-feedback"),
]
