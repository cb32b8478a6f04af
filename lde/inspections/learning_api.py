"""API of a programme's cross-site learning: the same selectors, policies and services as the
pages. A programme or row one may not see is a 404, a write not allowed a 403 saying who can, a
refusal a 400 naming the field (a repeat, 409)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from lde.accounts.selectors import acting_user
from lde.core.api_schemas import READ_ERRORS, WRITE_ERRORS, ObjectId
from lde.core.limits import limit_of
from lde.inspections import learning_selectors as selectors
from lde.inspections import learning_services as services
from lde.inspections.learning_policies import site_feedback_policy
from lde.inspections.models_learning import (
    AdvisoryComment,
    CaseStudy,
    Finding,
    FindingKind,
    KeyLearning,
    SiteFeedback,
)
from lde.what_works.models import Setting, Strand

router = Router(tags=["inspections"])

FREE_TEXT = r"^[^\x00]*$"
Id = Annotated[int, Field(ge=1, le=9_223_372_036_854_775_807)]
Answer = Status[Any]


def _text(model: Any, name: str, *, required: bool = True) -> Any:
    return Field(
        ... if required else "",
        min_length=1 if required else 0,
        max_length=limit_of(model, name),
        pattern=FREE_TEXT,
    )


class CreatedOut(Schema):
    id: int


class FindingOut(Schema):
    id: int
    theme: str = Field(description="A criterion identifier of the key-themes framework.")
    kind: FindingKind
    text: str
    site_ids: list[int]


class KeyLearningOut(Schema):
    id: int
    text: str
    finding_ids: list[int]


class CaseStudyOut(Schema):
    id: int
    site_id: int
    title: str
    theme: str
    summary: str
    what_was_done: str
    outcome: str
    status: str
    library_entry_id: int | None


class LearningOut(Schema):
    programme_id: int
    status: str
    findings: list[FindingOut]
    key_learning: list[KeyLearningOut]
    case_studies: list[CaseStudyOut]


class FindingIn(Schema):
    theme: str = Field(..., min_length=1, max_length=60, pattern=FREE_TEXT)
    kind: FindingKind
    text: str = _text(Finding, "text")
    site_ids: list[Id] = Field(default_factory=list, max_length=500)


class KeyLearningIn(Schema):
    text: str = _text(KeyLearning, "text")
    finding_ids: list[Id] = Field(default_factory=list, max_length=500)


class CaseStudyIn(Schema):
    site_id: Id
    title: str = _text(CaseStudy, "title")
    theme: str = Field(..., min_length=1, max_length=60, pattern=FREE_TEXT)
    summary: str = _text(CaseStudy, "summary")
    what_was_done: str = _text(CaseStudy, "what_was_done")
    outcome: str = _text(CaseStudy, "outcome")
    strand: Strand
    setting: Setting


class SiteFeedbackIn(Schema):
    useful: int = Field(..., ge=1, le=5, description="How useful the exercise was, 1 to 5.")
    what_helped: str = _text(SiteFeedback, "what_helped", required=False)
    what_to_change: str = _text(SiteFeedback, "what_to_change", required=False)


class SiteFeedbackOut(Schema):
    site_id: int
    useful: int
    what_helped: str
    what_to_change: str


class AdvisoryMemberIn(Schema):
    email: str = Field(..., min_length=3, max_length=254, pattern=FREE_TEXT)


class AdvisoryCommentIn(Schema):
    text: str = _text(AdvisoryComment, "text")


def _case_study_out(c: CaseStudy) -> CaseStudyOut:
    return CaseStudyOut(
        id=c.pk,
        site_id=c.site_id,
        title=c.title,
        theme=c.theme,
        summary=c.summary,
        what_was_done=c.what_was_done,
        outcome=c.outcome,
        status=c.status,
        library_entry_id=c.library_entry_id,
    )


@router.get(
    "/programmes/{programme_id}/learning",
    response={200: LearningOut, **READ_ERRORS},
    summary="A programme's findings, key learning and case studies (its report)",
)
def learning_get(request: HttpRequest, programme_id: ObjectId) -> LearningOut:
    programme = selectors.programme_for_learning(user=request.user, programme_id=programme_id)
    user = request.user
    return LearningOut(
        programme_id=programme.pk,
        status=programme.status,
        findings=[
            FindingOut(
                id=f.pk,
                theme=f.theme,
                kind=FindingKind(f.kind),
                text=f.text,
                site_ids=sorted(s.pk for s in f.sites.all()),
            )
            for f in selectors.finding_list(user=user, programme=programme)
        ],
        key_learning=[
            KeyLearningOut(id=k.pk, text=k.text, finding_ids=sorted(f.pk for f in k.findings.all()))
            for k in selectors.key_learning_list(user=user, programme=programme)
        ],
        case_studies=[
            _case_study_out(c) for c in selectors.case_study_list(user=user, programme=programme)
        ],
    )


@router.post(
    "/programmes/{programme_id}/findings",
    response={201: CreatedOut, **WRITE_ERRORS},
    summary="Add a finding (the programme's lead and inspectors)",
)
def finding_add(request: HttpRequest, programme_id: ObjectId, payload: FindingIn) -> Answer:
    programme = selectors.programme_for_learning(user=request.user, programme_id=programme_id)
    finding = services.finding_add(
        actor=acting_user(request),
        programme=programme,
        theme=payload.theme,
        kind=str(payload.kind),
        text=payload.text,
        sites=payload.site_ids,
    )
    return Status(201, CreatedOut(id=finding.pk))


@router.post(
    "/programmes/{programme_id}/key-learning",
    response={201: CreatedOut, **WRITE_ERRORS},
    summary="Add key learning (the programme's lead and inspectors)",
)
def key_learning_add(
    request: HttpRequest, programme_id: ObjectId, payload: KeyLearningIn
) -> Answer:
    programme = selectors.programme_for_learning(user=request.user, programme_id=programme_id)
    learning = services.key_learning_add(
        actor=acting_user(request),
        programme=programme,
        text=payload.text,
        findings=payload.finding_ids,
    )
    return Status(201, CreatedOut(id=learning.pk))


@router.post(
    "/programmes/{programme_id}/case-studies",
    response={201: CreatedOut, **WRITE_ERRORS},
    summary="Add a case study (the programme's lead and inspectors)",
)
def case_study_add(request: HttpRequest, programme_id: ObjectId, payload: CaseStudyIn) -> Answer:
    programme = selectors.programme_for_learning(user=request.user, programme_id=programme_id)
    fields = payload.dict()
    fields["site"] = fields.pop("site_id")
    fields["strand"] = str(fields["strand"])
    fields["setting"] = str(fields["setting"])
    case_study = services.case_study_add(actor=acting_user(request), programme=programme, **fields)
    return Status(201, CreatedOut(id=case_study.pk))


@router.post(
    "/case-studies/{case_study_id}/send",
    response={200: CaseStudyOut, **WRITE_ERRORS},
    summary="Send a draft case study to the library of what works (the programme lead)",
)
def case_study_send(request: HttpRequest, case_study_id: ObjectId) -> CaseStudyOut:
    case_study = selectors.case_study_get(user=request.user, case_study_id=case_study_id)
    return _case_study_out(
        services.case_study_send(actor=acting_user(request), case_study=case_study)
    )


@router.put(
    "/sites/{site_id}/feedback",
    response={200: SiteFeedbackOut, **WRITE_ERRORS},
    summary="Give or change a site's feedback on the exercise (the site's coordinators)",
)
def site_feedback_give(
    request: HttpRequest, site_id: ObjectId, payload: SiteFeedbackIn
) -> SiteFeedbackOut:
    site = selectors.site_get(site_id=site_id)
    user = request.user
    if not site_feedback_policy.user_can_in(user, "give", site.pk) and not (
        site_feedback_policy.user_can_in(user, "see", site.pk)
    ):
        raise Http404
    feedback = services.site_feedback_give(actor=acting_user(request), site=site, **payload.dict())
    return SiteFeedbackOut(
        site_id=site.pk,
        useful=feedback.useful,
        what_helped=feedback.what_helped,
        what_to_change=feedback.what_to_change,
    )


@router.post(
    "/programmes/{programme_id}/advisory-members",
    response={201: CreatedOut, **WRITE_ERRORS},
    summary="Name a member of the advisory group (the programme lead, never themselves)",
)
def advisory_member_name(
    request: HttpRequest, programme_id: ObjectId, payload: AdvisoryMemberIn
) -> Answer:
    programme = selectors.programme_for_learning(user=request.user, programme_id=programme_id)
    member = services.advisory_member_name(
        actor=acting_user(request), programme=programme, email=payload.email
    )
    return Status(201, CreatedOut(id=member.pk))


@router.post(
    "/programmes/{programme_id}/advisory-comments",
    response={201: CreatedOut, **WRITE_ERRORS},
    summary="Comment on the draft findings (members of the advisory group)",
)
def advisory_comment_add(
    request: HttpRequest, programme_id: ObjectId, payload: AdvisoryCommentIn
) -> Answer:
    programme = selectors.programme_for_learning(user=request.user, programme_id=programme_id)
    comment = services.advisory_comment_add(
        actor=acting_user(request), programme=programme, text=payload.text
    )
    return Status(201, CreatedOut(id=comment.pk))
