"""Offline completion pages: what the workbook is, its download, and uploading it back.

Each page is for people who may rate the assessment now (a draft, and their role): 404 when the
assessment is not visible, 403 saying who can when it is visible but they may not rate it. The
workbook itself is built and read by `lde.assessments.workbook`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lde.accounts.selectors import acting_user
from lde.assessments import selectors
from lde.assessments.forms_workbook import WorkbookUploadForm
from lde.assessments.models import Assessment
from lde.assessments.policies import assessment_policy
from lde.assessments.workbook import (
    XLSX_CONTENT_TYPE,
    WorkbookProblem,
    workbook_export,
    workbook_file_name,
    workbook_import,
)
from lde.core.files import file_download, safe_file_name


def _rateable(request: HttpRequest, assessment_id: int) -> Assessment:
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    assessment_policy.require(request.user, "rate", assessment)
    return assessment


@login_required
@require_safe
def workbook(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _rateable(request, assessment_id)
    rateable = selectors.rateable_criterion_ids(user=request.user, assessment=assessment)
    return render(
        request,
        "assessments/workbook.html",
        {
            "assessment": assessment,
            "rate_all": rateable is None,
            "assigned_count": len(rateable or ()),
        },
    )


@login_required
@require_safe
def workbook_download(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _rateable(request, assessment_id)
    data = workbook_export(actor=acting_user(request), assessment=assessment)
    # The workbook holds the assessment's commentary: sent as every file is, never cached.
    return file_download(
        data, file_name=workbook_file_name(assessment), content_type=XLSX_CONTENT_TYPE
    )


def _summary(problems: list[WorkbookProblem]) -> str:
    if len(problems) == 1:
        return f"{str(problems[0]).rstrip('.')}. Nothing has been saved"
    return (
        f"The workbook has {len(problems)} problems, listed below. Nothing has been saved: fix "
        "them and upload it again"
    )


@login_required
@require_http_methods(["GET", "POST"])
def workbook_upload(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Upload a completed workbook. Every row is checked before anything is saved; on any
    problem the page lists each one with its row and nothing changes."""
    assessment = _rateable(request, assessment_id)
    form = WorkbookUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems: list[WorkbookProblem] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = workbook_import(
                actor=acting_user(request),
                assessment=assessment,
                data=upload.read(),
                file_name=safe_file_name(upload.name, default="workbook.xlsx"),
            )
            if result.accepted:
                count = len(result.changed)
                messages.success(
                    request,
                    f"Workbook uploaded: {count} criteri{'on' if count == 1 else 'a'} changed."
                    if count
                    else "Workbook uploaded: nothing in it differed from what is saved.",
                )
                return redirect("assessments:assessment-detail", assessment_id=assessment.pk)
            problems = result.problems
            form.add_error("file", _summary(problems))
            status = 422
    return render(
        request,
        "assessments/workbook_import.html",
        {"assessment": assessment, "form": form, "problems": problems},
        status=status,
    )
