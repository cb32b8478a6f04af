"""API: assessments, the full read of one, rating a criterion and submitting.

The same policies as the pages: reads go through the selectors (404 when not visible), writes
through the services (403 when visible but not allowed, saying who can). Saving over a revision
you did not see answers 409 with both versions; nothing is silently overwritten.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field

from lde.accounts.selectors import acting_user
from lde.assessments import selectors, services
from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    CriterionResponse,
)
from lde.assessments.policies import assessment_policy
from lde.core.api_schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    FieldErrorsOut,
    ObjectId,
    Page,
    PageParams,
)

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
    actor_id: int | None
    actor_name: str | None
    reason: str
    occurred_at: datetime


class SignOffOut(Schema):
    organisation_id: int
    organisation_name: str
    signed_by_id: int
    signed_by_name: str
    signed_at: datetime


# The rows of a full read are plain pydantic models, built from dicts: ninja's Schema wraps
# every object it validates in an attribute getter, which for the thousands of rows, raters and
# evidence items of a large assessment cost more than reading them.
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
    commentary: str = Field(max_length=20_000, pattern=FREE_TEXT)
    consensus_reason: str = Field(
        "",
        max_length=5_000,
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


def _row_out(theme: Any, row: selectors.Row, in_full: bool, evidence_base: str) -> dict[str, Any]:
    response = row.response
    criterion = row.criterion
    return {
        "id": response.pk,
        "criterion": criterion.identifier,
        "title": criterion.title,
        "path": criterion.path,
        "theme": theme.identifier,
        "scale": row.scale.identifier if row.scale is not None else None,
        "rating": response.rating,
        "target": response.target,
        "commentary": response.commentary if in_full else None,
        "consensus_reason": response.consensus_reason if in_full else None,
        "carried_forward": response.carried_forward,
        "revision": response.revision,
        "rater_ratings": [
            {"rater_id": r.rater_id, "name": r.name, "rating": r.rating} for r in row.rater_ratings
        ]
        if in_full
        else None,
        "evidence": [
            {
                "id": e.pk,
                "kind": e.kind,
                "title": e.title,
                "url": f"{evidence_base}{e.pk}/" if e.is_file else e.url,
                "file_name": e.file_name if e.is_file else None,
                "size": e.size if e.is_file else None,
                "content_hash": e.content_hash,
                "effective_on": e.effective_on,
                "carried_forward": e.carried_forward,
            }
            for e in row.evidence
        ]
        if in_full
        else None,
        "contributions": [
            {
                "organisation_id": c.organisation_id,
                "organisation_name": c.organisation_name,
                "user_id": c.user_id,
                "user_name": c.user_name,
            }
            for c in row.contributions
        ]
        if in_full
        else None,
    }


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


def _field_errors(error: DjangoValidationError) -> FieldErrorsOut:
    if hasattr(error, "error_dict"):
        errors = {field: list(messages) for field, messages in error.message_dict.items()}
    else:
        errors = {"__all__": list(error.messages)}
    return FieldErrorsOut(detail="The request was refused.", errors=errors)


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
def assessment_get(request: HttpRequest, assessment_id: ObjectId) -> AssessmentDetailOut:
    """The same number of queries whatever the number of criteria, raters and evidence items."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    in_full = assessment_policy.user_can(request.user, "view_in_full", assessment)
    themes = selectors.assessment_rows(assessment=assessment)
    # Reversed once, not once per file: the id is appended to it.
    evidence_base = reverse("assessments:evidence-download", args=[0]).removesuffix("0/")
    criteria = [
        _row_out(theme["theme"], row, in_full, evidence_base)
        for theme in themes
        for row in theme["rows"]
    ]
    is_review = assessment.kind != AssessmentKind.SELF
    reviewed_by = (
        [] if is_review else list(selectors.reviews_of(user=request.user, assessment=assessment))
    )
    return AssessmentDetailOut(
        **_summary(assessment),
        in_full=in_full,
        carried_from=_ref(assessment.carried_from),
        reviews=_ref(assessment.reviews),
        reviewed_by=[r for r in map(_ref, reviewed_by) if r is not None],
        transitions=[
            TransitionOut(
                from_status=t.from_status,
                to_status=t.to_status,
                actor_id=t.actor_id,
                actor_name=t.actor.full_name if t.actor is not None else None,
                reason=t.reason,
                occurred_at=t.occurred_at,
            )
            for t in selectors.assessment_history(assessment=assessment)
        ],
        sign_offs=[
            SignOffOut(
                organisation_id=s.organisation_id,
                organisation_name=s.organisation.name,
                signed_by_id=s.signed_by_id,
                signed_by_name=s.signed_by.full_name,
                signed_at=s.signed_at,
            )
            for s in selectors.sign_off_list(assessment=assessment)
        ],
        criterion_count=len(criteria),
        rated_count=sum(1 for c in criteria if c["rating"] is not None),
        unconfirmed_count=sum(1 for c in criteria if c["carried_forward"]),
        criteria=[CriterionResponseOut.model_validate(c) for c in criteria],
    )


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
    except DjangoValidationError as error:
        return Status(400, _field_errors(error))
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
    try:
        services.assessment_submit(
            actor=acting_user(request),
            assessment=assessment,
            no_personal_data_declared=payload.no_personal_data_declared,
        )
    except DjangoValidationError as error:
        return Status(400, _field_errors(error))
    submitted = selectors.assessment_get(user=request.user, assessment_id=assessment.pk)
    return Status(200, AssessmentOut(**_summary(submitted)))
