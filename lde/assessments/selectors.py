"""Reads of assessments, scoped by the policy, in a fixed number of queries whatever their size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    Contribution,
    CriterionResponse,
    Evidence,
    RaterRating,
)
from lde.assessments.policies import assessment_policy
from lde.frameworks.models import Criterion, RatingScale, RubricDescriptor, ScaleLevel
from lde.partnerships.models import Partnership


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
    criteria = list(
        Criterion.objects.filter(framework_version=version)
        .prefetch_related(Prefetch("rubric", queryset=RubricDescriptor.objects.order_by("value")))
        .order_by("position")
    )
    responses = {
        r.criterion_id: r
        for r in CriterionResponse.objects.filter(assessment=assessment)
        .select_related("updated_by")
        .prefetch_related(
            Prefetch("rater_ratings", queryset=RaterRating.objects.select_related("rater")),
            Prefetch("evidence", queryset=Evidence.objects.order_by("-effective_on", "pk")),
        )
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
    """Evidence is visible exactly when its assessment is."""
    from django.http import Http404

    evidence = (
        (Evidence.objects.filter(pk=evidence_id).select_related("response__assessment").first())
        if str(evidence_id).isdigit()
        else None
    )
    if evidence is None or not assessment_policy.user_can(
        user, "view", evidence.response.assessment
    ):
        raise Http404
    return evidence


def reviews_of(*, user: Any, assessment: Assessment) -> QuerySet[Assessment]:
    return assessment_list(user=user).filter(reviews=assessment).exclude(kind=AssessmentKind.SELF)
