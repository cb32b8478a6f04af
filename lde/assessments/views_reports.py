"""The assessment's report for its board, as a PDF and as an XLSX workbook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from lde.assessments import reports, selectors
from lde.assessments.reports import report_file_name, report_response
from lde.assessments.workbook import XLSX_CONTENT_TYPE


@login_required
@require_safe
def report_pdf(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    report = reports.report_read(user=request.user, assessment=assessment)
    return report_response(
        reports.report_pdf(report), "application/pdf", report_file_name(assessment, "pdf")
    )


@login_required
@require_safe
def report_xlsx(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    report = reports.report_read(user=request.user, assessment=assessment)
    return report_response(
        reports.report_xlsx(report), XLSX_CONTENT_TYPE, report_file_name(assessment, "xlsx")
    )
