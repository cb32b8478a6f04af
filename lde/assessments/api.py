"""API: assessments, the full read of one, rating a criterion and submitting.

The same policies as the pages: reads go through the selectors (404 when not visible), writes
through the services (403 when visible but not allowed, saying who can). Saving over a revision
you did not see answers 409 with both versions; nothing is silently overwritten.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params import File
from pydantic import BaseModel, ConfigDict, Field

from lde.accounts.selectors import acting_user
from lde.assessments import analysis, reports, selectors, services
from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    CriterionResponse,
    EvidenceKind,
)
from lde.assessments.policies import assessment_policy
from lde.assessments.workbook import (
    MAX_WORKBOOK_BYTES,
    XLSX_CONTENT_TYPE,
    workbook_export,
    workbook_file_name,
    workbook_import,
)
from lde.core.api_schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    FieldErrorsOut,
    ObjectId,
    Page,
    PageParams,
    ValidationErrorOut,
)
from lde.core.files import file_download
from lde.core.limits import limit_of
from lde.partnerships import selectors as partnership_selectors

router = Router(tags=["assessments"])

INT32 = 2_147_483_647
# Free text as the pages accept it: anything but the NUL character, which no database stores.
FREE_TEXT = r"^[^\x00]*$"
# Submitting never conflicts: the write errors less 409, with the service's refusals as 400.
SUBMIT_ERRORS: dict[int, type[Schema]] = {
    **{status: shape for status, shape in WRITE_ERRORS.items() if status != 409},
    400: FieldErrorsOut,
}
CONFLICT_DETAIL = (
    "Someone else saved this criterion after you read it. Nothing has been overwritten: "
    "compare their version with yours, then send yours again with their revision, or keep theirs."
)


# --- Shapes --------------------------------------------------------------------------------


class FrameworkRef(Schema):
    identifier: str
    version: str
    title: str


class AssessmentRef(Schema):
    id: int
    title: str
    kind: str
    status: str


class AssessmentOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    partnership_id: int
    partnership_name: str
    framework: FrameworkRef
    period_start: date
    period_end: date
    reviews_id: int | None = Field(
        description="For a peer review or inspection: the self-assessment it reviews."
    )
    carried_from_id: int | None = Field(
        description="The previous cycle whose ratings and evidence were copied forward."
    )
    published_without_review: bool
    board_signed_off_at: datetime | None


class TransitionOut(Schema):
    from_status: str
    to_status: str
    actor_id: int | None = Field(description="Null for the system, and for summary readers.")
    actor_name: str | None = Field(description="Null for the system, and for summary readers.")
    reason: str | None = Field(description="Null for summary readers.")
    occurred_at: datetime


class SignOffOut(Schema):
    organisation_id: int
    organisation_name: str
    signed_by_id: int | None = Field(description="Null for summary readers.")
    signed_by_name: str | None = Field(description="Null for summary readers.")
    signed_at: datetime


# The rows of a full read: the shapes the OpenAPI document declares. The answer itself is
# written straight to JSON in the same shape (see `assessment_get`).
class RaterRatingOut(BaseModel):
    rater_id: int
    name: str
    rating: int | None


class EvidenceOut(BaseModel):
    id: int
    kind: str
    title: str
    url: str = Field(
        description="A link's address, or for a file the path that downloads it through the "
        "policy-checked view."
    )
    file_name: str | None
    size: int | None
    content_hash: str = Field(description="SHA-256 of a file's content; empty for a link.")
    effective_on: date = Field(description="The date the evidence speaks for.")
    carried_forward: bool


class ContributionOut(BaseModel):
    organisation_id: int | None
    organisation_name: str | None
    user_id: int | None
    user_name: str | None


class CriterionResponseOut(BaseModel):
    id: int = Field(description="The response's id, for rating it.")
    criterion: str
    title: str
    path: str
    theme: str
    scale: str | None
    rating: int | None = Field(description="Null means not rated: missing, never zero.")
    target: int | None
    commentary: str | None = Field(description="Null when you may read only the summary.")
    consensus_reason: str | None = Field(description="Null when you may read only the summary.")
    carried_forward: bool = Field(
        description="Copied from the last cycle and not yet confirmed or changed."
    )
    revision: int
    rater_ratings: list[RaterRatingOut] | None
    evidence: list[EvidenceOut] | None
    contributions: list[ContributionOut] | None


class AssessmentDetailOut(AssessmentOut):
    in_full: bool = Field(
        description="False for a community reviewer, who reads the summary of published work: "
        "commentary, independent ratings, evidence and contributions are then null."
    )
    carried_from: AssessmentRef | None
    reviews: AssessmentRef | None
    reviewed_by: list[AssessmentRef]
    transitions: list[TransitionOut]
    sign_offs: list[SignOffOut]
    criterion_count: int
    rated_count: int
    unconfirmed_count: int
    criteria: list[CriterionResponseOut]


class AssessmentFilters(PageParams):
    partnership_id: int | None = Field(
        None, ge=1, le=9_223_372_036_854_775_807, description="Only this partnership's."
    )


class ResponseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    revision: int = Field(
        ge=0, le=INT32, description="The revision you read; a newer one on the server is a 409."
    )
    rating: int | None = Field(
        ge=-INT32, le=INT32, description="A level of the criterion's scale, or null: not rated."
    )
    target: int | None = Field(ge=-INT32, le=INT32, description="A level of the scale, or null.")
    commentary: str = Field(max_length=limit_of(CriterionResponse, "commentary"), pattern=FREE_TEXT)
    consensus_reason: str = Field(
        "",
        max_length=limit_of(CriterionResponse, "consensus_reason"),
        pattern=FREE_TEXT,
        description="Needed when the independent ratings differ.",
    )


class ResponseVersionOut(Schema):
    id: int
    criterion: str
    revision: int
    rating: int | None
    target: int | None
    commentary: str
    consensus_reason: str
    carried_forward: bool
    updated_by_id: int | None
    updated_by_name: str | None
    updated_at: datetime | None


class ResponseYoursOut(Schema):
    revision: int
    rating: int | None
    target: int | None
    commentary: str
    consensus_reason: str


class ConflictOut(Schema):
    detail: str
    theirs: ResponseVersionOut
    yours: ResponseYoursOut


class SubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    no_personal_data_declared: bool = Field(
        description="The assessment, its commentary and its evidence hold no information about "
        "identifiable members of the public."
    )


# --- Building the answers ------------------------------------------------------------------


def _ref(assessment: Assessment | None) -> AssessmentRef | None:
    if assessment is None:
        return None
    return AssessmentRef(
        id=assessment.pk, title=assessment.title, kind=assessment.kind, status=assessment.status
    )


def _summary(assessment: Assessment) -> dict[str, Any]:
    version = assessment.framework_version
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "kind": assessment.kind,
        "status": assessment.status,
        "partnership_id": assessment.partnership_id,
        "partnership_name": assessment.partnership.name,
        "framework": FrameworkRef(
            identifier=version.framework.identifier, version=version.version, title=version.title
        ),
        "period_start": assessment.period_start,
        "period_end": assessment.period_end,
        "reviews_id": assessment.reviews_id,
        "carried_from_id": assessment.carried_from_id,
        "published_without_review": assessment.published_without_review,
        "board_signed_off_at": assessment.board_signed_off_at,
    }


# The full read is written to JSON with orjson, in the values the API's renderer writes for a
# schema's answer: dates in ISO form (orjson writes them so), times as Django's JSON encoder
# gives them (milliseconds, "Z" for UTC), formatted here because orjson writes them otherwise.
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
_TIMES = DjangoJSONEncoder()


def _json_time(value: date | datetime | None) -> str | None:
    return None if value is None else str(_TIMES.default(value))


def _ref_json(assessment: Assessment | None) -> dict[str, Any] | None:
    if assessment is None:
        return None
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "kind": assessment.kind,
        "status": assessment.status,
    }


def _criteria_json(values: selectors.AssessmentValues, in_full: bool) -> list[dict[str, Any]]:
    """Every rated criterion of the full read (`CriterionResponseOut`), theme by theme, in one
    pass over the plain values."""
    # Reversed once, not once per file: the id is appended to it.
    evidence_base = reverse("assessments:evidence-download", args=[0]).removesuffix("0/")
    file_kind = EvidenceKind.FILE.value
    scales = values.scale_identifiers
    default_scale = values.default_scale_id or 0
    responses = values.responses
    raters, evidence, contributions = values.raters, values.evidence, values.contributions
    rows: list[dict[str, Any]] = []
    theme: str | None = None
    for criterion_id, identifier, title, path, scale_id, parent_id in values.criteria:
        if parent_id is None:
            theme = identifier
            continue
        response = responses.get(criterion_id)
        if response is None or theme is None:
            continue  # a parent criterion, rated through its sub-criteria
        response_id, rating, target, commentary, reason, carried, revision = response
        row: dict[str, Any] = {
            "id": response_id,
            "criterion": identifier,
            "title": title,
            "path": path,
            "theme": theme,
            "scale": scales.get(scale_id or default_scale),
            "rating": rating,
            "target": target,
            "commentary": commentary if in_full else None,
            "consensus_reason": reason if in_full else None,
            "carried_forward": carried,
            "revision": revision,
            "rater_ratings": None,
            "evidence": None,
            "contributions": None,
        }
        if in_full:
            row["rater_ratings"] = [
                {"rater_id": rater_id, "name": name, "rating": given}
                for rater_id, name, given in raters.get(response_id, ())
            ]
            row["evidence"] = [
                {
                    "id": pk,
                    "kind": kind,
                    "title": item_title,
                    "url": f"{evidence_base}{pk}/" if kind == file_kind else url,
                    "file_name": file_name if kind == file_kind else None,
                    "size": size if kind == file_kind else None,
                    "content_hash": content_hash,
                    "effective_on": on,
                    "carried_forward": item_carried,
                }
                for (
                    pk,
                    kind,
                    item_title,
                    url,
                    file_name,
                    size,
                    content_hash,
                    on,
                    item_carried,
                ) in evidence.get(response_id, ())
            ]
            row["contributions"] = [
                {
                    "organisation_id": organisation_id,
                    "organisation_name": organisation_name,
                    "user_id": user_id,
                    "user_name": user_name,
                }
                for organisation_id, organisation_name, user_id, user_name in contributions.get(
                    criterion_id, ()
                )
            ]
        rows.append(row)
    return rows


def _version_out(response: CriterionResponse) -> ResponseVersionOut:
    return ResponseVersionOut(
        id=response.pk,
        criterion=response.criterion.identifier,
        revision=response.revision,
        rating=response.rating,
        target=response.target,
        commentary=response.commentary,
        consensus_reason=response.consensus_reason,
        carried_forward=response.carried_forward,
        updated_by_id=response.updated_by_id,
        updated_by_name=response.updated_by.full_name if response.updated_by else None,
        updated_at=response.updated_at,
    )


# --- Endpoints -----------------------------------------------------------------------------


@router.get(
    "",
    response={200: Page[AssessmentOut], **LIST_ERRORS},
    summary="Assessments you may see, newest period first",
)
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilters]) -> Page[AssessmentOut]:
    assessments = selectors.assessment_list(user=request.user)
    if filters.partnership_id is not None:
        assessments = assessments.filter(partnership_id=filters.partnership_id)
    return Page[AssessmentOut](
        count=assessments.count(),
        items=[AssessmentOut(**_summary(a)) for a in assessments[filters.window()]],
    )


@router.get(
    "/{assessment_id}",
    response={200: AssessmentDetailOut, **READ_ERRORS},
    summary="One assessment in full: its criteria, ratings, raters, evidence and history",
)
def assessment_get(request: HttpRequest, assessment_id: ObjectId) -> HttpResponse:
    """The same number of queries whatever the number of criteria, raters and evidence items.

    The answer is `AssessmentDetailOut` (as the OpenAPI document says), written straight to JSON
    from the rows' plain values: validating thousands of rows, raters and evidence items one
    object at a time cost many times more than reading them. A test checks that the answer
    validates against the schema and comes out of it unchanged."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    in_full = assessment_policy.user_can(request.user, "view_in_full", assessment)
    criteria = _criteria_json(selectors.assessment_values(assessment=assessment), in_full)
    is_review = assessment.kind != AssessmentKind.SELF
    # Most self-assessments have no review yet: a plain look first spares them the question of
    # which reviews this reader may see.
    reviewed_by = (
        list(selectors.reviews_of(user=request.user, assessment=assessment))
        if not is_review and assessment.reviewed_by.exists()
        else []
    )
    summary = _summary(assessment)
    framework = summary["framework"]
    answer = {
        **summary,
        "framework": {
            "identifier": framework.identifier,
            "version": framework.version,
            "title": framework.title,
        },
        "period_start": _json_time(assessment.period_start),
        "period_end": _json_time(assessment.period_end),
        "board_signed_off_at": _json_time(assessment.board_signed_off_at),
        "in_full": in_full,
        "carried_from": _ref_json(assessment.carried_from),
        "reviews": _ref_json(assessment.reviews),
        "reviewed_by": [_ref_json(r) for r in reviewed_by],
        "transitions": [
            # A summary reader (a community reviewer) sees what happened and when, not who
            # did it or why: names and reasons belong to the full assessment.
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "actor_id": t.actor_id if in_full else None,
                "actor_name": t.actor.full_name if in_full and t.actor is not None else None,
                "reason": t.reason if in_full else None,
                "occurred_at": _json_time(t.occurred_at),
            }
            for t in selectors.assessment_history(assessment=assessment)
        ],
        "sign_offs": [
            {
                "organisation_id": s.organisation_id,
                "organisation_name": s.organisation.name,
                "signed_by_id": s.signed_by_id if in_full else None,
                "signed_by_name": s.signed_by.full_name if in_full else None,
                "signed_at": _json_time(s.signed_at),
            }
            for s in selectors.sign_off_list(assessment=assessment)
        ],
        "criterion_count": len(criteria),
        "rated_count": sum(1 for c in criteria if c["rating"] is not None),
        "unconfirmed_count": sum(1 for c in criteria if c["carried_forward"]),
        "criteria": criteria,
    }
    return HttpResponse(orjson.dumps(answer), content_type=JSON_CONTENT_TYPE)


@router.put(
    "/{assessment_id}/responses/{response_id}",
    response={
        200: ResponseVersionOut,
        **WRITE_ERRORS,
        400: FieldErrorsOut,
        409: ConflictOut,
    },
    summary="Rate one criterion: its rating, target and commentary",
)
def response_update(
    request: HttpRequest, assessment_id: ObjectId, response_id: ObjectId, payload: ResponseIn
) -> Status[ResponseVersionOut | FieldErrorsOut | ConflictOut]:
    """Send the revision you read. If someone has saved the criterion since, nothing is
    written and the answer is 409 with their version and yours."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    response = selectors.response_get(
        user=request.user, assessment=assessment, response_id=response_id
    )
    response.assessment = assessment
    assessment_policy.require(request.user, "rate", assessment)
    commentary = payload.commentary.strip()
    consensus_reason = payload.consensus_reason.strip()
    try:
        saved = services.response_update(
            actor=acting_user(request),
            response=response,
            seen_revision=payload.revision,
            rating=payload.rating,
            target=payload.target,
            commentary=commentary,
            consensus_reason=consensus_reason,
        )
    except services.EditConflict as conflict:
        theirs = conflict.theirs
        theirs.criterion = response.criterion
        return Status(
            409,
            ConflictOut(
                detail=CONFLICT_DETAIL,
                theirs=_version_out(theirs),
                yours=ResponseYoursOut(
                    revision=payload.revision,
                    rating=payload.rating,
                    target=payload.target,
                    commentary=commentary,
                    consensus_reason=consensus_reason,
                ),
            ),
        )
    saved.criterion = response.criterion
    return Status(200, _version_out(saved))


@router.post(
    "/{assessment_id}/submit",
    response={200: AssessmentOut, **SUBMIT_ERRORS},
    summary="Submit a draft, with the declaration that it holds no personal data",
)
def assessment_submit(
    request: HttpRequest, assessment_id: ObjectId, payload: SubmitIn
) -> Status[AssessmentOut | FieldErrorsOut | ErrorOut]:
    """Refused (400) while carried-forward ratings are unconfirmed or without the declaration."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    assessment_policy.require(request.user, "submit", assessment)
    services.assessment_submit(
        actor=acting_user(request),
        assessment=assessment,
        no_personal_data_declared=payload.no_personal_data_declared,
    )
    submitted = selectors.assessment_get(user=request.user, assessment_id=assessment.pk)
    return Status(200, AssessmentOut(**_summary(submitted)))


# --- Offline completion: the workbook -------------------------------------------------------


class WorkbookProblemOut(Schema):
    row: int | None = Field(
        description="The row number on the workbook's Criteria sheet; null for the whole file."
    )
    field: str = Field(
        description="The column's key (rating, target, commentary, consensus_reason, "
        "carried_forward, revision, identifier), or file or workbook."
    )
    column: str = Field(description="The column's heading as the workbook shows it.")
    message: str


class WorkbookRejectedOut(Schema):
    detail: str
    errors: list[WorkbookProblemOut]


class WorkbookImportedOut(Schema):
    changed: int = Field(description="How many criteria the workbook changed.")
    criteria: list[str] = Field(description="The identifiers of the criteria it changed.")


WORKBOOK_DOWNLOAD_DOCUMENT: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The workbook",
            "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/{assessment_id}/workbook",
    response={200: None, **READ_ERRORS, 403: ErrorOut},
    summary="The assessment as an Excel workbook to complete offline",
    openapi_extra=WORKBOOK_DOWNLOAD_DOCUMENT,
)
def workbook_download(request: HttpRequest, assessment_id: ObjectId) -> HttpResponse:
    """For those who may rate it now: one row per criterion with its guidance and rubric, lists
    of the scale's levels, and only the criteria you may rate open to change."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    assessment_policy.require(request.user, "rate", assessment)
    data = workbook_export(actor=acting_user(request), assessment=assessment)
    return file_download(
        data, file_name=workbook_file_name(assessment), content_type=XLSX_CONTENT_TYPE
    )


@router.post(
    "/{assessment_id}/workbook",
    response={
        200: WorkbookImportedOut,
        # A request Django cannot read as multipart form data.
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        # The workbook's problems, each with its row; or, from the framework, a malformed request.
        422: WorkbookRejectedOut | ValidationErrorOut,
    },
    summary="Upload a completed workbook: all of it is saved, or none of it",
)
def workbook_upload(
    request: HttpRequest, assessment_id: ObjectId, file: File[UploadedFile | None] = None
) -> Status[WorkbookImportedOut | WorkbookRejectedOut]:
    """Send the workbook as the multipart field `file`. Every row is checked first; if any has a
    problem nothing is saved and the answer is 422 with each problem and its row. A criterion
    changed online since the workbook was downloaded is one such problem."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    assessment_policy.require(request.user, "rate", assessment)
    # The file is checked here rather than by the framework so that a request without one is
    # answered after the policy, in the same shape as the workbook's own problems.
    if file is None:
        problems = [
            WorkbookProblemOut(
                row=None, field="file", column="File", message="Send the workbook as `file`."
            )
        ]
        return Status(422, WorkbookRejectedOut(detail="No workbook was sent.", errors=problems))
    # Read no more than the limit and one byte: the service refuses anything over it.
    data = file.read(MAX_WORKBOOK_BYTES + 1)
    result = workbook_import(actor=acting_user(request), assessment=assessment, data=data)
    if not result.accepted:
        return Status(
            422,
            WorkbookRejectedOut(
                detail=f"The workbook has {len(result.problems)} problem(s); nothing was saved.",
                errors=[
                    WorkbookProblemOut(row=p.row, field=p.field, column=p.column, message=p.message)
                    for p in result.problems
                ],
            ),
        )
    return Status(200, WorkbookImportedOut(changed=len(result.changed), criteria=result.changed))


# --- Analysis: gaps and scores, comparing two cycles, trends -------------------------------
#
# The same figures as the analysis pages, from `analysis.py`, under the same policies: anyone
# who may see an assessment sees its scores; reasons and commentary only for those who may read
# it in full. Scores are percentages of the scales' ranges (see `analysis.py` for the method).


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


class AssessmentScaleOut(Schema):
    identifier: str
    title: str
    lowest: int = Field(description="The scale's lowest level: 0% of its range.")
    highest: int = Field(description="The scale's highest level: 100% of its range.")


class ScoreOut(Schema):
    theme: str | None = Field(description="The theme's identifier; null for the overall score.")
    title: str
    weight: float
    score: float | None = Field(
        description="Weighted percentage of the scales' ranges over the rated criteria; null "
        "when nothing under it is rated."
    )
    target: float | None = Field(
        description="The score if every rated criterion reached its target."
    )
    gap: float | None = Field(description="Target less score, in percentage points.")
    criteria: int
    rated: int
    not_rated: int = Field(description="Left out of the score and counted, never zero.")
    with_target: int


class CriterionGapOut(Schema):
    criterion: str
    title: str
    theme: str
    scale: str | None
    rating: int | None = Field(description="Null means not rated: missing, never zero.")
    target: int | None
    score: float | None = Field(description="The rating's position in its scale's range, in %.")
    gap_levels: int | None = Field(description="Target less rating, in levels of the scale.")
    gap_points: float | None = Field(
        description="Target less rating, in percentage points of the scale's range."
    )
    standing: str = Field(
        description="below target, at target, above target, no target or not rated."
    )


class GapsOut(Schema):
    assessment: AssessmentRef
    method: str = Field(description="How the scores were worked out, in words.")
    scales: list[AssessmentScaleOut]
    overall: ScoreOut
    themes: list[ScoreOut]
    criteria: list[CriterionGapOut] = Field(
        description="Largest gap first, then criteria with no target, then those not rated."
    )


class SourceOut(Schema):
    criterion: str
    title: str
    rating: int | None


class CriterionChangeOut(Schema):
    criterion: str
    title: str
    theme: str
    link: str = Field(
        description="How it relates to the earlier assessment's criteria: same, renamed, split, "
        "merged or new (through the framework's version mappings)."
    )
    before: list[SourceOut] = Field(description="The earlier criteria it came from.")
    after_rating: int | None
    change_levels: int | None = Field(
        description="Later less earlier rating in levels, when one criterion on one scale."
    )
    change_points: float | None = Field(
        description="Later less earlier position, in percentage points of the scales' ranges."
    )
    movement: str = Field(
        description="up, down, unchanged, newly rated, no longer rated or not rated."
    )
    reason: str | None = Field(
        description="The consensus reason, else the commentary, of the later assessment; null "
        "when you may read only the summary."
    )
    moderation_reason: str | None = Field(
        description="The agreed rating and reason from moderation, for those who may see it."
    )


class ThemeChangeOut(Schema):
    theme: str | None = Field(description="The theme's identifier; null for the overall score.")
    title: str
    before: float | None
    after: float | None
    change: float | None = Field(description="In percentage points.")


class MovementCountsOut(Schema):
    up: int
    down: int
    unchanged: int
    newly_rated: int
    no_longer_rated: int
    not_rated: int


class ComparisonOut(Schema):
    before: AssessmentRef = Field(description="The earlier of the two, by period.")
    after: AssessmentRef
    matched_by: str = Field(description="same version, mapping or identifiers.")
    method: str
    in_full: bool = Field(description="False when reasons are withheld (summary readers).")
    counts: MovementCountsOut
    overall: ThemeChangeOut
    themes: list[ThemeChangeOut]
    criteria: list[CriterionChangeOut]
    retired: list[SourceOut] = Field(
        description="Criteria of the earlier assessment with no successor in the later version."
    )


class CycleOut(Schema):
    assessment_id: int
    title: str
    label: str
    status: str
    version: str


class ScoreTrendOut(Schema):
    theme: str | None = Field(description="The theme's identifier; null for the overall score.")
    title: str
    scores: list[float | None] = Field(description="One per cycle, oldest first.")


class TrendCellOut(Schema):
    link: str = Field(description="How this cycle's criteria relate to it: same, renamed, ….")
    sources: list[SourceOut]


class CriterionTrendOut(Schema):
    criterion: str
    title: str
    theme: str
    changes: list[str] = Field(description="split, merged, renamed or new between versions.")
    cells: list[TrendCellOut] = Field(description="One per cycle, oldest first.")


class RetiredTrendOut(Schema):
    criterion: str
    title: str
    ratings: list[str | None] = Field(
        description="Per cycle, the rating as words; null where the cycle's version lacks it."
    )


class TrendsOut(Schema):
    framework: str | None = Field(description="Null when you can see no self-assessment here.")
    framework_title: str | None
    versions: list[str]
    reference_version: str | None = Field(description="The version criteria are read against.")
    method: str
    cycles: list[CycleOut]
    overall: ScoreTrendOut
    themes: list[ScoreTrendOut]
    criteria: list[CriterionTrendOut]
    retired: list[RetiredTrendOut]


class TrendFilters(Schema):
    framework: str | None = Field(
        None,
        max_length=60,
        description="A framework's identifier; by default, that of the latest self-assessment.",
    )
    include_current: bool = Field(
        False, description="Add the current cycle, not yet published, after the published ones."
    )


def _score_out(score: analysis.Score) -> ScoreOut:
    return ScoreOut(
        theme=score.identifier or None,
        title=score.title,
        weight=score.weight,
        score=_rounded(score.score),
        target=_rounded(score.target),
        gap=_rounded(score.gap),
        criteria=score.criteria,
        rated=score.rated,
        not_rated=score.not_rated,
        with_target=score.with_target,
    )


def _source_out(source: analysis.Source) -> SourceOut:
    return SourceOut(criterion=source.identifier, title=source.title, rating=source.rating)


def _theme_change_out(change: analysis.ThemeChange) -> ThemeChangeOut:
    return ThemeChangeOut(
        theme=change.identifier or None,
        title=change.title,
        before=_rounded(change.before),
        after=_rounded(change.after),
        change=_rounded(change.change),
    )


@router.get(
    "/{assessment_id}/gaps",
    response={200: GapsOut, **READ_ERRORS},
    summary="Scores per theme and overall, the gap to target, criteria by largest gap",
)
def assessment_gaps(request: HttpRequest, assessment_id: ObjectId) -> GapsOut:
    """The same number of queries whatever the number of criteria."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    gaps = analysis.assessment_gaps(assessment=assessment)
    reference = _ref(assessment)
    assert reference is not None
    return GapsOut(
        assessment=reference,
        method=gaps.method,
        scales=[
            AssessmentScaleOut(
                identifier=s.identifier, title=s.title, lowest=s.lowest, highest=s.highest
            )
            for s in gaps.scales
        ],
        overall=_score_out(gaps.overall),
        themes=[_score_out(t) for t in gaps.themes],
        criteria=[
            CriterionGapOut(
                criterion=c.identifier,
                title=c.title,
                theme=c.theme_identifier,
                scale=c.scale.identifier if c.scale else None,
                rating=c.rating,
                target=c.target,
                score=_rounded(c.score),
                gap_levels=c.gap_levels,
                gap_points=_rounded(c.gap_points),
                standing=c.standing,
            )
            for c in gaps.criteria
        ],
    )


@router.get(
    "/{assessment_id}/compare/{other_id}",
    response={200: ComparisonOut, **READ_ERRORS, 400: ErrorOut},
    summary="Compare two assessments of one partnership: what moved, by how much, and why",
)
def assessment_compare(
    request: HttpRequest, assessment_id: ObjectId, other_id: ObjectId
) -> Status[ComparisonOut | ErrorOut]:
    """404 when either is not visible; 400 when they are of different partnerships or
    frameworks, or the same assessment. Across framework versions, criteria are matched through
    the version mappings."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    other = selectors.assessment_get(user=request.user, assessment_id=other_id)
    try:
        result = analysis.assessment_comparison(
            user=request.user, assessment=assessment, other=other
        )
    except analysis.NotComparable as refusal:
        return Status(400, ErrorOut(detail=str(refusal)))
    counts = result.counts
    before, after = _ref(result.before), _ref(result.after)
    assert before is not None and after is not None
    return Status(
        200,
        ComparisonOut(
            before=before,
            after=after,
            matched_by=result.method,
            method=result.method_statement,
            in_full=result.in_full,
            counts=MovementCountsOut(
                up=counts[analysis.Movement.UP],
                down=counts[analysis.Movement.DOWN],
                unchanged=counts[analysis.Movement.UNCHANGED],
                newly_rated=counts[analysis.Movement.NEWLY_RATED],
                no_longer_rated=counts[analysis.Movement.NO_LONGER_RATED],
                not_rated=counts[analysis.Movement.NOT_RATED],
            ),
            overall=_theme_change_out(result.overall),
            themes=[_theme_change_out(t) for t in result.themes],
            criteria=[
                CriterionChangeOut(
                    criterion=c.identifier,
                    title=c.title,
                    theme=c.theme_title,
                    link=c.link.kind,
                    before=[_source_out(s) for s in c.before],
                    after_rating=c.after_rating,
                    change_levels=c.change_levels,
                    change_points=_rounded(c.change_points),
                    movement=c.movement,
                    reason=c.reason,
                    moderation_reason=c.moderation_reason,
                )
                for c in result.criteria
            ],
            retired=[_source_out(s) for s in result.retired],
        ),
    )


@router.get(
    "/partnership/{partnership_id}/trends",
    response={200: TrendsOut, **READ_ERRORS},
    summary="Scores and ratings across a partnership's published cycles of one framework",
)
def partnership_trends(
    request: HttpRequest, partnership_id: ObjectId, filters: Query[TrendFilters]
) -> TrendsOut:
    """Across framework versions through the version mappings; a criterion that was split,
    merged or renamed says so. 404 for a partnership you cannot see, or a framework none of its
    self-assessments you can see uses. The same number of queries whatever the number of cycles."""
    partnership = partnership_selectors.partnership_get(
        user=request.user, partnership_id=partnership_id
    )
    assessments = analysis.partnership_self_assessments(user=request.user, partnership=partnership)
    frameworks = analysis.trend_frameworks(assessments)
    if filters.framework is not None:
        framework = next((f for f in frameworks if f.identifier == filters.framework), None)
        if framework is None:
            raise Http404
    else:
        framework = assessments[0].framework_version.framework if assessments else None
    if framework is None:
        return TrendsOut(
            framework=None,
            framework_title=None,
            versions=[],
            reference_version=None,
            method="",
            cycles=[],
            overall=ScoreTrendOut(theme=None, title="Overall", scores=[]),
            themes=[],
            criteria=[],
            retired=[],
        )
    found = analysis.partnership_trends(
        assessments=assessments, framework=framework, include_current=filters.include_current
    )
    return TrendsOut(
        framework=framework.identifier,
        framework_title=framework.title,
        versions=found.versions,
        reference_version=found.reference or None,
        method=found.method,
        cycles=[
            CycleOut(
                assessment_id=c.assessment_id,
                title=c.title,
                label=c.label,
                status=c.status,
                version=c.version,
            )
            for c in found.cycles
        ],
        overall=ScoreTrendOut(
            theme=None, title="Overall", scores=[_rounded(s) for s in found.overall.scores]
        ),
        themes=[
            ScoreTrendOut(theme=t.identifier, title=t.title, scores=[_rounded(s) for s in t.scores])
            for t in found.themes
        ],
        criteria=[
            CriterionTrendOut(
                criterion=c.identifier,
                title=c.title,
                theme=c.theme_title,
                changes=c.kinds,
                cells=[
                    TrendCellOut(link=cell.kind, sources=[_source_out(s) for s in cell.sources])
                    for cell in c.cells
                ],
            )
            for c in found.criteria
        ],
        retired=[
            RetiredTrendOut(criterion=r.identifier, title=r.title, ratings=list(r.labels))
            for r in found.retired
        ],
    )


# --- The report for the board ---------------------------------------------------------------

REPORT_DOCUMENT: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The report",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


class ReportFormat(Schema):
    format: Literal["pdf", "xlsx"] = Field("pdf", description="PDF to read, XLSX to work with.")


@router.get(
    "/{assessment_id}/report",
    response={200: None, **READ_ERRORS},
    summary="The assessment's report for its board: summary, gaps, charts, moderation, actions",
    openapi_extra=REPORT_DOCUMENT,
)
def report_download(
    request: HttpRequest, assessment_id: ObjectId, query: Query[ReportFormat]
) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    report = reports.report_read(user=request.user, assessment=assessment)
    if query.format == "xlsx":
        return reports.report_response(
            reports.report_xlsx(report),
            XLSX_CONTENT_TYPE,
            reports.report_file_name(assessment, "xlsx"),
        )
    return reports.report_response(
        reports.report_pdf(report), "application/pdf", reports.report_file_name(assessment, "pdf")
    )
