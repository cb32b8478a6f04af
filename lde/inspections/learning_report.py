"""The programme report: the programme's findings by theme and kind, its key learning, its case
studies and the sites it visited, read once (`report_read`) for the page and the PDF.

What a reader sees follows the policies: while the programme runs, its team and advisory group
read the draft; once it is published, everyone signed in reads it, as the Audit Commission's
own report named the sites it visited (docs/apps/inspections.md, "Decisions"). The sites'
feedback and the advisory group's comments are about the exercise, not its findings, and are
not in the report: it says only how many sites gave feedback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from lde.core.access.facts import AnyUser
from lde.core.pdf import pdf_from_html
from lde.inspections import learning_selectors as selectors
from lde.inspections.learning_services import theme_titles
from lde.inspections.models import Programme, ProgrammeStatus, Site
from lde.inspections.models_learning import CaseStudy, KeyLearning, SiteFeedback


@dataclass
class Report:
    programme: Programme
    made_at: datetime
    draft: bool
    sites: list[str]
    themes: list[selectors.ThemeFindings]
    findings: int
    key_learning: list[KeyLearning]
    case_studies: list[CaseStudy]
    feedback_given: int


def report_read(*, user: AnyUser, programme: Programme) -> Report:
    findings = list(selectors.finding_list(user=user, programme=programme))
    return Report(
        programme=programme,
        made_at=timezone.now(),
        draft=programme.status != ProgrammeStatus.PUBLISHED,
        sites=list(
            Site.objects.filter(programme=programme)
            .order_by("partnership__name")
            .values_list("partnership__name", flat=True)
        ),
        themes=selectors.findings_by_theme(findings, theme_titles(programme, user=user)),
        findings=len(findings),
        key_learning=list(selectors.key_learning_list(user=user, programme=programme)),
        case_studies=list(selectors.case_study_list(user=user, programme=programme)),
        feedback_given=SiteFeedback.objects.filter(site__programme=programme).count(),
    )


def report_pdf(report: Report) -> bytes:
    """The report as a tagged PDF (PDF/UA-1), titled and in British English (`lde.core.pdf`)."""
    html = render_to_string("inspections/learning/report_pdf.html", {"report": report})
    return pdf_from_html(html)


def report_file_name(programme: Programme) -> str:
    return f"{slugify(programme.title) or 'programme'}-report.pdf"
