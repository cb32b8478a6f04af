"""Reads of assessments, scoped by the policy, in a fixed number of queries whatever their size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    AssessmentTransition,
    Contribution,
    CriterionResponse,
    Evidence,
    FactualAccuracyComment,
    OrganisationSignOff,
    RaterRating,
)
from lde.assessments.policies import assessment_policy
from lde.core.access.facts import facts_for
from lde.frameworks.models import (
    Criterion,
    CriterionKind,
    FrameworkStatus,
    FrameworkVersion,
    RatingScale,
    RubricDescriptor,
    ScaleLevel,
)
from lde.frameworks.policies import framework_version_policy
from lde.partnerships.models import Partnership, Role


def assessment_list(*, user: Any, partnership: Partnership | None = None) -> QuerySet[Assessment]:
    assessments = assessment_policy.visible_to(user, "view").select_related(
        "framework_version__framework", "partnership", "reviews"
    )
    if partnership is not None:
        assessments = assessments.filter(partnership=partnership)
    return assessments.order_by("-period_end", "-created_at")


def assessment_get(*, user: Any, assessment_id: Any) -> Assessment:
    return assessment_policy.get_or_404(
        user,
        assessment_id,
        Assessment.objects.select_related(
            "framework_version__framework", "partnership", "reviews", "carried_from"
        ),
    )


@dataclass
class Row:
    """One criterion of an assessment page: the criterion, its scale and rubric, the response,
    the raters' spread, the evidence and who it is assigned to."""

    criterion: Criterion
    scale: RatingScale | None
    response: CriterionResponse | None
    rater_ratings: list[RaterRating] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def spread(self) -> tuple[int, int] | None:
        values = [r.rating for r in self.rater_ratings if r.rating is not None]
        return (min(values), max(values)) if values else None


def assessment_rows(*, assessment: Assessment) -> list[dict[str, Any]]:
    """Themes with their rows, in document order. Eight queries whatever the number of criteria,
    ratings, raters and evidence items."""
    version = assessment.framework_version
    scales = {
        s.pk: s
        for s in RatingScale.objects.filter(framework_version=version)
        .prefetch_related(Prefetch("levels", queryset=ScaleLevel.objects.order_by("value")))
        .order_by("position")
    }
    default_scale = next(iter(scales.values()), None)
    # Rubrics are shown on each criterion's own page, not here; guidance and typical evidence
    # likewise. Explicit orderings spare Django resolving the models' default orderings, which
    # follow relations, on every query.
    criteria = list(
        Criterion.objects.filter(framework_version=version)
        .defer("guidance", "evidence")
        .order_by("position")
    )
    responses = {
        r.criterion_id: r
        for r in CriterionResponse.objects.filter(assessment=assessment)
        .select_related("updated_by")
        .prefetch_related(
            Prefetch(
                "rater_ratings",
                queryset=RaterRating.objects.select_related("rater").order_by("rater__full_name"),
            ),
            Prefetch("evidence", queryset=Evidence.objects.order_by("-effective_on", "pk")),
        )
        .order_by()
    }
    contributions: dict[int, list[Contribution]] = defaultdict(list)
    for contribution in Contribution.objects.filter(assessment=assessment).select_related(
        "organisation", "user"
    ):
        contributions[contribution.criterion_id].append(contribution)
    themes: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for criterion in criteria:
        if criterion.parent_id is None:
            current = {"theme": criterion, "rows": []}
            themes.append(current)
            continue
        response = responses.get(criterion.pk)
        if response is None or current is None:
            continue  # a parent criterion, rated through its sub-criteria
        current["rows"].append(
            Row(
                criterion=criterion,
                scale=scales.get(criterion.scale_id or 0, default_scale),
                response=response,
                rater_ratings=list(response.rater_ratings.all()),
                evidence=list(response.evidence.all()),
                contributions=contributions.get(criterion.pk, []),
            )
        )
    return themes


def response_get(*, user: Any, assessment: Assessment, response_id: Any) -> CriterionResponse:
    """A criterion response of an assessment the user may see (404 otherwise)."""
    from django.http import Http404

    found = (
        (
            CriterionResponse.objects.filter(assessment=assessment, pk=response_id)
            .select_related("criterion", "assessment")
            .first()
        )
        if str(response_id).isdigit()
        else None
    )
    if found is None:
        raise Http404
    return found


def evidence_get(*, user: Any, evidence_id: Any) -> Evidence:
    """Evidence is visible exactly when its assessment is, in full: a community reviewer reads
    only the summary of a published assessment (permissions.md), not its evidence."""
    from django.http import Http404

    evidence = (
        (Evidence.objects.filter(pk=evidence_id).select_related("response__assessment").first())
        if str(evidence_id).isdigit()
        else None
    )
    if evidence is None or not assessment_policy.user_can(
        user, "view_in_full", evidence.response.assessment
    ):
        raise Http404
    return evidence


def reviews_of(*, user: Any, assessment: Assessment) -> QuerySet[Assessment]:
    return assessment_list(user=user).filter(reviews=assessment).exclude(kind=AssessmentKind.SELF)


def rateable_criterion_ids(*, user: Any, assessment: Assessment) -> frozenset[int] | None:
    """The criteria this user may rate here: None for all of them, else those named.

    The same rule as the services apply when saving: contributors to a self-assessment rate only
    what is assigned to them or their organisation; everyone else who may rate, rates all.
    """
    if not assessment_policy.user_can(user, "rate", assessment):
        return frozenset()
    held = facts_for(user).roles.get(assessment.partnership_id, frozenset())
    if assessment.kind != AssessmentKind.SELF or held & {Role.COORDINATOR, Role.BOARD_MEMBER}:
        return None
    mine = Q(user_id=user.pk)
    if getattr(user, "organisation_id", None) is not None:
        mine |= Q(organisation_id=user.organisation_id)
    return frozenset(
        Contribution.objects.filter(mine, assessment=assessment).values_list(
            "criterion_id", flat=True
        )
    )


def criterion_scale(*, criterion: Criterion) -> tuple[RatingScale | None, dict[int, str]]:
    """The criterion's scale, with its levels, and what each level looks like for this
    criterion: its own rubric where it has one, else the scale's descriptors."""
    scale_id = criterion.scale_id or (
        RatingScale.objects.filter(framework_version_id=criterion.framework_version_id)
        .order_by("position")
        .values_list("pk", flat=True)
        .first()
    )
    scale = (
        RatingScale.objects.filter(pk=scale_id)
        .prefetch_related(Prefetch("levels", queryset=ScaleLevel.objects.order_by("value")))
        .first()
        if scale_id
        else None
    )
    descriptors = {level.value: level.descriptor for level in scale.levels.all()} if scale else {}
    descriptors.update(
        dict(
            RubricDescriptor.objects.filter(criterion=criterion).values_list("value", "descriptor")
        )
    )
    return scale, descriptors


def response_detail(*, response: CriterionResponse) -> dict[str, Any]:
    """The raters, the evidence and the theme of one criterion's response."""
    return {
        "rater_ratings": list(response.rater_ratings.select_related("rater")),
        "evidence": list(response.evidence.order_by("-effective_on", "pk")),
        "theme": Criterion.objects.filter(
            framework_version_id=response.criterion.framework_version_id,
            identifier=response.criterion.path.split("/")[0],
        ).first(),
    }


def assessment_history(*, assessment: Assessment) -> list[AssessmentTransition]:
    return list(assessment.transitions.select_related("actor").order_by("occurred_at", "pk"))


def sign_off_list(*, assessment: Assessment) -> list[OrganisationSignOff]:
    return list(
        assessment.sign_offs.select_related("organisation", "signed_by").order_by(
            "organisation__name"
        )
    )


def factual_accuracy_comments(*, assessment: Assessment) -> list[FactualAccuracyComment]:
    return list(assessment.factual_accuracy_comments.select_related("author"))


def framework_versions_to_start(*, user: Any) -> QuerySet[FrameworkVersion]:
    """The current framework versions an assessment may be started against."""
    return (
        framework_version_policy.visible_to(user, "view")
        .filter(status=FrameworkStatus.CURRENT)
        .select_related("framework")
        .order_by("framework__title", "-created_at")
    )


def contribution_people(*, partnership: Partnership) -> dict[str, Any]:
    """Who criteria may be assigned to: the partner organisations and the partnership's people."""
    from lde.accounts.models import Organisation, User

    return {
        "organisations": Organisation.objects.filter(
            partnership_links__partnership=partnership
        ).order_by("name"),
        "people": User.objects.filter(memberships__partnership=partnership, is_active=True)
        .distinct()
        .order_by("full_name"),
    }


def scales_of(*, version: FrameworkVersion) -> tuple[dict[int, RatingScale], RatingScale | None]:
    """A version's scales with their levels, by id, and the default one (two queries)."""
    scales = {
        s.pk: s
        for s in RatingScale.objects.filter(framework_version=version)
        .prefetch_related(Prefetch("levels", queryset=ScaleLevel.objects.order_by("value")))
        .order_by("position")
    }
    return scales, next(iter(scales.values()), None)


def assessments_needing_attention(*, user: Any) -> list[dict[str, Any]]:
    """Draft and submitted assessments the user can act on, with what each needs (one query)."""
    facts = facts_for(user)
    if not (facts.roles or facts.inspected or facts.peer_review_subjects):
        return []
    submitted_review = Assessment.objects.filter(reviews=OuterRef("pk")).exclude(
        kind=AssessmentKind.SELF
    )
    found = (
        assessment_list(user=user)
        .filter(status__in=[AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED])
        .annotate(
            unconfirmed=Count("responses", filter=Q(responses__carried_forward=True)),
            unrated=Count("responses", filter=Q(responses__rating__isnull=True)),
            has_submitted_review=Exists(submitted_review.exclude(status=AssessmentStatus.DRAFT)),
        )
    )
    rows = []
    for assessment in found:
        needs = []
        can = {
            action: assessment_policy.user_can(user, action, assessment)
            for action in (
                "rate",
                "submit",
                "moderate",
                "check_facts",
                "board_sign_off",
                "publish",
            )
        }
        if can["rate"]:
            unconfirmed = getattr(assessment, "unconfirmed", 0)
            unrated = getattr(assessment, "unrated", 0)
            if unconfirmed:
                needs.append(
                    f"{unconfirmed} carried-forward rating{'s' if unconfirmed != 1 else ''} "
                    "to confirm or change"
                )
            if unrated:
                needs.append(f"{unrated} criteri{'a' if unrated != 1 else 'on'} not yet rated")
            if can["submit"] and not unconfirmed:
                needs.append("Ready to submit")
        if can["moderate"] and getattr(assessment, "has_submitted_review", False):
            needs.append("Review to moderate")
        if can["check_facts"]:
            needs.append("Check the draft for factual accuracy")
        if can["board_sign_off"] and assessment.board_signed_off_at is None:
            needs.append("Needs the board's sign-off")
        elif can["publish"] and assessment.kind != AssessmentKind.SELF:
            needs.append("To publish, once the partnership has checked its factual accuracy")
        elif can["publish"] and assessment.board_signed_off_at is not None:
            needs.append("Ready to publish")
        if needs:
            rows.append({"assessment": assessment, "needs": needs})
    return rows


def rated_criterion_choices(*, version: FrameworkVersion) -> QuerySet[Criterion]:
    """The criteria that take a rating (those with no sub-criteria), to choose from."""
    return (
        Criterion.objects.filter(framework_version=version, kind=CriterionKind.CRITERION)
        .exclude(children__isnull=False)
        .order_by("position")
    )


def last_self_assessment(*, user: Any, partnership: Partnership) -> Assessment | None:
    return (
        assessment_list(user=user, partnership=partnership).filter(kind=AssessmentKind.SELF).first()
    )
