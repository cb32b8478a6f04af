"""The assessments generator of `lde bench assessments`, at a tiny size: what it reports is what
it wrote, and the cycles look like the real workflow makes them. (The benchmark itself never runs
in the suite.)"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from benchmarks.assessment_data import AssessmentWorld, framework_text, generate_assessments
from benchmarks.national import NationalWorld, generate_national
from lde.assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    AssessmentTransition,
    Contribution,
    CriterionResponse,
    Evidence,
    FactualAccuracyComment,
    ModerationDecision,
    OrganisationSignOff,
    RaterRating,
)
from lde.frameworks.document import parse_framework
from lde.frameworks.models import (
    Criterion,
    Framework,
    FrameworkVersion,
    RatingScale,
    RubricDescriptor,
    ScaleLevel,
)
from lde.partnerships.models import Assignment

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)
MODELS = [
    Framework,
    FrameworkVersion,
    RatingScale,
    ScaleLevel,
    Criterion,
    RubricDescriptor,
    Assessment,
    CriterionResponse,
    RaterRating,
    Evidence,
    Contribution,
    OrganisationSignOff,
    AssessmentTransition,
    ModerationDecision,
    FactualAccuracyComment,
]


@pytest.fixture
def worlds() -> tuple[NationalWorld, AssessmentWorld]:
    world = generate_national(partnerships=3, users=40, seed=1, day=DAY)
    return world, generate_assessments(world, themes=2, criteria_per_theme=3, cycles=3)


def test_the_default_framework_has_300_criteria_each_with_a_rubric() -> None:
    document = parse_framework(framework_text(), "synthetic.yaml")
    criteria = [c for theme in document["themes"] for c in theme["criteria"]]
    assert len(document["themes"]) == 10
    assert len(criteria) == 300
    assert all(sorted(c["rubric"]) == [1, 2, 3, 4] for c in criteria)


def test_counts_it_reports_are_the_rows_in_the_database(
    worlds: tuple[NationalWorld, AssessmentWorld],
) -> None:
    world, _ = worlds
    for model in MODELS:
        assert world.counts[model._meta.label] == model._default_manager.count(), model.__name__
    assert world.counts["partnerships.Assignment"] == Assignment.objects.count()
    assert world.counts == EXPECTED | {
        k: v for k, v in world.counts.items() if not k.startswith(("assessments.", "frameworks."))
    }


def test_the_cycles_follow_the_workflow(worlds: tuple[NationalWorld, AssessmentWorld]) -> None:
    _, made = worlds
    cycles = list(Assessment.objects.filter(pk__in=made.cycle_ids).order_by("period_start"))
    assert [c.pk for c in cycles] == made.cycle_ids
    assert [c.status for c in cycles] == [
        AssessmentStatus.PUBLISHED,
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.DRAFT,
    ]
    assert [c.carried_from_id for c in cycles] == [None, *made.cycle_ids[:-1]]
    assert cycles[-1].period_start == date(2025, 4, 1)  # this financial year, from DAY
    assert made.review_id is not None
    review = Assessment.objects.get(pk=made.review_id)
    assert (review.kind, review.status, review.reviews_id) == (
        AssessmentKind.PEER_REVIEW,
        AssessmentStatus.SUBMITTED,
        made.under_moderation_id,
    )
    assignment = Assignment.objects.get(subject_reference=f"assessment:{made.under_moderation_id}")
    assert assignment.user_id == made.peer_reviewer_id
    # Every item of one cycle is carried into the next, with new ones added.
    for before, after in pairwise(cycles):
        old = Evidence.objects.filter(response__assessment=before).count()
        assert Evidence.objects.filter(
            response__assessment=after, carried_forward=True
        ).count() == (old)
    draft = cycles[-1].responses
    assert draft.filter(carried_forward=True).count() == 4  # two of six confirmed
    assert made.criteria == 6


# Seed 1, 3 partnerships, 40 users; 2 themes of 3 criteria, 3 cycles. Changing the generator on
# purpose means updating these.
EXPECTED: dict[str, int] = {
    "frameworks.Framework": 1,
    "frameworks.FrameworkVersion": 1,
    "frameworks.RatingScale": 1,
    "frameworks.ScaleLevel": 4,
    "frameworks.Criterion": 8,
    "frameworks.RubricDescriptor": 24,
    "assessments.Assessment": 4,
    "assessments.CriterionResponse": 24,
    "assessments.RaterRating": 42,
    "assessments.Evidence": 19,
    "assessments.Contribution": 18,
    "assessments.OrganisationSignOff": 6,
    "assessments.AssessmentTransition": 4,
    "assessments.ModerationDecision": 0,
    "assessments.FactualAccuracyComment": 2,
}
