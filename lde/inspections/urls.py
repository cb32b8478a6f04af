"""URLs of an inspection programme's fieldwork, under /inspections/ beside the cross-site
learning's (`inspections_learning`): the programmes, a programme and its sites, and each site's
steps from the document request to the published report."""

from __future__ import annotations

from django.urls import path

from lde.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("programmes/new/", views.programme_create, name="programme-create"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme-detail"),
    path("programmes/<int:programme_id>/edit/", views.programme_update, name="programme-update"),
    path(
        "programmes/<int:programme_id>/advance/", views.programme_advance, name="programme-advance"
    ),
    path("programmes/<int:programme_id>/sites/new/", views.site_add, name="site-add"),
    path("sites/<int:site_id>/", views.site_detail, name="site-detail"),
    path("sites/<int:site_id>/inspectors/new/", views.inspector_assign, name="inspector-assign"),
    path(
        "sites/<int:site_id>/document-request/",
        views.document_request_send,
        name="document-request-send",
    ),
    path("sites/<int:site_id>/documents/", views.documents_received, name="documents-received"),
    path("sites/<int:site_id>/analysis/", views.analysis_write, name="analysis-write"),
    path("sites/<int:site_id>/visits/new/", views.visit_record, name="visit-record"),
    path("sites/<int:site_id>/notes/", views.site_notes, name="site-notes"),
    path("sites/<int:site_id>/report/start/", views.report_start, name="report-start"),
    path("sites/<int:site_id>/report/send/", views.report_send, name="report-send"),
    path("sites/<int:site_id>/report/publish/", views.report_publish, name="report-publish"),
    path("visits/<int:visit_id>/schedule/new/", views.schedule_item_add, name="schedule-item-add"),
    path("visits/<int:visit_id>/notes/new/", views.note_write, name="note-write"),
]
