"""An assessment's report for its board: as a PDF (WeasyPrint) and as an XLSX workbook.

Both hold the same parts, read once by `report_read`: the summary, the scores by theme with
their chart and table, the largest gaps, the moderation outcome (or that it was published
without review), the actions raised on it, and what became of the actions raised on earlier
cycles. What a reader sees follows the assessment page: commentary and reasons only for those
who may read the assessment in full, moderation only for those who may see it, actions only for
those who may read the action plan.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lde.accounts.models import RequestUser
from lde.assessments import analysis, charts, selectors, services
from lde.assessments.models import SUBMITTED_OR_LATER, Assessment, AssessmentKind
from lde.assessments.policies import assessment_policy
from lde.core.files import file_download
from lde.core.pdf import pdf_from_html

# The largest gaps a board reads; every criterion is in the full table after them.
TOP_GAPS = 15


@dataclass
class Report:
    assessment: Assessment
    reader: str
    made_at: datetime
    in_full: bool
    gaps: analysis.GapAnalysis
    chart: str
    rows: list[dict[str, Any]]
    moderation: list[dict[str, Any]] | None
    review: Assessment | None
    actions: list[Any] = field(default_factory=list)
    earlier_actions: list[tuple[Any, Any]] = field(default_factory=list)
    sign_offs: list[Any] = field(default_factory=list)

    @property
    def largest_gaps(self) -> list[analysis.CriterionGap]:
        return [c for c in self.gaps.criteria if (c.gap_levels or 0) > 0][:TOP_GAPS]


ActionsReader = Callable[..., tuple[list[Any], list[tuple[Any, Any]]]]
_actions_reader: ActionsReader | None = None


def actions_reader_register(reader: ActionsReader) -> None:
    """Name the function that reads the report's actions: `reader(*, user, assessment)` returns
    the actions raised on the assessment and the earlier cycles' actions it reassessed, each with
    its outcome. The action plans app sits above assessments and registers it when it loads, so
    assessments never imports it; without it, the report has no actions."""
    global _actions_reader
    _actions_reader = reader


def _actions(user: RequestUser, assessment: Assessment) -> tuple[list[Any], list[tuple[Any, Any]]]:
    if _actions_reader is None:
        return [], []
    return _actions_reader(user=user, assessment=assessment)


def report_read(*, user: RequestUser, assessment: Assessment) -> Report:
    """Everything the report shows, read once for both formats."""
    can = {
        action: assessment_policy.user_can(user, action, assessment)
        for action in ("view_in_full", "view_moderation")
    }
    gaps = analysis.assessment_gaps(assessment=assessment)
    chart = charts.bar_chart(
        chart_id="report-theme-scores",
        title=f"Scores by theme, with targets: {assessment.title}",
        description=(
            f"Overall score {charts.percent(gaps.overall.score)}. "
            "The table after the chart gives every figure."
        ),
        groups=[
            charts.BarGroup(
                label=f"{t.number}. {t.title}", bars=[charts.Bar(t.score)], target=t.target
            )
            for t in gaps.themes
        ]
        + [
            charts.BarGroup(
                label="Overall", bars=[charts.Bar(gaps.overall.score)], target=gaps.overall.target
            )
        ],
    )
    # The ratings table shows each criterion's rating of record, as the scores and gaps count
    # it: in a moderated cycle, the agreed rating rather than the response's own.
    of_record = {c.identifier: c for c in gaps.criteria}

    def rating(identifier: str, own: str) -> str:
        found = of_record.get(identifier)
        if found is None:
            return own
        return f"{found.rating_label} (agreed at moderation)" if found.agreed else own

    rows = [
        {
            "theme": f"{number}. {theme['theme'].title}",
            "identifier": row.criterion.identifier,
            "title": row.criterion.title,
            "rating": rating(row.criterion.identifier, row.rating_label),
            "target": row.target_label if row.response.target is not None else "None set",
            "commentary": row.response.commentary if can["view_in_full"] else "",
            "reason": row.response.consensus_reason if can["view_in_full"] else "",
        }
        for number, theme in enumerate(selectors.assessment_rows(assessment=assessment), start=1)
        for row in theme["rows"]
    ]
    moderation = None
    review = None
    if assessment.kind == AssessmentKind.SELF and can["view_moderation"]:
        review = (
            selectors.reviews_of(user=user, assessment=assessment)
            .filter(status__in=SUBMITTED_OR_LATER)
            .order_by("-created_at")
            .first()
        )
        if review is not None:
            scales, default_scale = selectors.scales_of(version=assessment.framework_version)
            moderation = []
            for row in services.moderation_rows(assessment):
                if not row["differs"]:
                    continue
                criterion = row["criterion"]
                labels = selectors.scale_labels(scales.get(criterion.scale_id or 0, default_scale))
                decision = row["decision"]

                def label(value: int | None, labels: dict[int, str] = labels) -> str:
                    return "Not rated" if value is None else labels.get(value, str(value))

                moderation.append(
                    {
                        "title": criterion.title,
                        "self": label(row["self_rating"]),
                        "review": label(row["review_rating"]),
                        "agreed": label(decision.agreed_rating) if decision else "Not yet agreed",
                        "reason": decision.reason if decision else "",
                    }
                )
    # The action plan's own policy decides which actions are shown (none, for a reader who may
    # not read the action plan).
    raised, earlier = _actions(user, assessment)
    return Report(
        assessment=assessment,
        reader=getattr(user, "full_name", "") or getattr(user, "email", ""),
        made_at=timezone.localtime(),
        in_full=can["view_in_full"],
        gaps=gaps,
        chart=chart,
        rows=rows,
        moderation=moderation,
        review=review,
        actions=raised,
        earlier_actions=earlier,
        sign_offs=selectors.sign_off_list(assessment=assessment),
    )


def report_pdf(report: Report) -> bytes:
    """The report as a tagged PDF (PDF/UA-1), titled and in British English (`lde.core.pdf`)."""
    html = render_to_string("assessments/report_pdf.html", {"report": report})
    return pdf_from_html(html)


def report_file_name(assessment: Assessment, extension: str) -> str:
    return f"{slugify(assessment.partnership.name)}-{slugify(assessment.title)}-report.{extension}"


def report_response(data: bytes, content_type: str, file_name: str) -> HttpResponse:
    # The report holds the partnership's ratings and commentary: never cached.
    return file_download(data, file_name=file_name, content_type=content_type)


# --- XLSX -----------------------------------------------------------------------------------

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


# Characters a worksheet cannot hold (control characters other than tab and line breaks), and
# the most a cell holds: text typed on the pages may contain either.
CELL_LIMIT = 32_767
CUT_SHORT = " … (cut short: see the assessment page)"


def _cell_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if len(value) > CELL_LIMIT:
        value = value[: CELL_LIMIT - len(CUT_SHORT)] + CUT_SHORT
    return value


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append([_cell_text(value) for value in row])
    for index, name in enumerate(header, start=1):
        width = max([len(name), *(len(str(r[index - 1] or "")) for r in rows)]) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 60)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = WRAP
            # Text is always text: a commentary that starts with "=" must not become a formula.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"


def _score(value: float | None) -> float | str:
    return round(value, 1) if value is not None else "Not rated"


def report_xlsx(report: Report) -> bytes:
    a = report.assessment
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    overall = report.gaps.overall
    lines: list[list[Any]] = [
        ["Partnership", a.partnership.name],
        ["Assessment", a.title],
        ["Kind", a.get_kind_display()],
        ["Status", a.get_status_display()],
        *(
            [["Board sign-off", selectors.board_sign_off_summary(assessment=a)]]
            if a.kind == AssessmentKind.SELF
            else []
        ),
        ["Framework", f"{a.framework_version.title} {a.framework_version.version}"],
        ["Period", f"{a.period_start:%d %B %Y} to {a.period_end:%d %B %Y}"],
        ["Overall score (%)", _score(overall.score)],
        ["Target score (%)", _score(overall.target)],
        ["Rated", f"{overall.rated} of {overall.criteria} criteria"],
        ["Not rated (left out of the scores)", overall.not_rated],
        ["How the scores are worked out", report.gaps.method],
        ["Made for", report.reader],
        ["Made at", f"{report.made_at:%d %B %Y %H:%M}"],
    ]
    for line in lines:
        summary.append([_cell_text(value) for value in line])
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 90
    for cell in summary["A"]:
        cell.font = BOLD
    for cell in summary["B"]:
        cell.alignment = WRAP
    _sheet(
        book,
        "Themes",
        ["Theme", "Score (%)", "Target (%)", "Rated", "Not rated"],
        [
            [f"{t.number}. {t.title}", _score(t.score), _score(t.target), t.rated, t.not_rated]
            for t in report.gaps.themes
        ]
        + [
            [
                "Overall",
                _score(overall.score),
                _score(overall.target),
                overall.rated,
                overall.not_rated,
            ]
        ],
    )
    _sheet(
        book,
        "Gaps",
        ["Criterion", "Identifier", "Theme", "Rating", "Target", "Gap (levels)", "Gap (points)"],
        [
            [
                c.title,
                c.identifier,
                f"{c.theme_number}. {c.theme_title}",
                c.rating_label,
                c.target_label,
                c.gap_levels if c.gap_levels is not None else "",
                round(c.gap_points, 1) if c.gap_points is not None else "",
            ]
            for c in report.gaps.criteria
        ],
    )
    _sheet(
        book,
        "Ratings",
        ["Theme", "Identifier", "Criterion", "Rating", "Target"]
        + (["Commentary", "Agreed because"] if report.in_full else []),
        [
            [r["theme"], r["identifier"], r["title"], r["rating"], r["target"]]
            + ([r["commentary"], r["reason"]] if report.in_full else [])
            for r in report.rows
        ],
    )
    if report.moderation is not None:
        _sheet(
            book,
            "Moderation",
            ["Criterion", "Self rating", "Review's rating", "Agreed rating", "Reason"],
            [
                [m["title"], m["self"], m["review"], m["agreed"], m["reason"]]
                for m in report.moderation
            ],
        )
    _sheet(
        book,
        "Actions",
        ["Action", "Criteria", "Owner", "Organisation", "Due", "Status"],
        [
            [
                action.title,
                "; ".join(c.title for c in action.criteria.all()),
                action.owner.full_name,
                action.owner_organisation.name,
                action.due_on,
                action.get_status_display(),
            ]
            for action in report.actions
        ],
    )
    if report.earlier_actions:
        _sheet(
            book,
            "Earlier actions",
            ["Action", "Raised on", "Criterion", "Before", "After", "Moved"],
            [
                [
                    action.title,
                    action.assessment.title,
                    row.criterion.title,
                    row.before.label,
                    "; ".join(after.rating.label for after in row.after) or row.movement_label,
                    row.movement_label,
                ]
                for action, outcome in report.earlier_actions
                for row in outcome.criteria
            ],
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
