"""Writes to assessments: each one audited, in one transaction, and checked against the policy.

Status changes go through `TRANSITIONS` and leave a history row. A criterion's response carries a
revision number: saving over a revision you did not see raises `EditConflict` with both versions,
so nothing is silently overwritten.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from lde.accounts.models import Organisation, User
from lde.assessments import selectors
from lde.assessments.models import (
    OPEN_STATUSES,
    SUBMITTED_OR_LATER,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    AssessmentTransition,
    Contribution,
    CriterionResponse,
    Evidence,
    EvidenceKind,
    FactualAccuracyComment,
    ModerationDecision,
    OrganisationSignOff,
    RaterRating,
)
from lde.assessments.policies import assessment_policy
from lde.core import personal_data
from lde.core.access.facts import facts_for
from lde.core.access.policy import PermissionDenied403
from lde.core.audit.chain import audit_record
from lde.core.audit.models import AuditScope
from lde.core.files import safe_file_name
from lde.core.uploads import DOCUMENTS, files_kept_only_on_success, upload_check
from lde.core.workflow import transition
from lde.frameworks.models import Criterion, CriterionKind, FrameworkVersion
from lde.partnerships.models import Partnership

# The allowed status changes. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED): "submit",
    (AssessmentStatus.SUBMITTED, AssessmentStatus.MODERATED): "moderate",
    (AssessmentStatus.SUBMITTED, AssessmentStatus.PUBLISHED): "publish",
    (AssessmentStatus.MODERATED, AssessmentStatus.PUBLISHED): "publish",
    (AssessmentStatus.SUBMITTED, AssessmentStatus.DRAFT): "return_to_draft",
    (AssessmentStatus.MODERATED, AssessmentStatus.DRAFT): "return_to_draft",
    (AssessmentStatus.DRAFT, AssessmentStatus.ABANDONED): "abandon",
}

# Why a draft was abandoned: enough for a paragraph, not a document.
MAX_ABANDON_REASON = 2000

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def _require(actor: User | None, action: str, assessment: Assessment) -> None:
    if actor is not None:
        assessment_policy.require(actor, action, assessment)


def _audit(
    actor: User | None, verb: str, assessment: Assessment, subject: Any = None, **changes: Any
) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=subject if subject is not None else assessment,
        scope=AuditScope.PARTNERSHIP,
        partnership_id=assessment.partnership_id,
        changes=changes or None,
    )


def rated_criteria(version: FrameworkVersion) -> list[Criterion]:
    """The criteria that take a rating: those with no sub-criteria, in document order."""
    criteria = list(version.criteria.filter(kind=CriterionKind.CRITERION).order_by("position"))
    parents = {c.parent_id for c in criteria}
    return [c for c in criteria if c.pk not in parents]


def _period(assessment: Assessment) -> str:
    start, end = assessment.period_start, assessment.period_end
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


def open_cycle_overlapping(
    *,
    partnership: Partnership,
    framework_version: FrameworkVersion,
    period_start: date,
    period_end: date,
) -> Assessment | None:
    """The partnership's open self-assessment (draft, submitted or moderated) of the same
    framework whose period overlaps the one given, if there is one."""
    return (
        Assessment.objects.filter(
            partnership=partnership,
            kind=AssessmentKind.SELF,
            framework_version__framework_id=framework_version.framework_id,
            status__in=OPEN_STATUSES,
            period_start__lte=period_end,
            period_end__gte=period_start,
        )
        .order_by("period_start", "pk")
        .first()
    )


def carry_forward_source(
    *, partnership: Partnership, framework_version: FrameworkVersion
) -> Assessment | None:
    """The cycle a new self-assessment carries forward from: the partnership's latest
    published self-assessment of the same framework. Never a draft or anything unpublished,
    whose ratings nobody has agreed, and never an abandoned one."""
    return (
        Assessment.objects.filter(
            partnership=partnership,
            kind=AssessmentKind.SELF,
            framework_version__framework_id=framework_version.framework_id,
            status=AssessmentStatus.PUBLISHED,
        )
        .order_by("-period_end", "-created_at")
        .first()
    )


@transaction.atomic
def assessment_start(
    *,
    actor: User | None,
    partnership: Partnership,
    kind: str,
    framework_version: FrameworkVersion,
    title: str,
    period_start: date,
    period_end: date,
    reviews: Assessment | None = None,
    carry_forward: bool = True,
) -> Assessment:
    """Start an assessment. A new self-assessment copies the latest published cycle's ratings
    and evidence forward as a draft, each marked "carried forward" until someone confirms or
    changes it. It may not overlap an open cycle of the same partnership and framework: a
    pre-filled start form sent twice, or sent while last year's draft is still open, is
    refused rather than making a second cycle nobody can delete."""
    if actor is not None and kind == AssessmentKind.SELF:
        assessment_policy.require_in(
            actor, "start", partnership.pk, message="You cannot start an assessment here."
        )
    if kind != AssessmentKind.SELF:
        if reviews is None or reviews.kind != AssessmentKind.SELF:
            raise ValidationError(
                {"reviews": "A peer review or inspection reviews a self-assessment."}
            )
        if reviews.partnership_id != partnership.pk:
            raise ValidationError({"reviews": "It must be this partnership's self-assessment."})
    if period_end < period_start:
        raise ValidationError({"period_end": "The end of the period must be after its start."})
    previous = None
    if kind == AssessmentKind.SELF:
        # The partnership's row is locked so that two people starting a cycle at once cannot
        # both find no overlapping one.
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        overlapping = open_cycle_overlapping(
            partnership=partnership,
            framework_version=framework_version,
            period_start=period_start,
            period_end=period_end,
        )
        if overlapping is not None:
            raise ValidationError(
                {
                    "period_start": f"{overlapping.title} ({_period(overlapping)}) covers part of "
                    f"this period and is still {overlapping.get_status_display().lower()}. "
                    "Publish or abandon it first, or choose a period that does not overlap it"
                }
            )
        if carry_forward:
            previous = carry_forward_source(
                partnership=partnership, framework_version=framework_version
            )
    assessment = Assessment.objects.create(
        partnership=partnership,
        kind=kind,
        framework_version=framework_version,
        title=title,
        period_start=period_start,
        period_end=period_end,
        reviews=reviews,
        carried_from=previous,
        created_by=actor,
    )
    criteria = rated_criteria(framework_version)
    old: dict[str, CriterionResponse] = {}
    if previous is not None:
        old = {
            r.criterion.identifier: r
            for r in previous.responses.select_related("criterion").prefetch_related("evidence")
        }
    responses = []
    for criterion in criteria:
        before = old.get(criterion.identifier)
        responses.append(
            CriterionResponse(
                assessment=assessment,
                criterion=criterion,
                rating=before.rating if before else None,
                target=before.target if before else None,
                commentary=before.commentary if before else "",
                carried_forward=before is not None and before.rating is not None,
            )
        )
    CriterionResponse.objects.bulk_create(responses)
    if old:
        by_identifier = {
            r.criterion.identifier: r for r in assessment.responses.select_related("criterion")
        }
        copies = [
            Evidence(
                response=by_identifier[identifier],
                kind=e.kind,
                title=e.title,
                url=e.url,
                file_name=e.file_name,
                stored_name=e.stored_name,
                content_hash=e.content_hash,
                size=e.size,
                content_type=e.content_type,
                effective_on=e.effective_on,
                uploaded_by=e.uploaded_by,
                carried_forward=True,
                guard_findings=e.guard_findings,
            )
            for identifier, before in old.items()
            if identifier in by_identifier
            for e in before.evidence.all()
        ]
        Evidence.objects.bulk_create(copies)
    _audit(
        actor,
        "ASSESSMENT_STARTED",
        assessment,
        kind=kind,
        framework_version=framework_version.pk,
        carried_from=previous.pk if previous else None,
    )
    return assessment


@dataclass
class EditConflict(Exception):
    """Someone else saved this criterion after you opened it: both versions, to choose from."""

    theirs: CriterionResponse
    yours: dict[str, Any]


def _check_scale(criterion: Criterion, value: int | None, field: str) -> None:
    if value is None:
        return
    scale = criterion.scale or criterion.framework_version.scales.order_by("position").first()
    allowed = set(scale.levels.values_list("value", flat=True)) if scale else set()
    if value not in allowed:
        raise ValidationError({field: f"{value} is not a level of this criterion's scale."})


def _may_rate_criterion(actor: User, assessment: Assessment, criterion: Criterion) -> bool:
    """Contributors rate only the criteria assigned to them or their organisation."""
    facts = facts_for(actor)
    held = facts.roles.get(assessment.partnership_id, frozenset())
    if assessment.kind != AssessmentKind.SELF or held & {"coordinator", "board_member"}:
        return True
    return Contribution.objects.filter(
        Q(user=actor) | Q(organisation_id=actor.organisation_id),
        assessment=assessment,
        criterion=criterion,
    ).exists()


@transaction.atomic
def response_update(
    *,
    actor: User | None,
    response: CriterionResponse,
    seen_revision: int,
    rating: int | None,
    target: int | None,
    commentary: str,
    consensus_reason: str = "",
) -> CriterionResponse:
    """Save a criterion's rating, target and commentary, unless someone saved it since."""
    assessment = response.assessment
    _require(actor, "rate", assessment)
    if actor is not None and not _may_rate_criterion(actor, assessment, response.criterion):
        raise PermissionDenied403(
            "This criterion is not assigned to you.",
            who_can="Contributors rate the criteria assigned to them or their organisation.",
        )
    _check_scale(response.criterion, rating, "rating")
    _check_scale(response.criterion, target, "target")
    current = CriterionResponse.objects.select_for_update().get(pk=response.pk)
    if current.revision != seen_revision:
        raise EditConflict(
            theirs=current, yours={"rating": rating, "target": target, "commentary": commentary}
        )
    raters = current.rater_ratings.exclude(rating=None).values_list("rating", flat=True)
    if rating is not None and len(set(raters)) > 1 and not consensus_reason.strip():
        raise ValidationError(
            {"consensus_reason": "The raters differ: say why this is the consensus rating."}
        )
    changed = {
        name: value
        for name, value in (
            ("rating", rating),
            ("target", target),
            ("commentary", commentary),
            ("consensus_reason", consensus_reason),
        )
        if getattr(current, name) != value
    }
    CriterionResponse.objects.filter(pk=current.pk).update(
        rating=rating,
        target=target,
        commentary=commentary,
        consensus_reason=consensus_reason,
        carried_forward=False,
        revision=F("revision") + 1,
        updated_by=actor,
        updated_at=timezone.now(),
    )
    current.refresh_from_db()
    _audit(
        actor,
        "CRITERION_RESPONSE_UPDATED",
        assessment,
        subject=current,
        **changed,
        confirmed=True,
    )
    return current


@transaction.atomic
def rater_rating_record(
    *, actor: User, response: CriterionResponse, rating: int | None, note: str = ""
) -> RaterRating:
    """One person's independent rating; the spread is shown beside the consensus."""
    _require(actor, "rate", response.assessment)
    _check_scale(response.criterion, rating, "rating")
    found, _ = RaterRating.objects.update_or_create(
        response=response, rater=actor, defaults={"rating": rating, "note": note}
    )
    _audit(actor, "RATER_RATING_RECORDED", response.assessment, subject=found, rating=rating)
    return found


def _evidence_dir() -> Path:
    folder = Path(settings.PRIVATE_FILES_ROOT) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def evidence_add_file(
    *,
    actor: User,
    response: CriterionResponse,
    title: str,
    upload: UploadedFile,
    effective_on: date,
) -> Evidence:
    """Store a file outside the web root under a random name, with a hash of its content.

    The file must be what its name says, judged by its content (`lde.core.uploads`), and is
    stored with the type found there. The file, its row and the audit event are written all or
    nothing: if any of them fails, the file is removed and no row is left."""
    _require(actor, "rate", response.assessment)
    if upload.size is None or upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": "The file must be smaller than 20 MB."})
    if upload.size == 0:
        raise ValidationError({"file": "The file is empty."})
    data = b"".join(upload.chunks())
    file_name = safe_file_name(upload.name, default="evidence")
    kind = upload_check(data, name=file_name, accepted=DOCUMENTS)
    # Read before anything is locked or written: the guard reads every page of a PDF.
    findings = personal_data.guard_check_file(data, kind.content_type, file_name)
    with files_kept_only_on_success() as files, transaction.atomic():
        stored_name = files.write(_evidence_dir(), data)
        evidence = Evidence.objects.create(
            response=response,
            kind=EvidenceKind.FILE,
            title=title,
            file_name=file_name,
            stored_name=stored_name,
            content_hash=hashlib.sha256(data).hexdigest(),
            size=len(data),
            content_type=kind.content_type,
            effective_on=effective_on,
            uploaded_by=actor,
            guard_findings=findings,
        )
        _audit(
            actor,
            "EVIDENCE_ADDED",
            response.assessment,
            subject=evidence,
            title=title,
            content_hash=evidence.content_hash,
        )
    return evidence


@transaction.atomic
def evidence_add_link(
    *, actor: User, response: CriterionResponse, title: str, url: str, effective_on: date
) -> Evidence:
    _require(actor, "rate", response.assessment)
    evidence = Evidence(
        response=response,
        kind=EvidenceKind.LINK,
        title=title,
        url=url,
        effective_on=effective_on,
        uploaded_by=actor,
    )
    evidence.full_clean(exclude=["response", "uploaded_by"])
    evidence.save()
    _audit(actor, "EVIDENCE_ADDED", response.assessment, subject=evidence, title=title, url=url)
    return evidence


def evidence_path(evidence: Evidence) -> Path:
    return _evidence_dir() / evidence.stored_name


@transaction.atomic
def contribution_assign(
    *,
    actor: User | None,
    assessment: Assessment,
    criterion: Criterion,
    organisation: Organisation | None = None,
    user: User | None = None,
) -> Contribution:
    if actor is not None:
        probe_start = assessment_policy.user_can(actor, "start", assessment)
        if not probe_start:
            raise PermissionDenied403(
                "Only coordinators assign criteria.",
                who_can="The partnership's coordinators assign criteria.",
            )
    contribution, _ = Contribution.objects.get_or_create(
        assessment=assessment, criterion=criterion, organisation=organisation, user=user
    )
    _audit(
        actor,
        "CONTRIBUTION_ASSIGNED",
        assessment,
        subject=contribution,
        organisation=organisation.pk if organisation else None,
        user=user.pk if user else None,
    )
    return contribution


@transaction.atomic
def organisation_sign_off(
    *, actor: User, assessment: Assessment, organisation: Organisation
) -> OrganisationSignOff:
    """A contributing organisation signs off its part; only its own people may."""
    _require(actor, "sign_off", assessment)
    if actor.organisation_id != organisation.pk:
        raise PermissionDenied403(
            "You can sign off only your own organisation's part.",
            who_can=assessment_policy.who_can["sign_off"],
        )
    sign_off, _ = OrganisationSignOff.objects.get_or_create(
        assessment=assessment, organisation=organisation, defaults={"signed_by": actor}
    )
    _audit(
        actor, "ORGANISATION_SIGNED_OFF", assessment, subject=sign_off, organisation=organisation.pk
    )
    return sign_off


def unconfirmed(assessment: Assessment) -> list[CriterionResponse]:
    """Carried-forward ratings nobody has yet confirmed or changed."""
    return list(assessment.responses.filter(carried_forward=True).select_related("criterion"))


def _move(
    actor: User | None, assessment: Assessment, to_status: str, reason: str = ""
) -> Assessment:
    transition(
        obj=assessment,
        to_status=to_status,
        transitions=TRANSITIONS,
        history_model=AssessmentTransition,
        subject_field="assessment",
        actor=actor,
        error=f"An assessment cannot go from {assessment.status} to {to_status}.",
        reason=reason,
        guard=lambda action: _require(actor, action, assessment),
    )
    _audit(actor, f"ASSESSMENT_{to_status.upper()}", assessment, status=to_status)
    return assessment


@transaction.atomic
def assessment_submit(
    *, actor: User | None, assessment: Assessment, no_personal_data_declared: bool
) -> Assessment:
    """Submit, once nothing carried forward is unconfirmed and the author has declared that it
    holds no information about identifiable members of the public."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    pending = unconfirmed(assessment)
    problems: dict[str, str] = {}
    if pending:
        problems["carried_forward"] = (
            f"{len(pending)} carried-forward rating{'s' if len(pending) != 1 else ''} "
            "still need confirming or changing."
        )
    if not no_personal_data_declared:
        problems["no_personal_data_declared"] = (
            "Confirm that the assessment holds no information about identifiable members of "
            "the public."
        )
    if problems:
        raise ValidationError(problems)
    assessment.personal_data_declared_by = actor
    assessment.personal_data_declared_at = timezone.now()
    assessment.save(update_fields=["personal_data_declared_by", "personal_data_declared_at"])
    # The declaration is the author's; the guard's findings, which they saw on the submit page,
    # are counted beside it (never copied: they may be identifiers).
    findings, unchecked = selectors.personal_data_findings(assessment=assessment)
    _audit(
        actor,
        "PERSONAL_DATA_DECLARED",
        assessment,
        guard_findings=len(findings),
        files_not_checked=len(unchecked),
    )
    return _move(actor, assessment, AssessmentStatus.SUBMITTED)


@transaction.atomic
def assessment_return_to_draft(
    *, actor: User | None, assessment: Assessment, reason: str
) -> Assessment:
    if not reason.strip():
        raise ValidationError({"reason": "Say why it goes back to draft."})
    return _move(
        actor,
        Assessment.objects.select_for_update().get(pk=assessment.pk),
        AssessmentStatus.DRAFT,
        reason,
    )


@transaction.atomic
def assessment_abandon(*, actor: User | None, assessment: Assessment, reason: str) -> Assessment:
    """Give up a draft self-assessment, with a reason. It stays in the partnership's list and
    history, marked abandoned, but nobody can rate, submit or publish it, it leaves everyone's
    home page, and its ratings are never carried forward. Drafts of peer reviews or inspections
    of it are abandoned with it: there is nothing left for them to review."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the draft is being abandoned"})
    if len(reason) > MAX_ABANDON_REASON:
        raise ValidationError(
            {"reason": f"The reason must be {MAX_ABANDON_REASON:,} characters or fewer"}
        )
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _move(actor, assessment, AssessmentStatus.ABANDONED, reason)
    for review in Assessment.objects.select_for_update().filter(
        reviews=assessment, status=AssessmentStatus.DRAFT
    ):
        # A consequence of the coordinator's move, made by the system: the reviewers' own
        # policy is not asked, since they did not choose it.
        transition(
            obj=review,
            to_status=AssessmentStatus.ABANDONED,
            transitions=TRANSITIONS,
            history_model=AssessmentTransition,
            subject_field="assessment",
            actor=None,
            error=f"An assessment cannot go from {review.status} to abandoned.",
            reason=f"{assessment.title} was abandoned: {reason}",
        )
        _audit(
            None,
            "ASSESSMENT_ABANDONED",
            review,
            status=AssessmentStatus.ABANDONED,
            reviews=assessment.pk,
        )
    return assessment


@transaction.atomic
def board_sign_off(*, actor: User | None, assessment: Assessment) -> Assessment:
    """The programme board's sign-off, needed to publish a self-assessment with no review."""
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError({"status": "The board signs off a submitted assessment."})
    _require(actor, "board_sign_off", assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError({"status": "The board signs off a submitted assessment."})
    assessment.board_signed_off_by = actor
    assessment.board_signed_off_at = timezone.now()
    assessment.save(update_fields=["board_signed_off_by", "board_signed_off_at", "updated_at"])
    _audit(actor, "ASSESSMENT_BOARD_SIGNED_OFF", assessment)
    return assessment


def moderation_rows(assessment: Assessment) -> list[dict[str, Any]]:
    """Each criterion's self rating beside the latest review's rating and any decision."""
    review = (
        assessment.reviewed_by.filter(status__in=SUBMITTED_OR_LATER).order_by("-created_at").first()
    )
    own = {r.criterion_id: r for r in assessment.responses.select_related("criterion")}
    theirs: dict[str, int | None] = {}
    if review is not None:
        theirs = {
            r.criterion.identifier: r.rating for r in review.responses.select_related("criterion")
        }
    decisions = {d.criterion_id: d for d in assessment.moderation_decisions.all()}
    rows = []
    for criterion_id, response in sorted(own.items(), key=lambda i: i[1].criterion.position):
        review_rating = theirs.get(response.criterion.identifier)
        rows.append(
            {
                "criterion": response.criterion,
                "self_rating": response.rating,
                "review_rating": review_rating,
                "differs": review is not None and review_rating != response.rating,
                "decision": decisions.get(criterion_id),
            }
        )
    return rows


@transaction.atomic
def moderation_decide(
    *,
    actor: User | None,
    assessment: Assessment,
    criterion: Criterion,
    agreed_rating: int | None,
    reason: str,
) -> ModerationDecision:
    _require(actor, "moderate", assessment)
    _check_scale(criterion, agreed_rating, "agreed_rating")
    row = next((r for r in moderation_rows(assessment) if r["criterion"].pk == criterion.pk), None)
    if row is None:
        raise ValidationError({"criterion": "That criterion is not in this assessment."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why this is the agreed rating."})
    decision, _ = ModerationDecision.objects.update_or_create(
        assessment=assessment,
        criterion=criterion,
        defaults={
            "self_rating": row["self_rating"],
            "review_rating": row["review_rating"],
            "agreed_rating": agreed_rating,
            "reason": reason,
            "decided_by": actor,
        },
    )
    _audit(actor, "MODERATION_DECIDED", assessment, subject=decision, agreed_rating=agreed_rating)
    return decision


@transaction.atomic
def assessment_moderate(*, actor: User | None, assessment: Assessment) -> Assessment:
    """Close moderation once every differing criterion has an agreed rating."""
    missing = [
        r["criterion"].title
        for r in moderation_rows(assessment)
        if r["differs"] and r["decision"] is None
    ]
    if missing:
        raise ValidationError(
            {
                "moderation": f"{len(missing)} differing "
                f"criteri{'a' if len(missing) != 1 else 'on'} still need an "
                "agreed rating."
            }
        )
    if not assessment.reviewed_by.filter(status__in=SUBMITTED_OR_LATER).exists():
        raise ValidationError({"moderation": "There is no submitted review to moderate against."})
    return _move(
        actor,
        Assessment.objects.select_for_update().get(pk=assessment.pk),
        AssessmentStatus.MODERATED,
    )


@transaction.atomic
def factual_accuracy_comment(
    *, actor: User, assessment: Assessment, body: str
) -> FactualAccuracyComment:
    _require(actor, "check_facts", assessment)
    if not body.strip():
        raise ValidationError({"body": "Enter your comment."})
    comment = FactualAccuracyComment.objects.create(
        assessment=assessment, author=actor, body=body.strip()
    )
    _audit(actor, "FACTUAL_ACCURACY_COMMENTED", assessment, subject=comment)
    return comment


@transaction.atomic
def assessment_publish(*, actor: User | None, assessment: Assessment) -> Assessment:
    """Publish. A self-assessment with no moderated review needs the board's sign-off first,
    and says that it was published without review."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.kind == AssessmentKind.SELF and assessment.status == AssessmentStatus.SUBMITTED:
        if assessment.board_signed_off_at is None:
            raise ValidationError(
                {
                    "board": "The board must sign off a self-assessment that "
                    "is published without review."
                }
            )
        assessment.published_without_review = True
        assessment.save(update_fields=["published_without_review"])
    if (
        assessment.kind != AssessmentKind.SELF
        and not assessment.factual_accuracy_comments.exists()
        and assessment.status == AssessmentStatus.SUBMITTED
        and actor is not None
    ):
        raise ValidationError(
            {
                "factual_accuracy": "The partnership must check the draft for "
                "factual accuracy before it is published."
            }
        )
    return _move(actor, assessment, AssessmentStatus.PUBLISHED)


@transaction.atomic
def review_start(*, actor: User | None, assessment: Assessment, kind: str) -> Assessment:
    """Invite a peer review (the coordinator) or start an inspection (an assigned inspector) of
    a submitted self-assessment, against the same framework version and period."""
    actions: dict[str, str] = {
        str(AssessmentKind.PEER_REVIEW): "start_peer_review",
        str(AssessmentKind.INSPECTION): "start_inspection",
    }
    action = actions.get(kind)
    if action is None:
        raise ValidationError({"kind": "A review is a peer review or an inspection."})
    _require(actor, action, assessment)
    label = "Peer review" if kind == AssessmentKind.PEER_REVIEW else "Inspection"
    return assessment_start(
        actor=actor,
        partnership=assessment.partnership,
        kind=kind,
        framework_version=assessment.framework_version,
        title=f"{label} of {assessment.title}",
        period_start=assessment.period_start,
        period_end=assessment.period_end,
        reviews=assessment,
    )
