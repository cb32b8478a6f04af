from django.urls import path

from lde.assessments import views, views_analysis, views_reports, views_workbook

app_name = "assessments"

urlpatterns = [
    path("partnership/<int:partnership_id>/", views.assessment_list, name="assessment-list"),
    path(
        "partnership/<int:partnership_id>/start/",
        views.assessment_start,
        name="assessment-start",
    ),
    path("<int:assessment_id>/", views.assessment_detail, name="assessment-detail"),
    path(
        "<int:assessment_id>/criteria/<int:response_id>/",
        views.response_update,
        name="response-update",
    ),
    path(
        "<int:assessment_id>/criteria/<int:response_id>/own-rating/",
        views.rater_rating_record,
        name="rater-rating-record",
    ),
    path(
        "<int:assessment_id>/criteria/<int:response_id>/evidence/file/",
        views.evidence_add_file,
        name="evidence-add-file",
    ),
    path(
        "<int:assessment_id>/criteria/<int:response_id>/evidence/link/",
        views.evidence_add_link,
        name="evidence-add-link",
    ),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence-download"),
    path("<int:assessment_id>/contributions/", views.contributions, name="contributions"),
    path(
        "<int:assessment_id>/contributions/sign-off/",
        views.organisation_sign_off,
        name="organisation-sign-off",
    ),
    path("<int:assessment_id>/submit/", views.assessment_submit, name="assessment-submit"),
    path("<int:assessment_id>/moderation/", views.moderation, name="moderation"),
    path(
        "<int:assessment_id>/moderation/finish/",
        views.moderation_finish,
        name="moderation-finish",
    ),
    path(
        "<int:assessment_id>/factual-accuracy/",
        views.factual_accuracy_comment,
        name="factual-accuracy-comment",
    ),
    path(
        "<int:assessment_id>/board-sign-off/",
        views.assessment_board_sign_off,
        name="assessment-board-sign-off",
    ),
    path("<int:assessment_id>/publish/", views.assessment_publish, name="assessment-publish"),
    path("<int:assessment_id>/reviews/", views.review_start, name="review-start"),
    path("<int:assessment_id>/abandon/", views.assessment_abandon, name="assessment-abandon"),
    path(
        "<int:assessment_id>/return-to-draft/",
        views.assessment_return_to_draft,
        name="assessment-return-to-draft",
    ),
    # Analysis: gaps and scores, comparing two cycles, trends across cycles.
    path("<int:assessment_id>/gaps/", views_analysis.assessment_gaps, name="gaps"),
    path("<int:assessment_id>/compare/", views_analysis.assessment_compare, name="compare"),
    path(
        "partnership/<int:partnership_id>/trends/",
        views_analysis.partnership_trends,
        name="trends",
    ),
    # Offline completion: the workbook, its download, and uploading it back.
    path("<int:assessment_id>/workbook/", views_workbook.workbook, name="workbook"),
    path(
        "<int:assessment_id>/workbook/download/",
        views_workbook.workbook_download,
        name="workbook-download",
    ),
    path(
        "<int:assessment_id>/workbook/import/",
        views_workbook.workbook_upload,
        name="workbook-import",
    ),
    # The report for the board.
    path("<int:assessment_id>/report.pdf", views_reports.report_pdf, name="report-pdf"),
    path("<int:assessment_id>/report.xlsx", views_reports.report_xlsx, name="report-xlsx"),
]
